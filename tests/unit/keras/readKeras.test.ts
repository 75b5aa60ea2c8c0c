import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { detectKerasFormat, readKerasFile } from '../../../src/formats/keras/readKeras';
import { parseTopology } from '../../../src/core/layers/topology';
import { listLayers } from '../../../src/core/layers/inventory';
import { isStudioError } from '../../../src/core/errors';
import { randomWeights, writeH5, bytesAttr, type ModelDesc } from '../../fixtures/keras/build';
import { kerasArchive, legacyH5 } from '../../fixtures/keras/files';
import { BN_DROPOUT, CTR, MLP, NESTED, UNSUPPORTED } from '../../fixtures/keras/models';
import { predictFlat, referenceModel, sampleInputs } from './reference';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

type Maker = (m: ModelDesc, seed: number) => Promise<Uint8Array>;
const FORMATS: [string, string, Maker][] = [
  ['Keras 3 .keras', 'model.keras', (m, s) => kerasArchive(m, randomWeights(m, s), { compiled: true })],
  ['tf.keras 2 .h5', 'model.h5', (m, s) => legacyH5(m, randomWeights(m, s), { dialect: 'tf.keras2', compiled: true })],
  ['Keras 3 legacy .h5', 'model.h5', (m, s) => legacyH5(m, randomWeights(m, s), { dialect: 'keras3' })],
  [
    'tf.keras 2.13 .keras (_layer_checkpoint_dependencies)',
    'model.keras',
    (m, s) => kerasArchive(m, randomWeights(m, s), { kerasVersion: '2.13.1', checkpointDependencies: true }),
  ],
];
const MODELS: [string, ModelDesc][] = [
  ['Sequential Dense MLP', MLP],
  ['functional CTR model (Embedding → Concatenate → Flatten → Dense)', CTR],
  ['BatchNormalization + Dropout', BN_DROPOUT],
  ['nested Sequential inside a functional model', NESTED],
];

async function expectStudioError(p: Promise<unknown>, code: string, pattern: RegExp): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(isStudioError(e), String(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    expect((e as Error).message).toMatch(pattern);
    return (e as Error).message;
  }
  throw new Error('expected a StudioError');
}

describe.each(FORMATS)('%s', (_label, fileName, make) => {
  it.each(MODELS)('%s: imports, loads in tfjs and predicts like the tfjs-built model (1e-5)', async (_m, desc) => {
    const seed = 17;
    const bytes = await make(desc, seed);
    const artifacts = await readKerasFile(bytes, fileName);
    const imported = await loadModelFromArtifacts(artifacts, fileName);
    const reference = referenceModel(desc, randomWeights(desc, seed));
    const inputs = sampleInputs(desc, 32);
    const got = await predictFlat(imported, inputs);
    const want = await predictFlat(reference, inputs);
    expect(got.length).toBe(want.length);
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    // The weights are named the way the rest of the studio finds them.
    const names = artifacts.weightSpecs.map((w) => w.name);
    expect(new Set(names)).toEqual(new Set(imported.weights.map((w) => w.originalName)));
    expect(names.length).toBe(imported.weights.length);
    inputs.forEach((t) => t.dispose());
    imported.dispose();
    reference.dispose();
  });
});

describe('converted artifacts', () => {
  it('have the tensorflowjs_converter shape, `<layer>/<weight>` names and parse as a studio graph', async () => {
    const a = await readKerasFile(await kerasArchive(CTR, randomWeights(CTR, 1)), 'ctr.keras');
    expect(a.format).toBe('layers-model');
    expect(a.generatedBy).toBe('keras v3.5.0');
    expect(Object.keys(a.modelTopology)).toEqual(['keras_version', 'backend', 'model_config']);
    expect(a.weightSpecs.map((w) => w.name)).toEqual([
      'emb_C1/embeddings',
      'emb_C2/embeddings',
      'emb_C3/embeddings',
      'hidden/kernel',
      'hidden/bias',
      'ctr/kernel',
      'ctr/bias',
    ]);
    expect(a.weightSpecs[0]).toEqual({ name: 'emb_C1/embeddings', shape: [11, 4], dtype: 'float32' });
    const graph = parseTopology(a.modelTopology);
    expect(graph.inputs.map((r) => r.layer)).toEqual(['C1', 'C2', 'C3']);
    expect(graph.byName.get('concatenate')!.inbound[0].map((r) => r.layer)).toEqual(['emb_C1', 'emb_C2', 'emb_C3']);
    const inventory = listLayers(graph, a.weightSpecs);
    expect(inventory.map((l) => l.name).sort()).toEqual(['ctr', 'emb_C1', 'emb_C2', 'emb_C3', 'hidden']);
    for (const l of inventory) expect(l.reason ?? '').not.toMatch(/not in the weight manifest/);
  });

  it('read chunked layer_names attributes (layer_names0, layer_names1, ...)', async () => {
    const bytes = await legacyH5(CTR, randomWeights(CTR, 6), { dialect: 'tf.keras2', chunkLayerNames: true });
    const a = await readKerasFile(bytes, 'chunked.h5');
    expect(a.weightSpecs.map((w) => w.name)).toEqual([
      'emb_C1/embeddings',
      'emb_C2/embeddings',
      'emb_C3/embeddings',
      'hidden/kernel',
      'hidden/bias',
      'ctr/kernel',
      'ctr/bias',
    ]);
  });

  it('recognise formats by content, not by name', async () => {
    const keras = await kerasArchive(MLP, randomWeights(MLP, 2));
    const h5 = await legacyH5(MLP, randomWeights(MLP, 2), { dialect: 'tf.keras2' });
    expect(detectKerasFormat(keras)).toBe('keras-zip');
    expect(detectKerasFormat(h5)).toBe('hdf5');
    expect(detectKerasFormat(new Uint8Array([1, 2, 3]))).toBe(null);
    const a = await readKerasFile(keras, 'renamed.h5');
    expect(a.weightSpecs.length).toBe(6);
  });

  it('leave no files behind in the h5wasm in-memory file system', async () => {
    const bytes = await legacyH5(CTR, randomWeights(CTR, 3), { dialect: 'tf.keras2' });
    const { loadH5wasm } = await import('../../../src/formats/keras/h5');
    const { module } = await loadH5wasm();
    const before = module.FS.readdir('/').length;
    for (let i = 0; i < 3; i++) await readKerasFile(bytes, 'ctr.h5');
    expect(module.FS.readdir('/').length).toBe(before);
  });
});

describe('errors', () => {
  it('names every unsupported layer class and activation in one sentence', async () => {
    for (const [bytes, name] of [
      [await kerasArchive(UNSUPPORTED, randomWeights(UNSUPPORTED, 5)), 'attn.keras'],
      [await legacyH5(UNSUPPORTED, randomWeights(UNSUPPORTED, 5), { dialect: 'keras3' }), 'attn.h5'],
    ] as const) {
      const msg = await expectStudioError(
        readKerasFile(bytes, name),
        'MODEL_UNKNOWN_LAYER',
        /uses layers tfjs cannot run/,
      );
      expect(msg).toBe(
        `${name} uses layers tfjs cannot run: MultiHeadAttention (mha_1), Lambda (lambda, ` +
          `lambda_1) and activations tfjs cannot run: hard_silu (dense); rebuild those ` +
          `parts with supported layers or export the model's CTR part only.`,
      );
      expect(msg.split('. ').length).toBe(1);
    }
  });

  it('rejects a corrupt zip, non-HDF5 bytes and a damaged HDF5 file with a clear sentence', async () => {
    const keras = await kerasArchive(MLP, randomWeights(MLP, 4));
    const cut = keras.slice(0, Math.floor(keras.length / 2));
    await expectStudioError(
      readKerasFile(cut, 'cut.keras'),
      'MODEL_NOT_LAYERS',
      /^cut\.keras cannot be read as a Keras model \(.+\); save it again/,
    );
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251);
    await expectStudioError(
      readKerasFile(garbage, 'model.h5'),
      'MODEL_NOT_LAYERS',
      /neither a \.keras zip archive nor an HDF5 \.h5 file/,
    );
    const h5 = await legacyH5(MLP, randomWeights(MLP, 4), { dialect: 'tf.keras2' });
    await expectStudioError(
      readKerasFile(h5.slice(0, 600), 'short.h5'),
      'MODEL_NOT_LAYERS',
      /^short\.h5 cannot be read as a Keras model/,
    );
    await expectStudioError(readKerasFile(new Uint8Array(0), 'empty.keras'), 'MODEL_NOT_LAYERS', /the file is empty/);
  });

  it('explains weights-only files, npz weights and archives that are not .keras models', async () => {
    const weightsOnly = await writeH5((f) => {
      bytesAttr(f, 'layer_names', ['dense']);
      f.create_group('dense');
    });
    await expectStudioError(readKerasFile(weightsOnly, 'm.weights.h5'), 'MODEL_NOT_LAYERS', /holds only weights/);
    const { zipStored, strToU8 } = await import('../../fixtures/keras/build');
    const npz = zipStored([
      ['config.json', strToU8(JSON.stringify({ class_name: 'Sequential', config: { layers: [] } }))],
      ['model.weights.npz', new Uint8Array(10)],
    ]);
    await expectStudioError(readKerasFile(npz, 'npz.keras'), 'MODEL_NOT_LAYERS', /model\.weights\.npz/);
    const other = zipStored([['readme.txt', strToU8('hello')]]);
    await expectStudioError(readKerasFile(other, 'other.keras'), 'MODEL_NOT_LAYERS', /no config\.json/);
  });

  it('explains subclassed models, whose architecture Keras does not save', async () => {
    const { zipStored, strToU8 } = await import('../../fixtures/keras/build');
    const config = {
      module: 'my_models',
      class_name: 'MyCtrModel',
      config: { units: 8 },
      registered_name: 'Custom>MyCtrModel',
    };
    const bytes = zipStored([
      ['config.json', strToU8(JSON.stringify(config))],
      ['model.weights.h5', await writeH5((f) => void f.create_group('vars'))],
    ]);
    await expectStudioError(
      readKerasFile(bytes, 'sub.keras'),
      'MODEL_NOT_LAYERS',
      /subclassed Keras model \(MyCtrModel\)/,
    );
  });
});
