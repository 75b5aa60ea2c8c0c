/**
 * Keras weight files → the weights of the converted model, each tied to the layer that holds it by its place
 * (the models around it, then its name), so that flattening and renaming can name it afterwards. Keras 3
 * (`.keras`, model.weights.h5, `.weights.h5`) stores each layer's variables as `layers/<snake_case class>[_n]/
 * vars/<i>` with no names (keras/src/saving/saving_lib.py), so the names come from each class's variable
 * order (./layerWeights); legacy `.h5` files (model.save and save_weights) name every weight
 * (`dense/kernel:0`) and list a nested model's in `model.weights` order. Pure.
 */
import { GRU_RESET_AFTER_CLASS } from '../../core/layers/customClasses';
import { MODEL_CLASSES, type Json } from './config';
import { expectedWeights, weightsBelow, type ExpectedWeight } from './layerWeights';

/** A weight array read from the file, converted to float32. */
export interface RawTensor {
  shape: number[];
  data: Float32Array;
}

/** One weight of the converted model: the layer's place, its tfjs name below the layer, the array. */
export interface PlacedWeight {
  path: string[];
  weight: string;
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

/** The class Keras saved a layer as (this project runs Keras' reset_after GRU as a class of its own). */
const kerasClass = (l: Json): string => (l.class_name === GRU_RESET_AFTER_CLASS ? 'GRU' : (l.class_name as string));

const layerName = (l: Json) => (typeof l.name === 'string' ? l.name : ((l.config as Json).name as string));

function hasUnder(tensors: Map<string, RawTensor>, path: string): boolean {
  for (const k of tensors.keys()) if (k.startsWith(`${path}/`)) return true;
  return false;
}

function countError(layer: string, cls: string, found: number, want: ExpectedWeight[]): WeightMappingError {
  const names = want.map((w) => w.weight);
  return new WeightMappingError(
    `the weights file holds ${found} array${found === 1 ? '' : 's'} for layer ${layer} (${cls}) but its config ` +
      `needs ${names.length}${names.length ? ` (${names.join(', ')})` : ''}`,
  );
}

const place = (w: ExpectedWeight, tensor: RawTensor): PlacedWeight => ({
  path: w.path,
  weight: w.weight,
  tensor: w.transform ? w.transform(tensor) : tensor,
});

/** The arrays of one Keras 3 layer group: every `vars` array below it, by path relative to the group. */
function varsBelow(tensors: Map<string, RawTensor>, group: string): Map<string, RawTensor> {
  const out = new Map<string, RawTensor>();
  for (const [k, v] of tensors)
    if (k.startsWith(`${group}/`) && /(^|\/)vars\/\d+$/.test(k)) out.set(k.slice(group.length + 1), v);
  return out;
}

/**
 * Keras 3 weights (by HDF5 path) → placed weights, walking the converted model the way saving_lib._save_state
 * does: `layers` first, each entry named by its class in snake case with a per-name counter (`dense`,
 * `dense_1`, ...), nested models recursing into `<entry>/layers`. Files written by tf.keras 2.13–2.15 keep
 * layers under `_layer_checkpoint_dependencies` instead (keras 3 H5Entry reads them by path substitution);
 * their groups are matched to layers by class and order.
 */
export function keras3Weights(model: Json, tensors: Map<string, RawTensor>): PlacedWeight[] {
  const out: PlacedWeight[] = [];
  const unmapped: { className: string; layer: string }[] = [];
  const legacy = !hasUnder(tensors, 'layers') && hasUnder(tensors, '_layer_checkpoint_dependencies');
  const walk = (m: Json, prefix: string, path: string[]) => {
    const container = `${prefix}${legacy ? '_layer_checkpoint_dependencies' : 'layers'}`;
    const layers = walkedLayers(m);
    const paths = legacy ? legacyPaths(layers, container, tensors) : exactPaths(layers, container);
    layers.forEach((layer, i) => {
      const at = [...path, layerName(layer)];
      if (MODEL_CLASSES.has(layer.class_name as string)) {
        walk(layer, `${paths[i] ?? '(missing)'}/`, at);
        return;
      }
      const want = expectedWeights(layer, at);
      const found = paths[i] === null ? new Map<string, RawTensor>() : varsBelow(tensors, paths[i]!);
      if (want === null) {
        if (found.size > 0) unmapped.push({ className: layer.class_name as string, layer: at.join(' / ') });
        return;
      }
      if (found.size !== want.length || want.some((w) => !found.has(w.keras3)))
        throw countError(at.join(' / '), kerasClass(layer), found.size, want);
      for (const w of want) out.push(place(w, found.get(w.keras3)!));
    });
  };
  walk(model, '', []);
  if (unmapped.length > 0) throw new WeightMappingError('unmapped', unmapped);
  return out;
}

function exactPaths(layers: Json[], container: string): string[] {
  const used = new Map<string, number>();
  return layers.map((l) => {
    const base = toSnakeCase(kerasClass(l));
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
    const want = expectedWeights(l, []);
    const weighted = MODEL_CLASSES.has(cls) || want === null || want.length > 0;
    return weighted ? (groups.get(toSnakeCase(kerasClass(l)))?.shift()?.path ?? null) : null;
  });
}

/** One layer group of a legacy .h5 file: `<layer>` with its `weight_names` and arrays. */
export interface H5LayerWeights {
  layer: string;
  weights: { name: string; tensor: RawTensor }[];
}

const lastPart = (name: string) => {
  const parts = name.replace(/:\d+$/, '').split('/').filter(Boolean);
  return parts[parts.length - 1] ?? name;
};

/** A group's arrays paired with what the layer expects: in order when the names agree, else by name. */
function pairGroup(g: H5LayerWeights, want: ExpectedWeight[], cls: string): PlacedWeight[] {
  if (g.weights.length !== want.length) throw countError(g.layer, cls, g.weights.length, want);
  if (want.every((w, i) => lastPart(g.weights[i].name) === w.last))
    return want.map((w, i) => place(w, g.weights[i].tensor));
  return want.map((w) => {
    const hits = g.weights.filter((x) => lastPart(x.name) === w.last);
    if (hits.length !== 1) throw countError(g.layer, cls, g.weights.length, want);
    return place(w, hits[0].tensor);
  });
}

/**
 * Legacy .h5 weights (model.save's `model_weights`, or model.save_weights' root) → placed weights. A layer's
 * group lists its arrays in `layer.weights` order; a nested model's group lists every inner layer's, trainable
 * ones first (tf.keras and Keras 3 `_legacy_weights`), which is how they are told apart when inner layers
 * share names.
 */
export function h5Weights(model: Json, groups: H5LayerWeights[]): PlacedWeight[] {
  const top = new Map(((model.config as Json).layers as Json[]).map((l) => [layerName(l), l]));
  const out: PlacedWeight[] = [];
  const unmapped: { className: string; layer: string }[] = [];
  for (const g of groups) {
    const layer = top.get(g.layer);
    if (!layer) {
      if (g.weights.length === 0) continue;
      throw new WeightMappingError(
        `the weights file has weights for a layer ${g.layer} that the model config does not have`,
      );
    }
    const want = weightsBelow(layer, [g.layer], unmapped);
    if (unmapped.length > 0) continue;
    out.push(...pairGroup(g, want, kerasClass(layer)));
  }
  if (unmapped.length > 0) throw new WeightMappingError('unmapped', unmapped);
  return out;
}
