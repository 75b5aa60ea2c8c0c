import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { predictLogits, predictProbs } from '../../../src/tf/predict';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import { artifactsToFiles, assembleArtifacts, parseModelJson } from '../../../src/core/layers/artifacts';
import { MODEL_KINDS } from '../../../src/core/model/spec';
import { smallSpec, syntheticEncoding, syntheticRows } from '../../helpers/synthetic';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const enc = syntheticEncoding();
const rows = syntheticRows(enc, 64);

describe.each(MODEL_KINDS)('%s', (kind) => {
  it('has one Embedding per field, only standard Dense layers, and a sigmoid output', () => {
    const model = buildModel(smallSpec(kind, enc));
    const embeddings = model.layers.filter((l) => l.getClassName() === 'Embedding' && l.name.startsWith('emb_'));
    expect(embeddings.length).toBe(kind === 'lr' ? 0 : enc.categorical.length);
    // Only standard tfjs classes plus FMInteraction: every matrix lives in a plain Dense or Embedding.
    const standard = new Set([
      'InputLayer',
      'Embedding',
      'Dense',
      'Concatenate',
      'Flatten',
      'Reshape',
      'Add',
      'Multiply',
      'Activation',
      'Dropout',
      'FMInteraction',
    ]);
    for (const l of model.layers) expect(standard.has(l.getClassName()), l.getClassName()).toBe(true);
    const withWeights = model.layers.filter((l) => l.getWeights().length > 0).map((l) => l.getClassName());
    expect(new Set(withWeights)).toEqual(new Set(['Embedding', 'Dense']));
    expect(model.outputs[0].shape).toEqual([null, 1]);
  });

  it('is deterministic for a seed', async () => {
    const a = await predictProbs(buildModel(smallSpec(kind, enc, 3)), enc, rows);
    const b = await predictProbs(buildModel(smallSpec(kind, enc, 3)), enc, rows);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('saves and loads in the standard layers format with the same predictions', async () => {
    const model = buildModel(smallSpec(kind, enc));
    // Move weights off their initial values so the test sees real weights travel.
    model.setWeights(model.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.1, 'float32', i))));
    const before = await predictLogits(model, enc, rows);
    const artifacts = await saveModelToArtifacts(model, { ctrStudio: { note: 'test' } });
    const files = artifactsToFiles(artifacts);
    const json = parseModelJson(files.modelJson);
    expect(json.format).toBe('layers-model');
    const reloaded = await loadModelFromArtifacts(
      assembleArtifacts(json, new Map([[files.weightsName, files.weights]])),
    );
    const after = await predictLogits(reloaded, enc, rows);
    for (let i = 0; i < rows.rows; i++) expect(Math.abs(after[i] - before[i])).toBeLessThan(1e-6);
    const probs = await predictProbs(reloaded, enc, rows);
    for (let i = 0; i < rows.rows; i++) expect(probs[i]).toBeCloseTo(1 / (1 + Math.exp(-after[i])), 5);
  });
});
