/**
 * Reading topologies: functional zoo models, Sequential models in every form tfjs and Keras write, Keras'
 * model_config wrapper and 'Functional' class, shared layers; and rewriting each form into a model tfjs loads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel, SymbolicTensor } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import type { ModelArtifacts } from '../../../src/core/layers/artifacts';
import {
  buildInventory,
  isShared,
  parseTopology,
  rewriteModel,
  serializeTopology,
  type Replacement,
} from '../../../src/core/layers';
import { smallSpec, syntheticEncoding } from '../../helpers/synthetic';
import {
  cloneArtifacts,
  layerShapes,
  maxDiff,
  outputs,
  perturb,
  plantDense,
  plantEmbedding,
  randomFloats,
  randomIds,
  topologyLayers,
} from './helpers';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const enc = syntheticEncoding();

describe('functional topologies', () => {
  it('reads the DCNv2 graph: inputs, outputs, consumers, no shared layers', async () => {
    const model = buildModel(smallSpec('dcnv2', enc));
    const g = parseTopology((await saveModelToArtifacts(model)).modelTopology);
    expect(g.className).toBe('Model');
    expect(g.inputs.map((r) => r.layer)).toEqual(model.inputNames);
    expect(g.outputs.map((r) => r.layer)).toEqual(['prediction']);
    expect(
      g.consumers
        .get('deep_input')!
        .map((c) => c.layer)
        .sort(),
    ).toEqual(['cross_0', 'cross_0_gate', 'cross_0_residual', 'cross_1_gate'].sort());
    expect(g.layers.some(isShared)).toBe(false);
    expect(g.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
  });

  it('serializes back to a topology that tfjs loads with the same layers', async () => {
    const model = buildModel(smallSpec('deepfm', enc));
    const a = await saveModelToArtifacts(model);
    const again = serializeTopology(parseTopology(a.modelTopology), a.modelTopology);
    const loaded = await loadModelFromArtifacts({ ...a, modelTopology: again });
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(loaded.countParams()).toBe(model.countParams());
  });

  it('detects shared layers', () => {
    const a = tf.input({ shape: [2], dtype: 'int32', name: 'a' });
    const b = tf.input({ shape: [2], dtype: 'int32', name: 'b' });
    const table = tf.layers.embedding({ inputDim: 5, outputDim: 3, name: 'table' });
    const sum = tf.layers
      .add({ name: 'sum' })
      .apply([table.apply(a) as SymbolicTensor, table.apply(b) as SymbolicTensor]) as SymbolicTensor;
    const model = tf.model({
      inputs: [a, b],
      outputs: tf.layers.flatten({ name: 'flat' }).apply(sum) as SymbolicTensor,
    });
    const topo = JSON.parse(JSON.stringify(model.toJSON(null, false)));
    const g = parseTopology(topo);
    expect(isShared(g.byName.get('table')!)).toBe(true);
    expect(g.consumers.get('table')!.map((c) => [c.layer, c.slot, c.ref.node])).toEqual([
      ['sum', 0, 0],
      ['sum', 1, 1],
    ]);
    const inventory = buildInventory(
      { modelTopology: topo, weightSpecs: [{ name: 'table/embeddings', shape: [5, 3], dtype: 'float32' }] },
      layerShapes(model),
    );
    expect(inventory[0]).toMatchObject({ name: 'table', compressible: false, reason: 'shared by 2 call sites' });
  });

  it("reads Keras' model_config wrapper and the 'Functional' class, and keeps both when rewriting", async () => {
    const model = buildModel(smallSpec('dnn', enc));
    perturb(model, 2);
    const rep = plantDense(model, 'deep_0', 3, 9);
    const a = await saveModelToArtifacts(model);
    const wrapped: ModelArtifacts = {
      ...a,
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: { ...a.modelTopology, class_name: 'Functional' },
        training_config: { loss: 'binary_crossentropy' },
      },
    };
    const out = rewriteModel(wrapped, layerShapes(model), [rep]);
    const topo = out.artifacts.modelTopology as {
      model_config: { class_name: string };
      training_config: unknown;
      keras_version: string;
    };
    expect(topo.model_config.class_name).toBe('Functional');
    expect(topo.training_config).toEqual({ loss: 'binary_crossentropy' });
    expect(topo.keras_version).toBe('2.15.0');
    const loaded = await loadModelFromArtifacts(out.artifacts);
    expect(loaded.getLayer('deep_0_proj').getConfig()).toMatchObject({ units: 3, activation: 'linear', useBias: true });
  });

  it('rejects what is not a layers-model', () => {
    expect(() => parseTopology({ class_name: 'Graph', config: {} })).toThrow(/not Model, Functional or Sequential/);
  });
});

/** Embedding(ids [3]) → Flatten → Dense 8 relu → Dense 1, with or without an explicit InputLayer. */
function sequentialModel(withInputLayer: boolean): LayersModel {
  const first = { inputDim: 12, outputDim: 6, name: 'emb' };
  return tf.sequential({
    layers: [
      ...(withInputLayer ? [tf.layers.inputLayer({ inputShape: [3], dtype: 'int32', name: 'ids' })] : []),
      tf.layers.embedding(withInputLayer ? first : { ...first, inputShape: [3] }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 8, activation: 'relu', name: 'hidden' }),
      tf.layers.dense({ units: 1, name: 'out' }),
    ],
  });
}

describe('Sequential models', () => {
  const cases: [string, boolean, boolean][] = [
    ['with an InputLayer', true, false],
    ['without an InputLayer', false, false],
    ['as a bare layer list (old files)', false, true],
  ];
  for (const [title, withInput, bare] of cases) {
    for (const fuse of [true, false]) {
      it(`rewrites one ${title} into an equivalent functional model (fuse ${fuse})`, async () => {
        const model = sequentialModel(withInput);
        perturb(model, 5);
        const reps: Replacement[] = [plantEmbedding(model, 'emb', 2, 1), plantDense(model, 'hidden', 3, 2)];
        const x = [randomIds(10, 3, 12, 3)];
        const before = await outputs(model, x);
        const a = await saveModelToArtifacts(model);
        expect(a.modelTopology.class_name).toBe('Sequential');
        if (bare)
          (a.modelTopology as { config: unknown }).config = (a.modelTopology.config as { layers: unknown[] }).layers;
        const g = parseTopology(a.modelTopology);
        expect(g.fromSequential).toBe(true);
        expect(g.layers[0].className).toBe('InputLayer');
        expect(g.inputs[0].layer).toBe(withInput ? 'ids' : 'emb_input');
        expect(g.outputs[0].layer).toBe('out');
        const copy = cloneArtifacts(a);
        const out = rewriteModel(a, layerShapes(model), reps, { fuse });
        expect(a).toEqual(copy);
        expect(out.artifacts.modelTopology.class_name).toBe('Model');
        expect(out.fused).toEqual(fuse ? [{ embedding: 'emb', dense: 'hidden' }] : []);
        const loaded = await loadModelFromArtifacts(out.artifacts);
        expect(maxDiff(await outputs(loaded, x), before)).toBeLessThan(1e-5);
        const layers = topologyLayers(out.artifacts.modelTopology);
        expect(layers.get('hidden_proj')!.config.units).toBe(3);
      });
    }
  }

  it('factors the first layer of a Dense-only Sequential model (its input shape moves to an InputLayer)', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 6, inputShape: [5], activation: 'relu', name: 'a' }),
        tf.layers.dense({ units: 2, name: 'b' }),
      ],
    });
    perturb(model, 8);
    const rep = plantDense(model, 'a', 2, 4);
    const x = [randomFloats(7, 5, 1)];
    const before = await outputs(model, x);
    const out = rewriteModel(await saveModelToArtifacts(model), layerShapes(model), [rep]);
    const layers = topologyLayers(out.artifacts.modelTopology);
    expect([...layers.keys()]).toEqual(['a_input', 'a_proj', 'a', 'b']);
    expect(layers.get('a')!.config.batch_input_shape).toBeUndefined();
    const loaded = await loadModelFromArtifacts(out.artifacts);
    expect(maxDiff(await outputs(loaded, x), before)).toBeLessThan(1e-5);
  });
});
