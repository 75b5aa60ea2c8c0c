/**
 * Keras weight files → tfjs weight names. Keras 3 (`.keras`, model.weights.h5) stores each layer's variables
 * as `layers/<snake_case class>[_n]/vars/<i>` with no names (keras/src/saving/saving_lib.py), so the names
 * come from each class's variable order; legacy `.h5` files name every weight (`dense/kernel:0`). tfjs loads
 * weights by `<layer>/<weight>` (the variable's originalName, tfjs-layers Container.loadWeights). Pure.
 */
import { MODEL_CLASSES, isObj, type Json } from './config';

/** A weight array read from the file, converted to float32. */
export interface RawTensor {
  shape: number[];
  data: Float32Array;
}

/** One weight of the converted model. */
export interface NamedWeight {
  name: string;
  tensor: RawTensor;
}

/** A weights problem: layers whose arrays cannot be mapped, or a count mismatch. */
export class WeightMappingError extends Error {
  constructor(
    message: string,
    readonly unmapped: { className: string; layer: string }[] = [],
  ) {
    super(message);
  }
}

const bias = (c: Json) => (c.use_bias === false ? [] : ['bias']);
const gammaBeta = (c: Json) => [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta'])];

/** Variable names per class, in Keras' `layer.weights` order (trainable, then non-trainable). */
const WEIGHT_NAMES: Record<string, (c: Json) => string[]> = {
  Dense: (c) => ['kernel', ...bias(c)],
  Embedding: () => ['embeddings'],
  BatchNormalization: (c) => [...gammaBeta(c), 'moving_mean', 'moving_variance'],
  LayerNormalization: gammaBeta,
  Conv1D: (c) => ['kernel', ...bias(c)],
  Conv2D: (c) => ['kernel', ...bias(c)],
  Conv3D: (c) => ['kernel', ...bias(c)],
  Conv2DTranspose: (c) => ['kernel', ...bias(c)],
  Conv3DTranspose: (c) => ['kernel', ...bias(c)],
  DepthwiseConv2D: (c) => ['depthwise_kernel', ...bias(c)],
  SeparableConv2D: (c) => ['depthwise_kernel', 'pointwise_kernel', ...bias(c)],
  PReLU: () => ['alpha'],
};

/** Classes with weights whose Keras 3 layout (sub-objects: cell, forward_layer, ...) is not mapped. */
const UNMAPPED_KERAS3 = new Set(['LSTM', 'GRU', 'SimpleRNN', 'RNN', 'Bidirectional', 'TimeDistributed', 'ConvLSTM2D']);

/** Keras' naming.to_snake_case (keras/src/utils/naming.py). */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The layers Keras 3 walks for a model's weights: Sequential.layers omits the leading InputLayer. */
function walkedLayers(model: Json): Json[] {
  const layers = ((model.config as Json).layers as Json[]) ?? [];
  return model.class_name === 'Sequential' && layers[0]?.class_name === 'InputLayer' ? layers.slice(1) : layers;
}

const layerName = (l: Json) => (typeof l.name === 'string' ? l.name : ((l.config as Json).name as string));

/** The arrays stored under `<path>/vars/0`, `/1`, ... */
function varsAt(tensors: Map<string, RawTensor>, path: string): RawTensor[] {
  const out: RawTensor[] = [];
  for (let i = 0; tensors.has(`${path}/vars/${i}`); i++) out.push(tensors.get(`${path}/vars/${i}`)!);
  return out;
}

function hasUnder(tensors: Map<string, RawTensor>, path: string): boolean {
  for (const k of tensors.keys()) if (k.startsWith(`${path}/`)) return true;
  return false;
}

function nameLayerVars(
  layer: Json,
  vars: RawTensor[],
  out: NamedWeight[],
  unmapped: { className: string; layer: string }[],
): void {
  const cls = layer.class_name as string;
  const name = layerName(layer);
  const names = UNMAPPED_KERAS3.has(cls) ? null : (WEIGHT_NAMES[cls]?.(layer.config as Json) ?? []);
  if (names === null) {
    unmapped.push({ className: cls, layer: name });
    return;
  }
  if (names.length !== vars.length) {
    if (!WEIGHT_NAMES[cls] && vars.length > 0) unmapped.push({ className: cls, layer: name });
    else
      throw new WeightMappingError(
        `the weights file holds ${vars.length} array${vars.length === 1 ? '' : 's'} for ` +
          `layer ${name} (${cls}) but its config needs ` +
          `${names.length}${names.length ? ` (${names.join(', ')})` : ''}`,
      );
    return;
  }
  names.forEach((w, i) => out.push({ name: `${name}/${w}`, tensor: vars[i] }));
}

/**
 * Keras 3 model.weights.h5 arrays (by HDF5 path) → named weights, walking the converted model the way
 * saving_lib._save_state does: `layers` first, each entry named by its class in snake case with a per-name
 * counter (`dense`, `dense_1`, ...), nested models recursing into `<entry>/layers`. Files written by
 * tf.keras 2.13–2.15 keep layers under `_layer_checkpoint_dependencies` instead (keras 3 H5Entry reads them by
 * path substitution); their groups are matched to layers by class and order.
 */
export function keras3Weights(model: Json, tensors: Map<string, RawTensor>): NamedWeight[] {
  const out: NamedWeight[] = [];
  const unmapped: { className: string; layer: string }[] = [];
  const legacy = !hasUnder(tensors, 'layers') && hasUnder(tensors, '_layer_checkpoint_dependencies');
  const walk = (m: Json, prefix: string) => {
    const container = `${prefix}${legacy ? '_layer_checkpoint_dependencies' : 'layers'}`;
    const paths = legacy ? legacyPaths(walkedLayers(m), container, tensors) : exactPaths(walkedLayers(m), container);
    walkedLayers(m).forEach((layer, i) => {
      if (MODEL_CLASSES.has(layer.class_name as string)) walk(layer, `${paths[i] ?? '(missing)'}/`);
      else nameLayerVars(layer, paths[i] === null ? [] : varsAt(tensors, paths[i]!), out, unmapped);
    });
  };
  walk(model, '');
  if (unmapped.length > 0) throw new WeightMappingError('unmapped', unmapped);
  return out;
}

function exactPaths(layers: Json[], container: string): string[] {
  const used = new Map<string, number>();
  return layers.map((l) => {
    const base = toSnakeCase(l.class_name as string);
    const n = used.has(base) ? used.get(base)! + 1 : 0;
    used.set(base, n);
    return `${container}/${n === 0 ? base : `${base}_${n}`}`;
  });
}

/** tf.keras 2.13 groups: per class, the groups holding arrays, in counter order, go to that class's layers in order. */
function legacyPaths(layers: Json[], container: string, tensors: Map<string, RawTensor>): (string | null)[] {
  const groups = new Map<string, { n: number; path: string }[]>();
  for (const key of tensors.keys()) {
    if (!key.startsWith(`${container}/`)) continue;
    const child = key.slice(container.length + 1).split('/')[0];
    const m = /^(.*?)(?:_(\d+))?$/.exec(child)!;
    const list = groups.get(m[1]) ?? [];
    if (!list.some((g) => g.path === `${container}/${child}`))
      list.push({ n: Number(m[2] ?? 0), path: `${container}/${child}` });
    groups.set(m[1], list);
  }
  for (const list of groups.values()) list.sort((a, b) => a.n - b.n);
  return layers.map((l) => {
    const cls = l.class_name as string;
    const weighted =
      MODEL_CLASSES.has(cls) || UNMAPPED_KERAS3.has(cls) || (WEIGHT_NAMES[cls]?.(l.config as Json).length ?? 0) > 0;
    return weighted ? (groups.get(toSnakeCase(cls))?.shift()?.path ?? null) : null;
  });
}

/** One layer group of a legacy .h5 file: `model_weights/<layer>` with its `weight_names` and arrays. */
export interface H5LayerWeights {
  layer: string;
  weights: { name: string; tensor: RawTensor }[];
}

/**
 * Legacy .h5 weights → tfjs names. A plain layer's weights become `<layer>/<last name part>` (so `dense/kernel:0`
 * → `dense/kernel`, `lstm/lstm_cell/kernel:0` → `lstm/kernel`); a nested model's become `<inner layer>/<part>`;
 * wrappers keep the full name, which tfjs resolves itself (tensorflowjs converter behaviour).
 */
export function h5Weights(model: Json, groups: H5LayerWeights[]): NamedWeight[] {
  const top = new Map(((model.config as Json).layers as Json[]).map((l) => [layerName(l), l]));
  const out: NamedWeight[] = [];
  for (const g of groups) {
    if (g.weights.length === 0) continue;
    const layer = top.get(g.layer);
    if (!layer)
      throw new WeightMappingError(
        `the weights file has weights for a layer ${g.layer} that the model config does not have`,
      );
    const cls = layer.class_name as string;
    const inner = MODEL_CLASSES.has(cls) ? innerNames(layer) : null;
    for (const w of g.weights) {
      const parts = w.name.replace(/:\d+$/, '').split('/').filter(Boolean);
      const last = parts[parts.length - 1];
      let name: string;
      if (inner) {
        const owner = [...parts.slice(0, -1)].reverse().find((p) => inner.has(p)) ?? parts[parts.length - 2] ?? g.layer;
        name = `${owner}/${last}`;
      } else if (cls === 'Bidirectional' || cls === 'TimeDistributed') name = parts.join('/');
      else name = `${g.layer}/${last}`;
      out.push({ name, tensor: w.tensor });
    }
  }
  return out;
}

function innerNames(model: Json): Set<string> {
  const names = new Set<string>();
  const visit = (m: Json) =>
    (((m.config as Json).layers as Json[]) ?? []).forEach((l) => {
      names.add(layerName(l));
      if (MODEL_CLASSES.has(l.class_name as string) && isObj(l.config)) visit(l);
    });
  visit(model);
  return names;
}
