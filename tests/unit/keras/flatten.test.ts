/**
 * Flattening and naming on their own: safe names for free-form Keras names, and a nested model called twice (a
 * shared tower) becoming shared layers with one call per use, predicting as Keras runs it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { convertKerasH5 } from '../../../src/formats/keras/convert';
import { assignNames, isSafeLayerName, safeForm } from '../../../src/formats/keras/names';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('layer names', () => {
  it('keeps names tfjs carries and gives the others readable unique ASCII forms', () => {
    expect(['dense_1', 'a.b-c', "User's features", '用户', '_x', 'a/b'].map(isSafeLayerName)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(safeForm("User's features")).toBe('User_s_features');
    expect(safeForm('catégorie')).toBe('categorie');
    expect(safeForm('用户')).toBe('layer');
    const names = assignNames([
      { key: 'a', path: [], name: 'hidden' },
      { key: 'b', path: ['tower 2'], name: 'hidden' },
      { key: 'c', path: [], name: 'hidden_2' },
      { key: 'd', path: [], name: '用户' },
      { key: 'e', path: [], name: '用户 ' },
    ]);
    expect([...names.values()]).toEqual(['hidden_2', 'hidden', 'tower_2_hidden', 'layer', 'layer_2']);
  });
});

describe('a nested model called twice', () => {
  it('becomes shared layers, one call per use, and predicts f(a) + f(b)', async () => {
    const tower = {
      class_name: 'Sequential',
      config: {
        name: 'tower',
        layers: [
          { class_name: 'InputLayer', config: { name: 'tower_in', batch_input_shape: [null, 3], dtype: 'float32' } },
          { class_name: 'Dense', config: { name: 'd', units: 2, activation: 'relu', use_bias: true } },
        ],
      },
      name: 'tower',
      // tf.keras numbers a nested model's calls from 1 (its own first node is not saved).
      inbound_nodes: [[['a', 0, 0, {}]], [['b', 0, 0, {}]]],
    };
    const input = (name: string) => ({
      class_name: 'InputLayer',
      config: { name, batch_input_shape: [null, 3], dtype: 'float32' },
      name,
      inbound_nodes: [],
    });
    const add = {
      class_name: 'Add',
      config: { name: 'add' },
      name: 'add',
      inbound_nodes: [
        [
          ['tower', 1, 0, {}],
          ['tower', 2, 0, {}],
        ],
      ],
    };
    const kernel = Float32Array.from([0.5, -1, 0.25, 0.75, -0.5, 1]);
    const bias = Float32Array.from([0.1, -0.2]);
    const artifacts = convertKerasH5(
      {
        modelConfig: {
          class_name: 'Functional',
          config: {
            name: 'siamese',
            layers: [input('a'), input('b'), tower, add],
            input_layers: [
              ['a', 0, 0],
              ['b', 0, 0],
            ],
            output_layers: [['add', 0, 0]],
          },
        },
        kerasVersion: '2.15.0',
        layers: [
          {
            layer: 'tower',
            weights: [
              { name: 'd/kernel:0', tensor: { shape: [3, 2], data: kernel } },
              { name: 'd/bias:0', tensor: { shape: [2], data: bias } },
            ],
          },
        ],
      },
      'siamese.h5',
    );
    const config = (artifacts.modelTopology.model_config as { config: { layers: Record<string, unknown>[] } }).config;
    const d = config.layers.find((l) => l.name === 'd')!;
    expect(d.inbound_nodes).toEqual([[['a', 0, 0, {}]], [['b', 0, 0, {}]]]);
    expect(config.layers.find((l) => l.name === 'add')!.inbound_nodes).toEqual([
      [
        ['d', 0, 0, {}],
        ['d', 1, 0, {}],
      ],
    ]);
    const model = await loadModelFromArtifacts(artifacts, 'siamese.h5');
    const a = [1, 2, -1];
    const b = [-0.5, 0.5, 2];
    const f = (x: number[]) =>
      [0, 1].map((j) =>
        Math.max(
          0,
          x.reduce((s, xi, i) => s + xi * kernel[i * 2 + j], bias[j]),
        ),
      );
    const y = model.predict([tf.tensor2d([a]), tf.tensor2d([b])]) as tf.Tensor;
    const got = Array.from(await y.data());
    const want = f(a).map((v, j) => v + f(b)[j]);
    got.forEach((g, j) => expect(Math.abs(g - want[j])).toBeLessThan(1e-6));
    model.dispose();
  });
});
