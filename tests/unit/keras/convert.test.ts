/**
 * Keras 3 config → tfjs topology conversion: the supported layer classes, the converted topology (checked by
 * loading it in tfjs), and the errors for configs and weights it cannot convert.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import {
  TFJS_LAYER_CLASSES,
  convertKeras3,
  convertKerasH5,
  toSnakeCase,
  type RawTensor,
} from '../../../src/formats/keras/convert';
import { isStudioError } from '../../../src/core/errors';
import { customLayerClassNames } from '../../../src/tf/layers/register';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

type Json = Record<string, unknown>;
const policy = (name = 'float32') => ({
  module: 'keras',
  class_name: 'DTypePolicy',
  config: { name },
  registered_name: null,
});
const init = (class_name: string, config: Json = {}) => ({
  module: 'keras.initializers',
  class_name,
  config,
  registered_name: null,
});
const kt = (layer: string, node = 0) => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 4], dtype: 'float32', keras_history: [layer, node, 0] },
});
const layer = (class_name: string, name: string, config: Json, args: unknown[] | null): Json => ({
  module: 'keras.layers',
  class_name,
  config: { name, trainable: true, dtype: policy(), ...config },
  registered_name: null,
  name,
  inbound_nodes: args ? [{ args, kwargs: {} }] : [],
});
const input = (name: string, shape: number[], dtype = 'float32') => ({
  module: 'keras.layers',
  class_name: 'InputLayer',
  config: { batch_shape: [null, ...shape], dtype, sparse: false, ragged: false, name, optional: false },
  registered_name: null,
  name,
  inbound_nodes: [],
});
const functional = (layers: Json[], inputs: unknown, outputs: unknown): Json => ({
  module: 'keras.src.models.functional',
  class_name: 'Functional',
  config: { name: 'm', trainable: true, layers, input_layers: inputs, output_layers: outputs },
  registered_name: 'Functional',
});
const tensor = (shape: number[], seed: number): RawTensor => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed * 31 + i) * 0.5),
});

function caught(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(isStudioError(e), String(e)).toBe(true);
    return e as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('supported classes', () => {
  it(
    'TFJS_LAYER_CLASSES is exactly the layer classes tfjs 4.22 registers (besides ' +
      'models, cells and custom layers)',
    () => {
      const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<
        string,
        [{ prototype: unknown }, unknown]
      >;
      for (const c of TFJS_LAYER_CLASSES) {
        expect(map[c], c).toBeDefined();
        expect(map[c][0].prototype instanceof tf.layers.Layer, c).toBe(true);
      }
      const layerClasses = Object.keys(map).filter((c) => map[c][0].prototype instanceof tf.layers.Layer);
      // Models, RNN cells (only inside RNN configs) and this project's custom layers are the rest.
      const custom = new Set(customLayerClassNames());
      expect(custom.has('FMInteraction')).toBe(true);
      const other = layerClasses.filter((c) => !TFJS_LAYER_CLASSES.includes(c) && !custom.has(c)).sort();
      expect(other).toEqual([
        'ConvLSTM2DCell',
        'Functional',
        'GRUCell',
        'LSTMCell',
        'Model',
        'Sequential',
        'SimpleRNNCell',
        'StackedRNNCells',
      ]);
    },
  );

  it('toSnakeCase matches keras naming.to_snake_case', () => {
    expect(
      ['Dense', 'BatchNormalization', 'InputLayer', 'Conv2D', 'Conv2DTranspose', 'PReLU', 'LSTM', 'Functional'].map(
        toSnakeCase,
      ),
    ).toEqual([
      'dense',
      'batch_normalization',
      'input_layer',
      'conv2d',
      'conv2d_transpose',
      'p_re_lu',
      'lstm',
      'functional',
    ]);
  });
});

describe('Keras 3 config → tfjs topology', () => {
  const config = functional(
    [
      input('a', [4]),
      input('b', [4], 'int64'),
      layer(
        'Dense',
        'd',
        {
          units: 4,
          activation: 'silu',
          use_bias: true,
          kernel_initializer: init('LecunNormal', { seed: null }),
          bias_initializer: init('Zeros'),
          kernel_regularizer: {
            module: 'keras.regularizers',
            class_name: 'L2',
            config: { l2: 0.01 },
            registered_name: null,
          },
          bias_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
          lora_rank: null,
        },
        [kt('a')],
      ),
      layer('LeakyReLU', 'leaky', { negative_slope: 0.1 }, [kt('d')]),
      layer('Concatenate', 'cat', { axis: -1 }, [[kt('leaky'), kt('a')]]),
      {
        ...layer(
          'Dense',
          'out',
          {
            units: 1,
            activation: 'sigmoid',
            use_bias: true,
            kernel_initializer: init('OrthogonalInitializer', { gain: 1, seed: null }),
            bias_initializer: init('SomethingNew'),
          },
          [kt('cat')],
        ),
        build_config: { input_shape: [null, 8] },
      },
    ],
    [
      ['a', 0, 0],
      ['b', 0, 0],
    ],
    ['out', 0, 0],
  );
  const tensors = new Map<string, RawTensor>([
    ['layers/dense/vars/0', tensor([4, 4], 1)],
    ['layers/dense/vars/1', tensor([4], 2)],
    ['layers/dense_1/vars/0', tensor([8, 1], 3)],
    ['layers/dense_1/vars/1', tensor([1], 4)],
  ]);
  const a = convertKeras3({ config, metadata: { keras_version: '3.6.0' }, tensors }, 'm.keras');
  const top = (a.modelTopology.model_config as Json).config as Json;
  const byName = Object.fromEntries((top.layers as Json[]).map((l) => [l.name, l]));

  it('writes Keras 2 inbound nodes, ref lists, batch_input_shape and plain dtypes', () => {
    expect(top.input_layers).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    expect(top.output_layers).toEqual([['out', 0, 0]]);
    expect(byName.cat.inbound_nodes).toEqual([
      [
        ['leaky', 0, 0, {}],
        ['a', 0, 0, {}],
      ],
    ]);
    expect(byName.a).toEqual({
      class_name: 'InputLayer',
      config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, name: 'a' },
      name: 'a',
      inbound_nodes: [],
    });
    expect((byName.b.config as Json).dtype).toBe('int32');
    expect((byName.d.config as Json).dtype).toBe('float32');
    expect(byName.d).not.toHaveProperty('module');
    expect(byName.out).not.toHaveProperty('build_config');
  });

  it('maps initializers, regularizers, activations and Keras 3 renamed arguments to tfjs forms', () => {
    const d = byName.d.config as Json;
    expect(d.kernel_initializer).toEqual({ class_name: 'LeCunNormal', config: { seed: null } });
    expect(d.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(d.activation).toBe('swish');
    expect(d).not.toHaveProperty('lora_rank');
    expect((byName.leaky.config as Json).alpha).toBe(0.1);
    expect((byName.out.config as Json).kernel_initializer).toEqual({
      class_name: 'Orthogonal',
      config: { gain: 1, seed: null },
    });
    expect((byName.out.config as Json).bias_initializer).toEqual({ class_name: 'Zeros', config: {} });
  });

  it('loads in tfjs and computes what the same layers built with the tfjs API compute', async () => {
    const model = await loadModelFromArtifacts(a, 'm.keras');
    const x = tf.input({ shape: [4], name: 'a' });
    const b = tf.input({ shape: [4], name: 'b', dtype: 'int32' });
    const d = tf.layers.dense({ units: 4, activation: 'swish', name: 'd2' });
    const h = tf.layers.leakyReLU({ alpha: 0.1 }).apply(d.apply(x)) as never;
    const out = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'out2' });
    const ref = tf.model({
      inputs: [x, b],
      outputs: out.apply(tf.layers.concatenate().apply([h, x]) as never) as never,
    });
    const w = [...tensors.values()].map((t) => tf.tensor(t.data, t.shape));
    d.setWeights(w.slice(0, 2));
    out.setWeights(w.slice(2));
    const xs = [
      tf.tensor2d([
        [0.3, -1, 2, 0.5],
        [1, 1, -0.2, 0],
      ]),
      tf.tensor2d(
        [
          [1, 2, 3, 4],
          [0, 0, 0, 0],
        ],
        undefined,
        'int32',
      ),
    ];
    const got = await (model.predict(xs) as never as { data(): Promise<Float32Array> }).data();
    const want = await (ref.predict(xs) as never as { data(): Promise<Float32Array> }).data();
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
  });

  it('flattens nested Functional and Sequential models, whose calls Keras 3 numbers from 1 and from 0', () => {
    const seq = {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: 'tower',
        trainable: true,
        dtype: policy(),
        layers: [
          {
            module: 'keras.layers',
            class_name: 'InputLayer',
            config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'ti' },
            registered_name: null,
          },
        ],
      },
      registered_name: null,
      name: 'tower',
      inbound_nodes: [{ args: [kt('a')], kwargs: {} }],
    };
    const inner: Json = {
      ...functional([input('fi', [4])], ['fi', 0, 0], ['fi', 0, 0]),
      name: 'sub',
      inbound_nodes: [{ args: [kt('tower')], kwargs: {} }],
    };
    (inner.config as Json).name = 'sub';
    const cfg = functional(
      [input('a', [4]), seq, inner, layer('Add', 'add', {}, [[kt('tower'), kt('sub', 1)]])],
      ['a', 0, 0],
      [
        ['add', 0, 0],
        ['tower', 0, 0],
      ],
    );
    const t = convertKeras3({ config: cfg, metadata: { keras_version: '3.5.0' }, tensors: new Map() }, 'n.keras');
    const c = (t.modelTopology.model_config as Json).config as Json;
    // Both nested models only pass their input on: flattened, add reads the model's input twice.
    expect((c.layers as Json[]).map((l) => l.name)).toEqual(['a', 'add']);
    const add = (c.layers as Json[]).find((l) => l.name === 'add')!;
    expect(add.inbound_nodes).toEqual([
      [
        ['a', 0, 0, {}],
        ['a', 0, 0, {}],
      ],
    ]);
    expect(c.output_layers).toEqual([
      ['add', 0, 0],
      ['a', 0, 0],
    ]);
  });
});

describe('conversion errors', () => {
  it('reports keras.ops calls, Keras 3 hard_sigmoid and tensor keyword arguments', () => {
    const op = {
      module: 'keras.src.ops.numpy',
      class_name: 'Add',
      config: { name: 'add' },
      registered_name: 'Add',
      name: 'add',
      inbound_nodes: [{ args: [kt('a'), kt('a')], kwargs: {} }],
    };
    const hs = layer('Dense', 'hs', { units: 2, activation: 'hard_sigmoid' }, [kt('a')]);
    const e = caught(() =>
      convertKeras3(
        { config: functional([input('a', [4]), op, hs], ['a', 0, 0], ['hs', 0, 0]), tensors: new Map() },
        'x.keras',
      ),
    );
    expect(e.code).toBe('MODEL_UNKNOWN_LAYER');
    expect(e.message).toBe(
      'x.keras uses layers tfjs cannot run: Add (a keras.ops call) (add) and ' +
        'activations tfjs cannot run: hard_sigmoid (hs); rebuild those parts with ' +
        "supported layers or export the model's CTR part only.",
    );
    const masked = {
      ...layer('Dense', 'd', { units: 2 }, null),
      inbound_nodes: [{ args: [kt('a')], kwargs: { mask: kt('a') } }],
    };
    expect(
      caught(() =>
        convertKeras3(
          { config: functional([input('a', [4]), masked], ['a', 0, 0], ['d', 0, 0]), tensors: new Map() },
          'k.keras',
        ),
      ).message,
    ).toMatch(/^k\.keras cannot be imported: layer d is called with a tensor keyword argument \(mask\)/);
  });

  it('accepts Keras 2 hard_sigmoid (0.2x + 0.5, as in tfjs)', () => {
    const cfg = {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          {
            class_name: 'Dense',
            config: { name: 'd', units: 1, activation: 'hard_sigmoid', batch_input_shape: [null, 2] },
          },
        ],
      },
    };
    const a = convertKerasH5(
      {
        modelConfig: cfg,
        kerasVersion: '2.15.0',
        layers: [
          {
            layer: 'd',
            weights: [
              { name: 'd/kernel:0', tensor: tensor([2, 1], 1) },
              { name: 'd/bias:0', tensor: tensor([1], 2) },
            ],
          },
        ],
      },
      's.h5',
    );
    const d = (((a.modelTopology.model_config as Json).config as Json).layers as Json[])[0].config as Json;
    expect(d.activation).toBe('hardSigmoid');
    expect(a.weightSpecs.map((w) => w.name)).toEqual(['d/kernel', 'd/bias']);
  });

  it('explains weight counts that do not fit the config and layers whose weights are not mapped', () => {
    const dense = layer('Dense', 'd', { units: 2, use_bias: true }, [kt('a')]);
    const cfg = functional([input('a', [4]), dense], ['a', 0, 0], ['d', 0, 0]);
    const short = caught(() =>
      convertKeras3({ config: cfg, tensors: new Map([['layers/dense/vars/0', tensor([4, 2], 1)]]) }, 'w.keras'),
    );
    expect(short.code).toBe('MODEL_NOT_LAYERS');
    expect(short.message).toMatch(
      new RegExp(
        /^w\.keras cannot be imported: the weights file holds 1 array for layer d \(Dense\) /.source +
          /but its config needs 2 \(kernel, bias\); save the model again/.source,
      ),
    );
    const inner = { class_name: 'Dense', config: { name: 'inner', units: 2 } };
    const td = layer('TimeDistributed', 'td', { layer: inner }, [kt('a')]);
    const e = caught(() =>
      convertKeras3(
        {
          config: functional([input('a', [3, 4]), td], ['a', 0, 0], ['td', 0, 0]),
          tensors: new Map([['layers/time_distributed/layer/vars/0', tensor([4, 2], 3)]]),
        },
        'r.keras',
      ),
    );
    expect(e.code).toBe('MODEL_UNKNOWN_LAYER');
    expect(e.message).toBe(
      'r.keras uses layers whose weights CTR Studio cannot map yet: TimeDistributed ' +
        "(td); rebuild those parts with supported layers or export the model's CTR part " +
        'only.',
    );
  });

  it('treats a Model subclass with the functional constructor (its graph is saved) as Functional', () => {
    const cfg = {
      ...functional([input('a', [4])], ['a', 0, 0], ['a', 0, 0]),
      module: 'my_models',
      class_name: 'CtrModel',
      registered_name: 'Custom>CtrModel',
    };
    const a = convertKeras3({ config: cfg, tensors: new Map() }, 'sub.keras');
    expect((a.modelTopology.model_config as Json).class_name).toBe('Functional');
  });

  it("accepts extra classes the caller registers (e.g. this project's FMInteraction)", () => {
    const fm = layer('FMInteraction', 'fm', {}, [kt('a')]);
    const cfg = functional([input('a', [3, 4]), fm], ['a', 0, 0], ['fm', 0, 0]);
    expect(caught(() => convertKeras3({ config: cfg, tensors: new Map() }, 'fm.keras')).message).toMatch(
      /FMInteraction \(fm\)/,
    );
    const a = convertKeras3({ config: cfg, tensors: new Map() }, 'fm.keras', {
      layerClasses: [...TFJS_LAYER_CLASSES, 'FMInteraction'],
    });
    expect(a.weightSpecs).toEqual([]);
  });
});
