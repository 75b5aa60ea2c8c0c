/**
 * A tfjs / Keras layers-model topology (model.json's modelTopology) as a graph: layers by name, the tensors
 * each call of a layer reads, who reads each layer's output, and the model's inputs and outputs. A Sequential
 * model becomes the equivalent functional graph, so the rewriter only ever handles one form. Pure: plain JSON.
 */
import { StudioError } from '../errors';

/** One tensor a layer call reads: output `tensor` of call `node` of layer `layer` (plus call kwargs). */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
  /** Keyword arguments of the call (the 4th inbound entry); kept verbatim, absent in old files. */
  kwargs?: Record<string, unknown>;
}

/** One layer of the graph. */
export interface LayerNode {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** One list of input tensors per call of the layer; more than one call means a shared (reused) layer. */
  inbound: TensorRef[][];
  /** Keys of the layer's JSON other than name/class_name/config/inbound_nodes, kept verbatim. */
  extra: Record<string, unknown>;
}

/** A reader of a layer's output: call `node` of layer `layer` reads it as input number `slot`. */
export interface Consumer {
  layer: string;
  node: number;
  slot: number;
  ref: TensorRef;
}

/** A functional layers-model graph. */
export interface LayerGraph {
  /** Top-level class: 'Model' or 'Functional' ('Model' for a converted Sequential). */
  className: string;
  name: string;
  /** Layers in file order (tfjs builds them in this order). */
  layers: LayerNode[];
  byName: Map<string, LayerNode>;
  inputs: TensorRef[];
  outputs: TensorRef[];
  /** Readers of each layer's outputs, over all its calls. */
  consumers: Map<string, Consumer[]>;
  /** True when the file held a Sequential model (the graph is its functional equivalent). */
  fromSequential: boolean;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(why: string): StudioError {
  return new StudioError(
    'MODEL_NOT_LAYERS',
    `The model topology cannot be read (${why}); export the model again with tfjs ` +
      `model.save or tensorflowjs_converter.`,
  );
}

/** The model description itself: Keras-converted files wrap it in {model_config, training_config}. */
export function modelConfigOf(modelTopology: Json): Json {
  return isObject(modelTopology.model_config) ? modelTopology.model_config : modelTopology;
}

function parseRef(entry: unknown): TensorRef {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string')
    throw invalid(`bad inbound entry ${JSON.stringify(entry)}`);
  const ref: TensorRef = { layer: entry[0], node: Number(entry[1] ?? 0), tensor: Number(entry[2] ?? 0) };
  if (entry.length > 3) ref.kwargs = (entry[3] ?? {}) as Record<string, unknown>;
  return ref;
}

function parseLayer(json: unknown): LayerNode {
  if (!isObject(json) || typeof json.class_name !== 'string' || !isObject(json.config))
    throw invalid('a layer without class_name or config');
  const { name, class_name: className, config, inbound_nodes: inbound, ...extra } = json;
  const layerName = typeof name === 'string' ? name : (config as Json).name;
  if (typeof layerName !== 'string') throw invalid(`a ${className} layer without a name`);
  const nodes = Array.isArray(inbound) ? inbound : [];
  return {
    name: layerName,
    className: className as string,
    config: config as Json,
    inbound: nodes.map((n) => {
      if (!Array.isArray(n)) throw invalid(`layer ${layerName} has inbound nodes in an unsupported (Keras 3) format`);
      return n.map(parseRef);
    }),
    extra,
  };
}

function parseRefList(list: unknown): TensorRef[] {
  if (!Array.isArray(list)) return [];
  // Keras writes a single [name, node, tensor] instead of a list of them when there is one input/output.
  if (list.length > 0 && typeof list[0] === 'string') return [parseRef(list)];
  return list.map(parseRef);
}

/** Sequential → functional: an InputLayer (existing or made from the first layer's input shape), then a chain. */
function sequentialLayers(config: unknown): {
  name: string;
  layers: LayerNode[];
  inputs: TensorRef[];
  outputs: TensorRef[];
} {
  const list = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : null;
  if (!list || list.length === 0) throw invalid('a Sequential model without layers');
  const name = isObject(config) && typeof config.name === 'string' ? config.name : 'sequential';
  const seq = list.map(parseLayer);
  const layers: LayerNode[] = [];
  let prev: string;
  if (seq[0].className === 'InputLayer') {
    layers.push(seq.shift()!);
    prev = layers[0].name;
  } else {
    const first = seq[0].config;
    let batchShape = first.batch_input_shape as unknown[] | undefined;
    if (!Array.isArray(batchShape) && Array.isArray(first.input_shape))
      batchShape = [first.batch_size ?? null, ...(first.input_shape as unknown[])];
    if (!Array.isArray(batchShape))
      throw invalid(`the first layer ${seq[0].name} of the Sequential model has no input shape`);
    // tfjs names the implicit input of a Sequential model `${first}_input`; the same name keeps files familiar.
    prev = uniqueName(`${seq[0].name}_input`, new Set(seq.map((l) => l.name)));
    layers.push({
      name: prev,
      className: 'InputLayer',
      config: { batch_input_shape: batchShape, dtype: first.dtype ?? 'float32', sparse: false, name: prev },
      inbound: [],
      extra: {},
    });
  }
  const inputs = [{ layer: prev, node: 0, tensor: 0 }];
  for (const layer of seq) {
    layer.inbound = [[{ layer: prev, node: 0, tensor: 0, kwargs: {} }]];
    layers.push(layer);
    prev = layer.name;
  }
  return { name, layers, inputs, outputs: [{ layer: prev, node: 0, tensor: 0 }] };
}

/** A name not in `taken`: `base`, else `base_2`, `base_3`, ... */
export function uniqueName(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** Builds the consumer index and name map of a list of layers. */
export function indexGraph(base: Omit<LayerGraph, 'byName' | 'consumers'>): LayerGraph {
  const byName = new Map<string, LayerNode>();
  const consumers = new Map<string, Consumer[]>();
  for (const layer of base.layers) {
    if (byName.has(layer.name)) throw invalid(`two layers are named ${layer.name}`);
    byName.set(layer.name, layer);
    consumers.set(layer.name, []);
  }
  for (const layer of base.layers) {
    layer.inbound.forEach((refs, node) =>
      refs.forEach((ref, slot) => {
        const list = consumers.get(ref.layer);
        if (!list) throw invalid(`layer ${layer.name} reads an unknown layer ${ref.layer}`);
        list.push({ layer: layer.name, node, slot, ref });
      }),
    );
  }
  for (const ref of [...base.inputs, ...base.outputs])
    if (!byName.has(ref.layer)) throw invalid(`the model names an unknown input/output layer ${ref.layer}`);
  return { ...base, byName, consumers };
}

/** Parses a layers-model topology (Model, Functional or Sequential) into a functional graph. Never mutates it. */
export function parseTopology(modelTopology: Json): LayerGraph {
  const top = structuredClone(modelConfigOf(modelTopology));
  const className = top.class_name;
  if (className === 'Sequential') {
    const seq = sequentialLayers(top.config);
    return indexGraph({ className: 'Model', fromSequential: true, ...seq });
  }
  if (className !== 'Model' && className !== 'Functional')
    throw invalid(`top-level class ${String(className)} is not Model, Functional or Sequential`);
  const config = top.config;
  if (!isObject(config) || !Array.isArray(config.layers)) throw invalid('the model has no layer list');
  return indexGraph({
    className,
    name: typeof config.name === 'string' ? config.name : 'model',
    layers: config.layers.map(parseLayer),
    inputs: parseRefList(config.input_layers),
    outputs: parseRefList(config.output_layers),
    fromSequential: false,
  });
}

/** True when a layer is called more than once (a shared layer: its weights serve several call sites). */
export function isShared(layer: LayerNode): boolean {
  return layer.inbound.length > 1;
}

/** True when some model output is an output of this layer. */
export function isModelOutput(graph: LayerGraph, layer: string): boolean {
  return graph.outputs.some((o) => o.layer === layer);
}

const refJson = (r: TensorRef) => (r.kwargs ? [r.layer, r.node, r.tensor, r.kwargs] : [r.layer, r.node, r.tensor, {}]);

/**
 * The graph as a modelTopology in the functional format tfjs reads, keeping the original's other top-level
 * keys (keras_version, backend, training_config, the model_config wrapper).
 */
export function serializeTopology(graph: LayerGraph, original: Json): Json {
  const layers = graph.layers.map((l) => ({
    ...structuredClone(l.extra),
    name: l.name,
    class_name: l.className,
    config: structuredClone(l.config),
    inbound_nodes: l.inbound.map((refs) => refs.map(refJson)),
  }));
  const model: Json = {
    class_name: graph.className,
    config: {
      name: graph.name,
      layers,
      input_layers: graph.inputs.map((r) => [r.layer, r.node, r.tensor]),
      output_layers: graph.outputs.map((r) => [r.layer, r.node, r.tensor]),
    },
  };
  if (isObject(original.model_config))
    return { ...structuredClone(original), model_config: { ...structuredClone(original.model_config), ...model } };
  const { class_name: _c, config: _k, ...rest } = original;
  return { ...model, ...structuredClone(rest) };
}
