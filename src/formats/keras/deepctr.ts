/**
 * DeepCTR (TensorFlow) layers, as `model.save('m.h5')` writes them (class names, get_config keys and weight
 * names of DeepCTR's layers/core.py, interaction.py and utils.py), turned into layers tfjs and this project
 * run: FM → FMInteraction; NoMask → identity; Concat → Concatenate; _Add → Add; DNN → a chain of Dense layers
 * (so each one is compressible); Linear, PredictionLayer and CrossNet → small graphs of Dense, Add, Multiply,
 * Reshape and the ONNX helper layers (sum over the last axis, add a constant). Those graphs are nested models
 * that ./flatten opens up; their weights are named here (kernel0, bias0, linear_kernel, global_bias, ...).
 * CIN (xDeepFM) and the sequence layers are not mapped. Pure.
 */
import { FM_CLASS_NAME, ONNX_LAYER_CLASS_NAMES } from '../../core/layers/customClasses';
import type { ConfigContext, Json } from './config';
import { CUSTOM_WEIGHTS, type ExpectedWeight } from './layerWeights';
import type { RawTensor } from './weights';

const ACTIVATIONS = new Set(['relu', 'sigmoid', 'tanh', 'linear', 'softmax', 'selu', 'elu', 'softplus', 'softsign']);

const inputLayer = (name: string): Json => ({
  class_name: 'InputLayer',
  config: { name, dtype: 'float32' },
  name,
  inbound_nodes: [],
});

const call = (cls: string, name: string, config: Json, inputs: string[]): Json => ({
  class_name: cls,
  config: { name, trainable: true, dtype: 'float32', ...config },
  name,
  inbound_nodes: [inputs.map((i) => [i, 0, 0, {}])],
});

/** A nested Functional model over `inputs` (its InputLayers) computing `layers`, the last one its output. */
function graph(name: string, inputs: string[], layers: Json[]): Json {
  const last = layers[layers.length - 1].name as string;
  return {
    class_name: 'Functional',
    config: {
      name,
      layers: [...inputs.map(inputLayer), ...layers],
      input_layers: inputs.map((i) => [i, 0, 0]),
      output_layers: [[last, 0, 0]],
    },
  };
}

/** One weight of a mapped layer: the file's name for it, where it goes, and how its array changes. */
type Rule = { file: string; layer: string; weight: string; transform?: (t: RawTensor) => RawTensor };

function withWeights(model: Json, rules: Rule[]): Json {
  CUSTOM_WEIGHTS.set(model, (path: string[]): ExpectedWeight[] =>
    rules.map((r, i) => ({
      path: [...path, r.layer],
      weight: r.weight,
      last: r.file,
      keras3: `vars/${i}`,
      trainable: true,
      ...(r.transform ? { transform: r.transform } : {}),
    })),
  );
  return model;
}

const column = (t: RawTensor): RawTensor => ({ shape: [t.data.length], data: t.data });

function transposed(t: RawTensor): RawTensor {
  const [r, c] = t.shape;
  const data = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = t.data[i * c + j];
  return { shape: [c, r], data };
}

const addConstant = (name: string, input: string, width: number | null): Json =>
  call(ONNX_LAYER_CLASS_NAMES.constantOp, name, { op: 'add', value_shape: [width ?? 1] }, [input]);

/** PredictionLayer: + global_bias, sigmoid for task 'binary', reshaped to [batch, 1]. */
function predictionLayer(name: string, c: Json): Json {
  const layers: Json[] = [];
  let x = `${name}_input`;
  if (c.use_bias !== false) layers.push(addConstant((x = `${name}_bias`), `${name}_input`, 1));
  if (c.task === 'binary') layers.push(call('Activation', `${name}_sigmoid`, { activation: 'sigmoid' }, [x]));
  const last = layers.length > 0 ? (layers[layers.length - 1].name as string) : x;
  layers.push(call('Reshape', `${name}_reshape`, { target_shape: [1] }, [last]));
  const rules: Rule[] = c.use_bias !== false ? [{ file: 'global_bias', layer: `${name}_bias`, weight: 'value' }] : [];
  return withWeights(graph(name, [`${name}_input`], layers), rules);
}

/** Linear: mode 0 sums the sparse logits, mode 1 is a Dense on the dense inputs, mode 2 both, added. */
function linear(name: string, c: Json): Json {
  const mode = Number(c.mode ?? 0);
  const bias = c.use_bias === true;
  const sum = (input: string, keep: boolean) =>
    call(ONNX_LAYER_CLASS_NAMES.reduce, `${name}_sum`, { op: 'sum', axes: [-1], keep_dims: keep }, [input]);
  const dense = (input: string, withBias: boolean) =>
    call('Dense', `${name}_dense`, { units: 1, activation: 'linear', use_bias: withBias }, [input]);
  const rules: Rule[] = [];
  const layers: Json[] = [];
  let inputs: string[];
  if (mode === 1) {
    inputs = [`${name}_dense_input`];
    layers.push(dense(inputs[0], bias));
    if (bias) rules.push({ file: 'linear_bias', layer: `${name}_dense`, weight: 'bias' });
  } else {
    inputs = mode === 0 ? [`${name}_sparse_input`] : [`${name}_sparse_input`, `${name}_dense_input`];
    layers.push(sum(inputs[0], mode === 0));
    if (mode === 2) {
      layers.push(dense(inputs[1], false));
      layers.push(call('Add', `${name}_add`, {}, [`${name}_sum`, `${name}_dense`]));
    }
    if (bias) {
      layers.push(addConstant(`${name}_bias`, layers[layers.length - 1].name as string, 1));
      rules.push({ file: 'linear_bias', layer: `${name}_bias`, weight: 'value' });
    }
  }
  if (mode !== 0) rules.push({ file: 'linear_kernel', layer: `${name}_dense`, weight: 'kernel' });
  return withWeights(graph(name, inputs, layers), rules);
}

/** DNN: Dense(hidden_units[i], activation) in a chain (dropout is off at inference). */
function dnn(name: string, c: Json, ctx: ConfigContext): Json {
  const units = Array.isArray(c.hidden_units) ? c.hidden_units.map(Number) : [];
  const input = `${name}_input`;
  if (units.length === 0)
    return graph(name, [input], [call('Activation', `${name}_identity`, { activation: 'linear' }, [input])]);
  const layers: Json[] = [];
  units.forEach((u, i) => {
    const out = typeof c.output_activation === 'string' && i === units.length - 1 ? c.output_activation : c.activation;
    const act = typeof out === 'string' ? out : 'relu';
    if (!ACTIVATIONS.has(act)) note(ctx, `DNN with activation ${act}`, name);
    const prev = i === 0 ? input : (layers[i - 1].name as string);
    layers.push(call('Dense', `${name}_dense_${i}`, { units: u, activation: act, use_bias: true }, [prev]));
  });
  const rules: Rule[] = [
    ...units.map((_, i) => ({ file: `kernel${i}`, layer: `${name}_dense_${i}`, weight: 'kernel' })),
    ...units.map((_, i) => ({ file: `bias${i}`, layer: `${name}_dense_${i}`, weight: 'bias' })),
  ];
  return withWeights(graph(name, [input], layers), rules);
}

/**
 * CrossNet: x_{l+1} = x_0 ⊙ (x_l · w_l) + b_l + x_l ('vector') or x_0 ⊙ (W_l x_l + b_l) + x_l ('matrix').
 * The width is only known from the kernels: it is filled in when they are read.
 */
function crossNet(name: string, c: Json): Json {
  const n = Number(c.layer_num ?? 2);
  const matrix = c.parameterization === 'matrix';
  const x0 = `${name}_input`;
  const layers: Json[] = [];
  const rules: Rule[] = [];
  const widthOf: Json[] = [];
  let x = x0;
  for (let i = 0; i < n; i++) {
    const w = call('Dense', `${name}_w${i}`, { units: matrix ? 0 : 1, activation: 'linear', use_bias: matrix }, [x]);
    if (matrix) widthOf.push(w.config as Json);
    const mul = call('Multiply', `${name}_mul${i}`, {}, [x0, `${name}_w${i}`]);
    const add = call('Add', `${name}_add${i}`, {}, [`${name}_mul${i}`, x]);
    layers.push(w, mul, add);
    x = `${name}_add${i}`;
    if (!matrix) {
      const b = addConstant(`${name}_b${i}`, x, null);
      widthOf.push(b.config as Json);
      layers.push(b);
      x = `${name}_b${i}`;
    }
  }
  // Reading a kernel fixes the width of every layer that needs it (all kernels share it).
  const setWidth = (t: RawTensor): RawTensor => {
    for (const cfg of widthOf)
      if (matrix) cfg.units = t.shape[0];
      else cfg.value_shape = [t.shape[0]];
    return t;
  };
  for (let i = 0; i < n; i++)
    rules.push({
      file: `kernel${i}`,
      layer: `${name}_w${i}`,
      weight: 'kernel',
      transform: (t) => setWidth(matrix ? transposed(t) : t),
    });
  for (let i = 0; i < n; i++)
    rules.push(
      matrix
        ? { file: `bias${i}`, layer: `${name}_w${i}`, weight: 'bias', transform: column }
        : { file: `bias${i}`, layer: `${name}_b${i}`, weight: 'value', transform: column },
    );
  return withWeights(graph(name, [x0], layers), rules);
}

function note(ctx: ConfigContext, what: string, layer: string): void {
  const list = ctx.unsupported.layers.get(what) ?? [];
  if (!list.includes(layer)) list.push(layer);
  ctx.unsupported.layers.set(what, list);
}

/** DeepCTR classes and the get_config keys that tell them from other libraries' classes of the same name. */
const DEEPCTR_KEYS: Record<string, string[]> = {
  FM: [],
  NoMask: [],
  _Add: [],
  Concat: ['axis', 'supports_masking'],
  Linear: ['mode', 'l2_reg', 'use_bias'],
  DNN: ['hidden_units', 'activation', 'use_bn', 'dropout_rate'],
  PredictionLayer: ['task', 'use_bias'],
  CrossNet: ['layer_num', 'parameterization'],
};

/** True for a layer entry of DeepCTR's (by class and config keys). */
export function isDeepCtrLayer(cls: string, config: Json): boolean {
  return cls in DEEPCTR_KEYS && DEEPCTR_KEYS[cls].every((k) => k in config);
}

/** A DeepCTR layer in tfjs form ({class_name, config}), or null for any other layer. */
export function expandDeepCtr(cls: string, config: Json, name: string, ctx: ConfigContext): Json | null {
  if (!isDeepCtrLayer(cls, config)) return null;
  switch (cls) {
    case 'FM':
      return { class_name: FM_CLASS_NAME, config: { name, trainable: true, dtype: 'float32' } };
    case 'NoMask':
      return { class_name: 'Activation', config: { name, activation: 'linear' } };
    case '_Add':
      return { class_name: 'Add', config: { name } };
    case 'Concat':
      return { class_name: 'Concatenate', config: { name, axis: config.axis } };
    case 'PredictionLayer':
      return predictionLayer(name, config);
    case 'Linear':
      return linear(name, config);
    case 'DNN':
      if (config.use_bn === true) note(ctx, 'DNN with use_bn', name);
      return dnn(name, config, ctx);
    case 'CrossNet':
      return crossNet(name, config);
    default:
      return null;
  }
}
