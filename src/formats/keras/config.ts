/**
 * Keras model configs → the Keras-2-style layers topology tfjs 4.22 deserializes. Handles both the Keras 2
 * `model_config` (tf.keras `model.save('m.h5')`) and the Keras 3 `config.json` of a `.keras` archive
 * (`serialize_keras_object`: `module`, `registered_name`, `build_config`, dtype-policy objects and
 * `{args, kwargs}` inbound nodes holding `__keras_tensor__` references). Records the layer classes and
 * activations tfjs cannot run instead of failing on the first one. Pure: plain JSON in, plain JSON out.
 */

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

import { GRU_RESET_AFTER_CLASS } from '../../core/layers/customClasses';
import { TFJS_LAYER_CLASSES } from './classes';

export { TFJS_LAYER_CLASSES };

/** Model classes: a layer of one of these is a nested model with its own layer list. */
export const MODEL_CLASSES: ReadonlySet<string> = new Set(['Functional', 'Model', 'Sequential']);

/** What the conversion could not carry over: class or activation → names of the layers using it. */
export interface Unsupported {
  layers: Map<string, string[]>;
  activations: Map<string, string[]>;
}

/** Conversion state shared by every layer of one model. */
export interface ConfigContext {
  /** Layer classes the target can run. */
  supported: ReadonlySet<string>;
  /** Major Keras version that wrote the file (activation semantics differ between 2 and 3). */
  kerasMajor: number;
  unsupported: Unsupported;
  /** Layers of other libraries in tfjs form ({class_name, config}), or null for the layers Keras has. */
  expand?: (cls: string, config: Json, name: string, ctx: ConfigContext) => Json | null;
}

/** A fresh context for one model. */
export function configContext(supported: Iterable<string>, kerasMajor: number): ConfigContext {
  return { supported: new Set(supported), kerasMajor, unsupported: { layers: new Map(), activations: new Map() } };
}

/** True for a plain (non-array) object. */
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for a serialized Keras object ({class_name, config, ...}). */
const isKerasObject = (v: unknown): v is Json => isObj(v) && typeof v.class_name === 'string' && 'config' in v;

function note(map: Map<string, string[]>, key: string, layer: string): void {
  const list = map.get(key) ?? [];
  if (!list.includes(layer)) list.push(layer);
  map.set(key, list);
}

/** A Keras dtype or dtype policy (string, DTypePolicy/FloatDTypePolicy/Policy object) → a tfjs dtype. */
export function plainDtype(v: unknown): string | undefined {
  const name =
    typeof v === 'string'
      ? v
      : isObj(v) && isObj(v.config) && typeof v.config.name === 'string'
        ? v.config.name
        : undefined;
  if (name === undefined) return undefined;
  if (name === 'bool' || name === 'string') return name;
  if (/^u?int\d*$/.test(name)) return 'int32';
  // float16/bfloat16/float64 and the mixed_* policies: tfjs computes in float32 (mixed policies keep float32
  // variables).
  return 'float32';
}

const INITIALIZERS: Record<string, string> = {
  Zeros: 'Zeros',
  Ones: 'Ones',
  Constant: 'Constant',
  RandomNormal: 'RandomNormal',
  RandomUniform: 'RandomUniform',
  TruncatedNormal: 'TruncatedNormal',
  VarianceScaling: 'VarianceScaling',
  GlorotUniform: 'GlorotUniform',
  GlorotNormal: 'GlorotNormal',
  HeNormal: 'HeNormal',
  HeUniform: 'HeUniform',
  LecunNormal: 'LeCunNormal',
  LecunUniform: 'LeCunUniform',
  LeCunNormal: 'LeCunNormal',
  LeCunUniform: 'LeCunUniform',
  Orthogonal: 'Orthogonal',
  OrthogonalInitializer: 'Orthogonal',
  Identity: 'Identity',
  IdentityInitializer: 'Identity',
};
const ZEROS = { class_name: 'Zeros', config: {} };

/**
 * An initializer → tfjs form. Only used to build the layers before the imported weights overwrite them, so an
 * initializer tfjs lacks becomes Zeros rather than an error.
 */
function initializer(v: unknown): unknown {
  if (v === null || v === undefined || typeof v === 'string') return v ?? null;
  if (!isKerasObject(v)) return ZEROS;
  const cls = INITIALIZERS[v.class_name as string];
  if (!cls) return ZEROS;
  const config: Json = isObj(v.config) ? { ...v.config } : {};
  if (cls === 'VarianceScaling' && config.distribution === 'untruncated_normal') config.distribution = 'normal';
  return { class_name: cls, config };
}

/** A regularizer → tfjs L1L2 (training-only, so one tfjs lacks is dropped). */
function regularizer(v: unknown): unknown {
  if (!isKerasObject(v)) return null;
  const c = isObj(v.config) ? v.config : {};
  const num = (x: unknown) => (typeof x === 'number' ? x : 0);
  if (v.class_name === 'L1' || v.class_name === 'L2' || v.class_name === 'L1L2')
    return { class_name: 'L1L2', config: { l1: num(c.l1), l2: num(c.l2) } };
  return null;
}

const CONSTRAINTS = new Set(['MaxNorm', 'NonNeg', 'UnitNorm', 'MinMaxNorm']);
/** A constraint → tfjs form (training-only, so one tfjs lacks is dropped). */
function constraint(v: unknown): unknown {
  return isKerasObject(v) && CONSTRAINTS.has(v.class_name as string)
    ? { class_name: v.class_name, config: isObj(v.config) ? v.config : {} }
    : null;
}

const ACTIVATIONS: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  swish: 'swish',
  silu: 'swish',
  mish: 'mish',
  gelu: 'gelu',
  log_softmax: 'logSoftmax',
  logSoftmax: 'logSoftmax',
};

/** An activation name or serialized function → a tfjs activation name; records ones tfjs lacks. */
function activation(v: unknown, layer: string, ctx: ConfigContext): string {
  let name = v;
  if (isObj(v) && v.class_name === 'function' && typeof v.config === 'string') name = v.config;
  if (name === null || name === undefined) return 'linear';
  if (typeof name === 'string') {
    // Keras 2's hard_sigmoid is tfjs' 0.2x+0.5; Keras 3 changed it to relu6(x+3)/6.
    if ((name === 'hard_sigmoid' || name === 'hardSigmoid') && ctx.kerasMajor < 3) return 'hardSigmoid';
    if (ACTIVATIONS[name]) return ACTIVATIONS[name];
  }
  const label =
    typeof name === 'string'
      ? name
      : isObj(name) && typeof name.class_name === 'string'
        ? name.class_name
        : JSON.stringify(name);
  note(ctx.unsupported.activations, label, layer);
  return 'linear';
}

/** Keras 3 (and 2) config keys tfjs has no use for. */
const DROP_KEYS = new Set([
  'lora_rank',
  'lora_alpha',
  'quantization_config',
  'synchronized',
  'optional',
  'ragged',
  'shared_object_id',
]);
const INNER_LAYER_KEYS = new Set(['layer', 'cell', 'forward_layer', 'backward_layer']);

/** Drops Keras 3 bookkeeping ({module, registered_name}) from a nested serialized object, recursively. */
function plainValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainValue);
  if (!isObj(v)) return v;
  if (v.class_name === '__tuple__' && Array.isArray((v.config as Json | undefined)?.value))
    return plainValue((v.config as Json).value);
  const out: Json = {};
  for (const [k, x] of Object.entries(v))
    if (k !== 'module' && k !== 'registered_name' && k !== 'shared_object_id') out[k] = plainValue(x);
  return out;
}

/** One layer's config in tfjs form. */
function layerConfig(cls: string, config: Json, name: string, ctx: ConfigContext): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(config)) {
    if (DROP_KEYS.has(k)) continue;
    if (k === 'dtype') out.dtype = plainDtype(v) ?? 'float32';
    else if (k.endsWith('_initializer')) out[k] = initializer(v);
    else if (k.endsWith('_regularizer')) out[k] = regularizer(v);
    else if (k.endsWith('_constraint')) out[k] = constraint(v);
    else if (k === 'activation' || k === 'recurrent_activation') out[k] = activation(v, name, ctx);
    else if (INNER_LAYER_KEYS.has(k) && isKerasObject(v)) out[k] = convertLayer(v, ctx, false);
    else out[k] = plainValue(v);
  }
  if (cls === 'InputLayer' && 'batch_shape' in out) {
    out.batch_input_shape = out.batch_shape;
    delete out.batch_shape;
  }
  // tf.keras 2 writes BatchNormalization's axis as a one-element list; tfjs takes a number.
  if (cls === 'BatchNormalization' && Array.isArray(out.axis) && out.axis.length === 1) out.axis = out.axis[0];
  if (cls === 'LeakyReLU' && 'negative_slope' in out) {
    out.alpha = out.negative_slope;
    delete out.negative_slope;
  }
  // tfjs' ReLU has max_value only, and its LayerNormalization no rms_scaling (Keras 3 options).
  if (cls === 'ReLU') {
    if ((Number(out.negative_slope) || 0) !== 0 || (Number(out.threshold) || 0) !== 0)
      note(ctx.unsupported.layers, 'ReLU with negative_slope or threshold', name);
    delete out.negative_slope;
    delete out.threshold;
  }
  if (cls === 'Bidirectional') bidirectional(out, name, ctx);
  if (cls === 'LayerNormalization') {
    if (out.rms_scaling === true) note(ctx.unsupported.layers, 'LayerNormalization with rms_scaling', name);
    delete out.rms_scaling;
  }
  out.name = name;
  return out;
}

/**
 * tfjs builds a Bidirectional's backward layer itself from the forward one and names them `forward_<inner>`
 * and `backward_<inner>`: the inner layer goes by its own name (Keras 3 saves it as `forward_<inner>`), and a
 * backward layer that only mirrors it is dropped.
 */
function bidirectional(out: Json, name: string, ctx: ConfigContext): void {
  const forward = out.layer as Json | undefined;
  const fc = (forward?.config ?? {}) as Json;
  if (typeof fc.name === 'string') fc.name = fc.name.replace(/^forward_/, '');
  const back = out.backward_layer as Json | undefined;
  if (!back) return;
  const bc = { ...((back.config ?? {}) as Json) };
  const mirror =
    back.class_name === forward?.class_name &&
    bc.go_backwards === !fc.go_backwards &&
    JSON.stringify({ ...bc, name: 0, go_backwards: 0 }) === JSON.stringify({ ...fc, name: 0, go_backwards: 0 });
  if (!mirror) note(ctx.unsupported.layers, 'Bidirectional with a backward layer of its own', name);
  delete out.backward_layer;
}

/** A Keras 3 `{class_name: '__keras_tensor__'}` reference → [layer, node, tensor]. */
function tensorRef(v: unknown): [string, number, number] | null {
  if (!isObj(v) || v.class_name !== '__keras_tensor__' || !isObj(v.config)) return null;
  const h = v.config.keras_history;
  return Array.isArray(h) && typeof h[0] === 'string' ? [h[0], Number(h[1] ?? 0), Number(h[2] ?? 0)] : null;
}

function collectRefs(v: unknown, out: [string, number, number][]): void {
  const ref = tensorRef(v);
  if (ref) out.push(ref);
  else if (Array.isArray(v)) v.forEach((x) => collectRefs(x, out));
  else if (isObj(v)) {
    if (v.class_name === '__tuple__' && isObj(v.config)) collectRefs(v.config.value, out);
    else if (!isKerasObject(v)) Object.values(v).forEach((x) => collectRefs(x, out));
  }
}

/**
 * A layer's inbound nodes (Keras 2 lists or Keras 3 {args, kwargs}) → Keras 2 lists of [layer, node, tensor, kwargs].
 */
function inboundNodes(nodes: unknown, layer: string): unknown[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node) => {
    if (Array.isArray(node))
      return node.map((e) => (Array.isArray(e) ? [e[0], e[1] ?? 0, e[2] ?? 0, isObj(e[3]) ? e[3] : {}] : e));
    if (!isObj(node)) throw new Error(`layer ${layer} has an inbound node in an unknown format`);
    const refs: [string, number, number][] = [];
    collectRefs(node.args, refs);
    const kwargs: Json = {};
    for (const [k, v] of Object.entries(isObj(node.kwargs) ? node.kwargs : {})) {
      const inner: [string, number, number][] = [];
      collectRefs(v, inner);
      if (inner.length > 0)
        throw new Error(
          `layer ${layer} is called with a tensor keyword argument (${k}), which tfjs layers-models cannot express`,
        );
      if (v !== null && v !== undefined) kwargs[k] = plainValue(v);
    }
    return refs.map((r) => [...r, kwargs]);
  });
}

/** Model inputs/outputs (a single ref, a list, or a dict of refs) → a list of [layer, node, tensor]. */
function refList(v: unknown): unknown[] {
  if (Array.isArray(v) && typeof v[0] === 'string') return [[v[0], v[1] ?? 0, v[2] ?? 0]];
  if (Array.isArray(v)) return v.flatMap(refList);
  if (isObj(v)) return Object.values(v).flatMap(refList);
  return [];
}

/** A model config ({class_name: Functional|Model|Sequential, config}) → tfjs form; nested models recurse. */
export function convertModel(model: Json, ctx: ConfigContext): Json {
  const cls = model.class_name as string;
  const raw = model.config;
  // Very old Keras wrote a Sequential config as a bare layer list.
  const config: Json = Array.isArray(raw) ? { layers: raw } : isObj(raw) ? raw : {};
  if (!Array.isArray(config.layers)) throw new Error(`the ${cls} model has no layer list`);
  const name =
    typeof config.name === 'string' ? config.name : typeof model.name === 'string' ? model.name : cls.toLowerCase();
  const functional = cls !== 'Sequential';
  const layers = (config.layers as unknown[]).map((l) => {
    if (!isKerasObject(l)) throw new Error(`the ${cls} model ${name} has a layer without class_name or config`);
    return convertLayer(l, ctx, functional);
  });
  if (!functional) {
    const first = layers[0]?.config as Json | undefined;
    // A Sequential without an InputLayer: Keras 3 keeps the input shape in build_input_shape.
    if (
      first &&
      layers[0].class_name !== 'InputLayer' &&
      !first.batch_input_shape &&
      Array.isArray(config.build_input_shape)
    )
      first.batch_input_shape = config.build_input_shape;
    return { class_name: cls, config: { name, layers } };
  }
  const inputs = refList(config.input_layers);
  const outputs = refList(config.output_layers);
  if (ctx.kerasMajor >= 3) offsetSequentialNodes(layers, [inputs, outputs]);
  return { class_name: cls, config: { name, layers, input_layers: inputs, output_layers: outputs } };
}

/**
 * Keras 3 numbers a nested Sequential's calls from 0 (Functional.get_config keeps an extra first node only for
 * Functional subclasses, and Keras 3's Sequential is not one), while tfjs, like tf.keras, gives every nested
 * model a first node of its own: references to a nested Sequential move up by one.
 */
function offsetSequentialNodes(layers: Json[], refLists: unknown[][]): void {
  const sequential = new Set(layers.filter((l) => l.class_name === 'Sequential').map((l) => l.name));
  if (sequential.size === 0) return;
  const bump = (ref: unknown) => {
    if (Array.isArray(ref) && sequential.has(ref[0])) ref[1] = Number(ref[1]) + 1;
  };
  for (const l of layers) for (const node of (l.inbound_nodes as unknown[][]) ?? []) node.forEach(bump);
  refLists.forEach((list) => list.forEach(bump));
}

/** One layer entry (functional: with name and inbound_nodes) → tfjs form; checks the class is supported. */
function convertLayer(entry: Json, ctx: ConfigContext, functional: boolean): Json {
  const cls = entry.class_name as string;
  const config = isObj(entry.config) ? entry.config : {};
  const name =
    typeof entry.name === 'string' ? entry.name : typeof config.name === 'string' ? config.name : cls.toLowerCase();
  let out: Json;
  const expanded = ctx.expand?.(cls, config, name, ctx) ?? null;
  if (expanded) {
    // Kept as the same object: other modules key what they know about it (its weights) by identity.
    if (!functional) return expanded;
    return Object.assign(expanded, { name, inbound_nodes: inboundNodes(entry.inbound_nodes, name) });
  }
  if (MODEL_CLASSES.has(cls)) {
    out = convertModel({ class_name: cls, config, name }, ctx);
  } else {
    const op = typeof entry.module === 'string' && /^keras(\.src)?\.ops\b/.test(entry.module);
    if (op || !ctx.supported.has(cls)) note(ctx.unsupported.layers, op ? `${cls} (a keras.ops call)` : cls, name);
    out = { class_name: cls, config: layerConfig(cls, config, name, ctx) };
    // Keras' GRU convention since tf.keras 2 (reset gate after the recurrent product) is a layer of this project.
    if (cls === 'GRU' && config.reset_after === true) out.class_name = GRU_RESET_AFTER_CLASS;
  }
  if (!functional) return out;
  return { ...out, name, inbound_nodes: inboundNodes(entry.inbound_nodes, name) };
}
