import { beforeAll, describe, expect, it } from 'vitest';
import { customLayers, tf } from '../../../src/tf/tfjs';
import { ONNX_LAYER_CLASS_NAMES } from '../../../src/tf/layers/onnx';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

type AnyLayer = InstanceType<typeof tf.layers.Layer>;

/** Looks the class up by its registered name, as tfjs does when it loads a model.json, and rebuilds the layer. */
function restore(layer: AnyLayer): AnyLayer {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  expect(cls).toBe(layer.constructor);
  return fromConfig(cls, layer.getConfig()) as AnyLayer;
}

async function same(a: AnyLayer, b: AnyLayer, inputs: tf.Tensor | tf.Tensor[]): Promise<number[]> {
  const ya = a.apply(inputs) as tf.Tensor;
  const yb = b.apply(inputs) as tf.Tensor;
  if (b.getWeights().length > 0) b.setWeights(a.getWeights());
  const [da, db] = [Array.from(await ya.data()), Array.from(await (b.apply(inputs) as tf.Tensor).data())];
  expect(db).toEqual(da);
  expect(yb.shape).toEqual(ya.shape);
  return da;
}

describe('ONNX helper layers', () => {
  let x: tf.Tensor; // [2, 3, 2]
  beforeAll(() => {
    x = tf.tensor3d([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [-1, 0],
        [2, 2],
        [0, 1],
      ],
    ]);
  });

  it('OnnxReduce round-trips and sums / averages over the given axes', async () => {
    const layer = new customLayers.OnnxReduce({ name: 'r', op: 'sum', axes: [1], keepDims: false });
    const back = restore(layer);
    expect(back.getClassName()).toBe(ONNX_LAYER_CLASS_NAMES.reduce);
    expect(back.getConfig()).toEqual(layer.getConfig());
    expect(await same(layer, back, x)).toEqual([9, 12, 1, 3]);
    const mean = new customLayers.OnnxReduce({ name: 'm', op: 'mean', axes: [-1], keepDims: true });
    expect(Array.from(await (mean.apply(x) as tf.Tensor).data())).toEqual([1.5, 3.5, 5.5, -0.5, 2, 0.5]);
    expect(mean.computeOutputShape([null, 3, 2])).toEqual([null, 3, 1]);
  });

  it('OnnxConstantOp round-trips, with its constant as a weight', async () => {
    const layer = new customLayers.OnnxConstantOp({ name: 'c', op: 'rsub', valueShape: [2] });
    layer.apply(x);
    layer.setWeights([tf.tensor1d([10, 20])]);
    const back = restore(layer);
    expect(back.getConfig()).toEqual(layer.getConfig());
    expect(await same(layer, back, x)).toEqual([9, 18, 7, 16, 5, 14, 11, 20, 8, 18, 10, 19]);
    expect(layer.getWeights()[0].shape).toEqual([2]);
  });

  it('OnnxBinary round-trips and subtracts / divides two tensors', async () => {
    const layer = new customLayers.OnnxBinary({ name: 'b', op: 'div' });
    const back = restore(layer);
    expect(back.getConfig()).toEqual(layer.getConfig());
    const y = tf.onesLike(x).mul(2);
    expect(await same(layer, back, [x, y])).toEqual([0.5, 1, 1.5, 2, 2.5, 3, -0.5, 0, 1, 1, 0, 0.5]);
  });

  it('OnnxSlice round-trips and slices non-batch axes', async () => {
    const layer = new customLayers.OnnxSlice({ name: 's', axes: [1, 2], starts: [1, 1], ends: [3, 2] });
    const back = restore(layer);
    expect(back.getConfig()).toEqual(layer.getConfig());
    expect(await same(layer, back, x)).toEqual([4, 6, 2, 1]);
  });

  it('all four survive a model save / load (snake_case config, stable class names)', async () => {
    const input = tf.input({ shape: [3, 2] });
    const sliced = new customLayers.OnnxSlice({ name: 'slice', axes: [1], starts: [0], ends: [2] }).apply(
      input,
    ) as tf.SymbolicTensor;
    const scaled = new customLayers.OnnxConstantOp({ name: 'scale', op: 'mul', valueShape: [] }).apply(
      sliced,
    ) as tf.SymbolicTensor;
    const diff = new customLayers.OnnxBinary({ name: 'diff', op: 'sub' }).apply([sliced, scaled]) as tf.SymbolicTensor;
    const out = new customLayers.OnnxReduce({ name: 'sum', op: 'sum', axes: [1, 2], keepDims: false }).apply(
      diff,
    ) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    model.getLayer('scale').setWeights([tf.scalar(3)]);
    const artifacts = await saveModelToArtifacts(model);
    const layers = (
      artifacts.modelTopology.config as { layers: { class_name: string; config: Record<string, unknown> }[] }
    ).layers;
    expect(layers.find((l) => l.class_name === 'OnnxReduce')!.config).toMatchObject({
      op: 'sum',
      axes: [1, 2],
      keep_dims: false,
    });
    const reloaded = await loadModelFromArtifacts(artifacts);
    const a = await (model.predict(x) as tf.Tensor).data();
    const b = await (reloaded.predict(x) as tf.Tensor).data();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(a)).toEqual([-20, -6]); // (1 + 2 + 3 + 4)·(1 − 3), (−1 + 0 + 2 + 2)·(1 − 3)
  });
});
