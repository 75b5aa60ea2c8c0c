/**
 * The sizes a layers-model topology declares, checked against LIMITS before tfjs builds anything: tfjs
 * allocates every layer's weights from the topology (with random initial values) before it reads a weight
 * file, so a few bytes of model.json could make it take gigabytes. Configs are read the way tfjs reads them:
 * every key camel-cased (`units_`, `units` and `Units` alike go through tfjs's rule, the last one written wins),
 * so no spelling tfjs accepts escapes the check. Shapes are followed through the layer graph as two numbers per
 * tensor (values per row, and the last size), which bounds every known layer's weights from above. Pure.
 */
import { StudioError } from '../errors';
import { LIMITS } from '../limits';
import { shown } from './artifacts';
import { FIELD_EMBEDDING_CLASS_NAME } from './customClasses';

type Obj = Record<string, unknown>;
/** A tensor's size past the batch dimension: all its values per row, and its last size. */
interface Width {
  size: number;
  last: number;
}
interface Counted {
  out: Width;
  params: number;
}

/** tfjs's snake_case → camelCase rule for config keys (generic_utils.toCamelCase). */
function camel(key: string): string {
  if (key.length <= 1 || !key.includes('_')) return key;
  return key.replace(/[_]+(\w|$)/g, (_m, c: string) => c.toUpperCase());
}

/** Lists whose first string item is a layer name that tfjs keeps as written. */
const NAME_LISTS = new Set(['inboundNodes', 'outputLayers', 'inputLayers']);

/**
 * Deepest JSON level `tfjsKeys` converts. Every model nesting (LIMITS.modelNesting) takes about six JSON levels
 * (config, layers, layer, config, ...); deeper levels are left as written, which the nesting check refuses anyway.
 * Kept well above the nesting limit so that raising it does not silently stop the conversion.
 */
const KEY_DEPTH = Math.max(256, 16 * LIMITS.modelNesting);

/**
 * The object as tfjs sees it (convertPythonicToTs): keys and string values camel-cased at every depth, except
 * `name` values and the layer names that lead the lists of NAME_LISTS; bounded in depth.
 */
export function tfjsKeys(x: unknown, depth = 0, key = ''): unknown {
  if (typeof x === 'string') return camel(x);
  if (depth > KEY_DEPTH || x === null || typeof x !== 'object') return x;
  if (Array.isArray(x))
    return x.map((v, i) => (NAME_LISTS.has(key) && i === 0 && typeof v === 'string' ? v : tfjsKeys(v, depth + 1, key)));
  const out: Obj = {};
  for (const [k, v] of Object.entries(x as Obj)) {
    if (k === 'name' && typeof v === 'string') out.name = v;
    else out[camel(k)] = tfjsKeys(v, depth + 1, camel(k));
  }
  return out;
}

/**
 * The model config tfjs builds from a topology, as tfjs reads it: a `model_config` (as Keras writes a whole
 * model, looked up before any camel-casing) or the topology itself, with tfjsKeys applied.
 */
export function tfjsModelConfig(topology: Record<string, unknown>): Obj {
  const raw = topology.model_config;
  return tfjsKeys(raw !== null && raw !== undefined ? raw : topology) as Obj;
}

/** A declared size as tfjs would use it (JavaScript's arithmetic coerces strings and one-element lists). */
function dim(v: unknown): number {
  if (v === null || v === undefined) return 1;
  const n = Number(v);
  return Number.isNaN(n) || n < 0 ? 1 : n;
}

const product = (xs: unknown): number => (Array.isArray(xs) ? xs.reduce((p: number, d) => p * dim(d), 1) : dim(xs));
const lastOf = (xs: unknown): number => (Array.isArray(xs) && xs.length > 0 ? dim(xs[xs.length - 1]) : dim(xs));

/** The input a layer declares itself (batchInputShape, or inputShape / inputDim / inputLength), if any. */
function declaredInput(c: Obj): Width | undefined {
  if (Array.isArray(c.batchInputShape)) {
    const s = c.batchInputShape.slice(1);
    return { size: product(s), last: lastOf(s) };
  }
  if (Array.isArray(c.inputShape)) return { size: product(c.inputShape), last: lastOf(c.inputShape) };
  if (c.inputLength !== undefined && c.inputLength !== null) return { size: product(c.inputLength), last: 1 };
  return undefined;
}

const RNN_GATES: Record<string, number> = { LSTM: 4, GRU: 3, SimpleRNN: 1 };
const CONV_RANK: Record<string, number> = {
  Conv1D: 1,
  Conv2D: 2,
  Conv3D: 3,
  Conv2DTranspose: 2,
  Conv3DTranspose: 3,
  SeparableConv1D: 1,
  SeparableConv2D: 2,
  DepthwiseConv2D: 2,
  ConvLSTM2D: 2,
};

/** Rows of `x` with their last size replaced by `last`. */
const relast = (x: Width, last: number): Width => ({ size: (x.size / Math.max(x.last, 1)) * last, last });

function convLayer(cls: string, c: Obj, x: Width): Counted {
  const k = Array.isArray(c.kernelSize) ? product(c.kernelSize) : dim(c.kernelSize) ** CONV_RANK[cls];
  const dm = dim(c.depthMultiplier);
  if (cls === 'DepthwiseConv2D') return { out: relast(x, x.last * dm), params: k * x.last * dm + x.last * dm };
  const f = dim(c.filters);
  const kernel = cls.startsWith('Separable') ? k * x.last * dm + x.last * dm * f : k * x.last * f;
  const gates = cls === 'ConvLSTM2D' ? 4 : 1;
  return { out: relast(x, f), params: gates * (kernel + (gates > 1 ? k * f * f : 0) + f) };
}

function mergeLayer(cls: string, c: Obj, xs: Width[]): Width {
  const size = xs.reduce((s, x) => s + x.size, 0);
  const max = (f: (x: Width) => number) => xs.reduce((m, x) => Math.max(m, f(x)), 0);
  if (cls === 'Concatenate') {
    const axis = c.axis === undefined ? -1 : dim(c.axis);
    return axis === -1 || axis === 1
      ? { size, last: xs.reduce((s, x) => s + x.last, 0) }
      : { size, last: max((x) => x.last) };
  }
  return { size: max((x) => x.size), last: max((x) => x.last) };
}

/** A layer's output width and the parameters tfjs would allocate for it, from its inputs (an upper bound). */
function countLayer(cls: string, c: Obj, xs: Width[], nested: (m: Obj, xs: Width[]) => Counted): Counted {
  const x = xs[0] ?? { size: 1, last: 1 };
  if (Array.isArray(c) || Array.isArray(c.layers)) return nested(c, xs);
  if (cls === 'InputLayer') return { out: declaredInput(c) ?? x, params: 0 };
  if (cls === 'Dense') {
    const u = dim(c.units);
    return { out: relast(x, u), params: x.last * u + u };
  }
  if (cls === 'Embedding') {
    const d = dim(c.outputDim);
    return { out: { size: x.size * d, last: d }, params: dim(c.inputDim) * d };
  }
  if (cls === FIELD_EMBEDDING_CLASS_NAME) {
    // Several tables stacked: rows summed over the tables, one [batch, tables, d] output.
    const d = dim(c.outputDim);
    const rows = Array.isArray(c.inputDims) ? c.inputDims.reduce((s: number, v) => s + dim(v), 0) : 0;
    return { out: { size: xs.length * d, last: d }, params: rows * d };
  }
  if (cls in CONV_RANK) return convLayer(cls, c, x);
  if (cls in RNN_GATES) {
    const u = dim(c.units);
    const out = c.returnSequences === true ? relast(x, u) : { size: u, last: u };
    return { out, params: RNN_GATES[cls] * (x.last * u + u * u + 2 * u) };
  }
  if (cls === 'Bidirectional' || cls === 'TimeDistributed') {
    const inner = (c.layer ?? {}) as Obj;
    const r = countLayer(String(inner.className), (inner.config ?? {}) as Obj, xs, nested);
    if (cls === 'TimeDistributed') return { out: relast(x, r.out.last), params: r.params };
    return { out: relast(r.out, r.out.last * 2), params: 2 * r.params };
  }
  if (cls === 'BatchNormalization') return { out: x, params: 4 * x.last };
  if (cls === 'LayerNormalization') return { out: x, params: 2 * x.last };
  if (cls === 'PReLU') return { out: x, params: x.size };
  if (cls === 'Flatten') return { out: { size: x.size, last: x.size }, params: 0 };
  if (cls === 'Reshape') return { out: { size: product(c.targetShape), last: lastOf(c.targetShape) }, params: 0 };
  if (cls === 'RepeatVector') return { out: { size: x.size * dim(c.n), last: x.last }, params: 0 };
  if (cls === 'Permute') return { out: { size: x.size, last: x.size }, params: 0 };
  return { out: xs.length > 1 ? mergeLayer(cls, c, xs) : x, params: 0 };
}

/** Where the sizes of a topology are checked: the file's name and the running parameter count. */
interface Tally {
  fileName: string;
  params: number;
}

function refuse(fileName: string, what: string, limit: 'layerWidth' | 'modelParams', value: number): never {
  throw new StudioError(
    'MODEL_TOO_LARGE',
    `${what} in ${fileName}, more than the ${count(LIMITS[limit])} LIMITS.${limit} allows; this is not a model ` +
      `CTR Studio is meant for (or the file was edited), so export a smaller model, or raise LIMITS.${limit} in ` +
      'src/core/limits.ts and rebuild.',
    { value },
  );
}

const count = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));

/** Counts one layer, refusing a width or a running parameter total over its limit. */
function checkLayer(layer: Obj, xs: Width[], t: Tally, depth: number): Width {
  const cls = String(layer.className);
  const c = (layer.config && typeof layer.config === 'object' ? layer.config : {}) as Obj;
  const name = typeof c.name === 'string' ? c.name : typeof layer.name === 'string' ? layer.name : cls;
  const own = declaredInput(c);
  if (own && own.size > LIMITS.layerWidth) {
    refuse(
      t.fileName,
      `The input of layer ${shown(name)} declares ${count(own.size)} values per row`,
      'layerWidth',
      own.size,
    );
  }
  const inputs = xs.length > 0 ? xs : own ? [own] : [];
  const r = countLayer(cls, c, inputs, (m, ins) => ({ out: checkModel(m, ins, t, depth + 1), params: 0 }));
  if (!(r.out.size <= LIMITS.layerWidth)) {
    refuse(
      t.fileName,
      `The layer ${shown(name)} outputs ${count(r.out.size)} values per row`,
      'layerWidth',
      r.out.size,
    );
  }
  t.params += r.params;
  if (!(t.params <= LIMITS.modelParams)) {
    refuse(
      t.fileName,
      r.params === t.params
        ? `The layer ${shown(name)} declares ${count(r.params)} parameters`
        : `The layer ${shown(name)} declares ${count(r.params)} parameters, bringing the model to ${count(t.params)}`,
      'modelParams',
      t.params,
    );
  }
  return r.out;
}

/** The names of the layers feeding a functional layer's first call. */
function sources(layer: Obj): string[] {
  const nodes = Array.isArray(layer.inboundNodes) ? (layer.inboundNodes as unknown[]) : [];
  const first = Array.isArray(nodes[0]) ? (nodes[0] as unknown[]) : [];
  return first.map((d) => String(Array.isArray(d) ? d[0] : (d as Obj | null)?.name));
}

/**
 * Checks every layer of a (possibly nested) model config; returns the width of its (first) output. Functional
 * layers are taken in the order tfjs builds them (a layer once all the layers feeding it are built), so one
 * listed before its inputs is still counted from their widths.
 */
function checkModel(model: Obj, inputs: Width[], t: Tally, depth: number): Width {
  if (depth > 16) return inputs[0] ?? { size: 1, last: 1 };
  const cfg = (Array.isArray(model) || Array.isArray(model.layers) ? model : model.config) as
    | Obj
    | unknown[]
    | undefined;
  const layers = (Array.isArray(cfg) ? cfg : Array.isArray(cfg?.layers) ? cfg.layers : []).filter(
    (l): l is Obj => !!l && typeof l === 'object' && !Array.isArray(l),
  );
  const outputs = new Map<string, Width>();
  const nameOf = (l: Obj) => String(l.name ?? (l.config as Obj | undefined)?.name ?? '');
  let previous: Width[] = inputs;
  let firstInput = true;
  const visit = (layer: Obj, xs: Width[]) => {
    const out = checkLayer(layer, xs, t, depth);
    outputs.set(nameOf(layer), out);
    previous = [out];
  };
  let pending = layers;
  while (pending.length > 0) {
    const waiting: Obj[] = [];
    for (const layer of pending) {
      if (!('inboundNodes' in layer)) {
        visit(layer, previous); // Sequential: fed by the layer before (the first may declare its input)
        continue;
      }
      const from = sources(layer);
      if (from.some((f) => !outputs.has(f))) {
        waiting.push(layer);
        continue;
      }
      // A nested model's (first) input layer takes the outer inputs.
      const isInput = layer.className === 'InputLayer';
      visit(layer, from.length > 0 ? from.map((f) => outputs.get(f)!) : isInput && firstInput ? inputs : []);
      if (isInput) firstInput = false;
    }
    // No progress: the rest name layers that never exist (tfjs refuses those), so count them unfed.
    if (waiting.length === pending.length) {
      for (const layer of waiting) visit(layer, []);
      break;
    }
    pending = waiting;
  }
  const outNames = Array.isArray(cfg) ? [] : ((cfg?.outputLayers as unknown[] | undefined) ?? []);
  const named = Array.isArray(outNames[0]) ? outputs.get(String((outNames[0] as unknown[])[0])) : undefined;
  return named ?? previous[0] ?? { size: 1, last: 1 };
}

/**
 * Throws MODEL_TOO_LARGE, naming the layer and the number, when the topology declares a model input or layer
 * output wider than LIMITS.layerWidth values per row, or more than LIMITS.modelParams parameters in all.
 */
export function checkDeclaredSizes(topology: Record<string, unknown>, fileName = 'model.json'): void {
  checkModel(tfjsModelConfig(topology), [], { fileName, params: 0 }, 0);
}
