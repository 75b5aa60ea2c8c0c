/**
 * A converted (tfjs-form) Keras model, Sequential or Functional, as one graph form: layers with their calls,
 * each call a list of tensor references, and the model's inputs and outputs. References to a nested model
 * count its calls from 0 here, whatever the file did (Keras gives a nested model with an InputLayer a first
 * node of its own, so files count its calls from 1). Pure.
 */
import { MODEL_CLASSES, isObj, type Json } from './config';

/** [layer, call, tensor, call kwargs]. */
export type Ref = [string, number, number, Json];

/** One layer of a graph. */
export interface GraphLayer {
  name: string;
  entry: Json;
  /** True for a nested Sequential/Functional model. */
  isModel: boolean;
  isInput: boolean;
  calls: Ref[][];
}

/** A model as a graph. */
export interface ModelGraph {
  name: string;
  layers: GraphLayer[];
  inputs: Ref[];
  outputs: Ref[];
}

export const entryName = (l: Json): string =>
  typeof l.name === 'string' ? l.name : String((l.config as Json | undefined)?.name ?? l.class_name);

const toRef = (v: unknown): Ref => {
  const a = v as unknown[];
  return [String(a[0]), Number(a[1] ?? 0), Number(a[2] ?? 0), isObj(a[3]) ? a[3] : {}];
};

/** Model inputs/outputs: one [name, node, tensor] or a list of them. */
function refs(v: unknown): Ref[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [toRef(v)];
  return v.map(toRef);
}

/** The graph of a Sequential: a chain from its InputLayer (or from a made-up one named `<model>_input`). */
function sequentialGraph(name: string, entries: Json[]): ModelGraph {
  const layers: GraphLayer[] = [];
  let prev: Ref | null = null;
  const inputs: Ref[] = [];
  for (const e of entries) {
    const lname = entryName(e);
    const isModel = MODEL_CLASSES.has(e.class_name as string);
    if (e.class_name === 'InputLayer' && prev === null) {
      layers.push({ name: lname, entry: e, isModel: false, isInput: true, calls: [] });
      prev = [lname, 0, 0, {}];
      inputs.push(prev);
      continue;
    }
    if (prev === null) {
      const cfg = (e.config ?? {}) as Json;
      const input = `${name}_input`;
      const inputConfig: Json = { name: input, dtype: cfg.dtype ?? 'float32', sparse: false };
      if (Array.isArray(cfg.batch_input_shape)) inputConfig.batch_input_shape = cfg.batch_input_shape;
      layers.push({
        name: input,
        entry: { class_name: 'InputLayer', config: inputConfig },
        isModel: false,
        isInput: true,
        calls: [],
      });
      prev = [input, 0, 0, {}];
      inputs.push(prev);
    }
    layers.push({ name: lname, entry: e, isModel, isInput: false, calls: [[prev]] });
    prev = [lname, 0, 0, {}];
  }
  return { name, layers, inputs, outputs: prev ? [prev] : [] };
}

/**
 * How far a file's references to nested model `m` are ahead of its call index: 1 when the highest node any
 * reference names is one past its last call (Keras' extra first node), else 0.
 */
function nodeOffset(m: GraphLayer, all: Ref[]): number {
  const nodes = all.filter((r) => r[0] === m.name).map((r) => r[1]);
  if (nodes.length === 0) return m.calls.length > 0 ? 1 : 0;
  return Math.max(...nodes) >= m.calls.length ? 1 : 0;
}

/** The graph of a Functional: its layers, calls and refs as written, nested-model refs counted from 0. */
function functionalGraph(name: string, config: Json): ModelGraph {
  const layers: GraphLayer[] = ((config.layers as Json[]) ?? []).map((e) => ({
    name: entryName(e),
    entry: e,
    isModel: MODEL_CLASSES.has(e.class_name as string),
    isInput: e.class_name === 'InputLayer',
    calls: ((e.inbound_nodes as unknown[][]) ?? []).map((node) => node.map(toRef)),
  }));
  const inputs = refs(config.input_layers);
  const outputs = refs(config.output_layers);
  const all = [...layers.flatMap((l) => l.calls.flat()), ...outputs];
  for (const m of layers.filter((l) => l.isModel)) {
    const offset = nodeOffset(m, all);
    if (offset > 0) for (const r of all) if (r[0] === m.name) r[1] -= offset;
  }
  return { name, layers, inputs, outputs };
}

/** A converted model's graph. */
export function graphOf(model: Json): ModelGraph {
  const config = (model.config ?? {}) as Json;
  const name = typeof config.name === 'string' ? config.name : entryName(model);
  const entries = (config.layers as Json[]) ?? [];
  return model.class_name === 'Sequential' ? sequentialGraph(name, entries) : functionalGraph(name, config);
}

/** True when a converted model holds a nested model at any depth. */
export function hasNestedModels(model: Json): boolean {
  const entries = ((model.config as Json | undefined)?.layers as Json[]) ?? [];
  return entries.some((e) => MODEL_CLASSES.has(e.class_name as string));
}
