import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { readKerasFile } from '../../../src/formats/keras/readKeras';
import { randomWeights } from '../../fixtures/keras/build';
import { CTR } from '../../fixtures/keras/models';
import { FIXTURE_SEED, fixtureFiles } from '../../fixtures/keras/generate';
import { predictFlat, referenceModel, sampleInputs } from './reference';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const DIR = join(__dirname, '../../fixtures/keras');
const read = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

// The committed files are the CTR model written by generate.ts (h5wasm) and re-saved by h5py + numpy + zipfile
// with Keras' own saving statements (h5py_resave.py): the byte encodings real Keras files have.
const COMMITTED: Record<string, string> = {
  'ctr_keras3.keras': 'ctr_keras3.h5py.keras',
  'ctr_tf2.h5': 'ctr_tf2.h5py.h5',
};

describe.each(Object.values(COMMITTED))('committed fixture %s', (name) => {
  it('imports and predicts like the tfjs-built CTR model with the same weights', async () => {
    const artifacts = await readKerasFile(read(name), name);
    const model = await loadModelFromArtifacts(artifacts, name);
    const reference = referenceModel(CTR, randomWeights(CTR, FIXTURE_SEED));
    const inputs = sampleInputs(CTR, 64, 5);
    const got = await predictFlat(model, inputs);
    const want = await predictFlat(reference, inputs);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    inputs.forEach((t) => t.dispose());
    model.dispose();
    reference.dispose();
  });
});

describe('committed fixtures', () => {
  it(
    'import exactly like what generate.ts writes with h5wasm today (same topology, ' + 'names and weight bytes)',
    async () => {
      const fresh = await fixtureFiles();
      for (const name of Object.keys(fresh)) {
        const a = await readKerasFile(fresh[name], name);
        const b = await readKerasFile(read(COMMITTED[name]), COMMITTED[name]);
        expect(b.modelTopology).toEqual(a.modelTopology);
        expect(b.weightSpecs).toEqual(a.weightSpecs);
        expect(new Uint8Array(b.weightData)).toEqual(new Uint8Array(a.weightData));
      }
    },
  );
});
