/**
 * ONNX (as torch.onnx.export writes it) → a tfjs layers-model (ModelArtifacts in the Keras JSON format tfjs
 * saves): Gather on a table → Embedding, Gemm/MatMul(+Add bias)(+activation) → Dense, the FM interaction →
 * FMInteraction, shape operators → Concatenate/Flatten/Reshape, the rest of the element-wise algebra → small
 * registered Onnx* layers. Every unsupported operator is named, with its node, in one error sentence. Pure:
 * bytes in, artifacts out; src/tf/modelio.ts loads them.
 */
import { StudioError } from '../errors';
import { encodeWeights } from '../layers/weights';
import type { ModelArtifacts } from '../layers/artifacts';
import { ImportContext, sanitizeName, type Issue } from './context';
import { METADATA_KEY } from './export';
import { findFmPatterns, fmShapesFit, type FmMatch } from './fmPattern';
import type { Const } from './fold';
import {
  decodeModel,
  DT,
  NestingError,
  nestingError,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type ValueInfoProto,
} from './onnx';
import { emitFm, MATH_OPS } from './opsMath';
import { constantNodeValue, constOf, TENSOR_OPS, type Converter } from './opsTensor';
import { ProtoError } from './protobuf';
import { checkFiniteInitializers } from './tensors';

const CONVERTERS: Record<string, Converter> = { ...TENSOR_OPS, ...MATH_OPS };

/** ONNX operator types the importer converts (in some form; see the error for forms it refuses). */
export const SUPPORTED_ONNX_OPS = Object.keys(CONVERTERS).sort();

const STANDARD_DOMAINS = new Set(['', 'ai.onnx']);

function notOnnx(fileName: string, why: string): StudioError {
  return new StudioError(
    'MODEL_NOT_LAYERS',
    `${fileName} is not a readable ONNX model (${why}); export it again with ` +
      `torch.onnx.export or check that the file is complete.`,
  );
}

/** "A (node x), B with transA=1 (nodes y, z)" in one phrase, grouped by op and reason. */
function describeIssues(issues: Issue[]): string {
  const groups = new Map<string, string[]>();
  for (const i of issues) {
    const key = i.reason ? `${i.op} ${i.reason}` : i.op;
    groups.set(key, [...(groups.get(key) ?? []), i.node]);
  }
  const parts = [...groups].map(([key, nodes]) => {
    const shown = nodes.slice(0, 3).join(', ') + (nodes.length > 3 ? ` and ${nodes.length - 3} more` : '');
    return `${key} (node${nodes.length > 1 ? 's' : ''} ${shown})`;
  });
  const listed = parts.slice(0, 6);
  if (parts.length > 6) listed.push(`${parts.length - 6} more`);
  return listed.length === 1 ? listed[0] : `${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]}`;
}

function unsupported(fileName: string, issues: Issue[]): StudioError {
  return new StudioError(
    'MODEL_UNKNOWN_LAYER',
    `The ONNX graph in ${fileName} uses ${describeIssues(issues)}, which CTR Studio ` +
      `cannot convert; export only the model's CTR part (embedding lookups, FM, MLP ` +
      `with ${SUPPORTED_ONNX_OPS.join('/')}) or replace those operations before ` +
      `exporting.`,
    { issues },
  );
}

/** Nodes in an order where every node follows the producers of its inputs (ONNX requires it; be lenient). */
function topoOrder(nodes: NodeProto[], fileName: string): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => o && producer.set(o, i)));
  const state = new Uint8Array(nodes.length); // 0 new, 1 visiting, 2 done
  const out: NodeProto[] = [];
  // Depth-first with an explicit stack (a chain of 100,000 nodes would overflow the call stack): each entry is a
  // node and the index of the next input to follow.
  const stack: [number, number][] = [];
  for (let start = 0; start < nodes.length; start++) {
    if (state[start] === 2) continue;
    state[start] = 1;
    stack.push([start, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [i, next] = top;
      if (next < nodes[i].input.length) {
        top[1]++;
        const p = producer.get(nodes[i].input[next]);
        if (p === undefined || state[p] === 2) continue;
        if (state[p] === 1)
          throw notOnnx(fileName, `the graph has a cycle through node ${nodes[p].name || nodes[p].opType}`);
        state[p] = 1;
        stack.push([p, 0]);
        continue;
      }
      stack.pop();
      state[i] = 2;
      out.push(nodes[i]);
    }
  }
  return out;
}

function parse(bytes: Uint8Array, fileName: string): ModelProto {
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    if (e instanceof NestingError) throw nestingError(fileName, e);
    throw notOnnx(fileName, e instanceof ProtoError ? e.message : String(e));
  }
  if (!model.irVersion || model.graph.output.length === 0) throw notOnnx(fileName, 'no ONNX graph with outputs in it');
  checkFiniteInitializers(model.graph, fileName);
  return model;
}

/** Converts an ONNX model to layers-model artifacts; throws a StudioError naming everything it cannot convert. */
export function importOnnx(bytes: Uint8Array, fileName = 'model.onnx'): ModelArtifacts {
  const model = parse(bytes, fileName);
  const graph = model.graph;
  const opset = model.opsetImport.find((o) => STANDARD_DOMAINS.has(o.domain))?.version;
  if (!opset) throw notOnnx(fileName, 'it imports no version of the standard ONNX operator set');

  checkKnownOps(graph, fileName);
  const { consumers, producer } = linkNodes(graph);
  const initNames = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((v) => !initNames.has(v.name));
  const batches = inputs.map((v) => v.type?.shape?.[0]?.value).filter((v): v is number => v !== undefined);
  const staticBatch = batches.length > 0 && batches.every((b) => b === batches[0]) ? batches[0] : null;
  const ctx = new ImportContext(opset, consumers, new Set(graph.output.map((o) => o.name)), staticBatch);

  readInitializers(ctx, graph);
  const { inputInfo, inputLayers } = declareInputs(ctx, inputs);
  convertNodes(ctx, graph, producer, consumers, fileName);
  const outputLayers = collectOutputs(ctx, graph, producer);
  if (ctx.issues.length > 0) throw unsupported(fileName, ctx.issues);

  const weights = encodeWeights(ctx.weights);
  const carried = carriedMetadata(model);
  return {
    modelTopology: {
      class_name: 'Model',
      config: {
        name: sanitizeName(graph.name || fileName.replace(/\.onnx$/i, '') || 'onnx_model'),
        layers: ctx.layers,
        input_layers: inputLayers,
        output_layers: outputLayers,
      },
      backend: 'tensor_flow.js',
    },
    ...weights,
    format: 'layers-model',
    generatedBy: 'CTR Studio ONNX import',
    convertedBy: `${model.producerName || 'unknown producer'} ${model.producerVersion}`.trim(),
    userDefinedMetadata: {
      ...carried,
      onnxImport: {
        fileName,
        producer: model.producerName,
        producerVersion: model.producerVersion,
        irVersion: model.irVersion,
        opset,
        inputs: inputInfo,
        outputs: graph.output.map((o) => o.name),
        // Initializers no node reads (harmless, but a sign the file holds more than the graph computes).
        unusedInitializers: graph.initializer.map((t) => t.name).filter((n) => !consumers.has(n)),
      },
    },
  };
}

/** Throws for nodes of operator types no converter knows (all reported together) and for sparse initializers. */
function checkKnownOps(graph: GraphProto, fileName: string): void {
  // Unknown operator types first: they alone make conversion pointless, so they are reported together.
  const unknown = graph.node.filter((n) => !STANDARD_DOMAINS.has(n.domain) || !CONVERTERS[n.opType]);
  if (unknown.length > 0)
    throw unsupported(
      fileName,
      unknown.map((n) => ({
        op: STANDARD_DOMAINS.has(n.domain) ? n.opType : `${n.domain}:${n.opType}`,
        node: n.name || n.output[0],
      })),
    );
  if (graph.sparseInitializers)
    throw unsupported(fileName, [{ op: 'sparse initializer', node: graph.name || 'graph' }]);
}

/** The nodes consuming each tensor name, and the node producing it. */
function linkNodes(graph: GraphProto): { consumers: Map<string, NodeProto[]>; producer: Map<string, NodeProto> } {
  const consumers = new Map<string, NodeProto[]>();
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node) {
    n.input.forEach((i) => i && !consumers.get(i)?.includes(n) && consumers.set(i, [...(consumers.get(i) ?? []), n]));
    n.output.forEach((o) => o && producer.set(o, n));
  }
  return { consumers, producer };
}

/** Records every initializer as a constant; one whose values cannot be read is an issue. */
function readInitializers(ctx: ImportContext, graph: GraphProto): void {
  for (const t of graph.initializer) {
    try {
      ctx.setConst(t.name, constOf(t));
    } catch (e) {
      ctx.issues.push({
        op: 'initializer',
        node: t.name,
        reason: `whose values cannot be read (${(e as Error).message})`,
      });
    }
  }
}

/**
 * Declares the graph inputs as InputLayers: ids (any integer type) become int32 inputs, floats float32; names
 * sanitised for tfjs. Returns what each input became and the model's input layers.
 */
function declareInputs(
  ctx: ImportContext,
  inputs: ValueInfoProto[],
): { inputInfo: { onnx: string; tfjs: string; dtype: string }[]; inputLayers: [string, number, number][] } {
  const inputInfo: { onnx: string; tfjs: string; dtype: string }[] = [];
  const inputLayers: [string, number, number][] = [];
  for (const v of inputs) {
    const t = v.type;
    const int =
      t &&
      [DT.INT64, DT.INT32, DT.INT16, DT.INT8, DT.UINT8, DT.UINT16, DT.UINT32, DT.UINT64].includes(t.elemType as never);
    const float = t && [DT.FLOAT, DT.DOUBLE, DT.FLOAT16].includes(t.elemType as never);
    if (!t || t.nonTensor || !t.shape || t.shape.length === 0 || (!int && !float)) {
      ctx.issues.push({
        op: 'input',
        node: v.name,
        reason:
          t?.shape?.length === 0 ? 'without a batch axis' : 'that is not an integer or float tensor with a known rank',
      });
      continue;
    }
    const name = ctx.name(v.name);
    const shape = [null, ...t.shape.slice(1).map((d) => d.value ?? null)];
    // tfjs predict() turns a rank-1 input into [n, 1]: such an input is declared [batch, 1], then reshaped.
    const declared = shape.length === 1 ? [null, 1] : shape;
    ctx.layers.push({
      name,
      class_name: 'InputLayer',
      config: { batch_input_shape: declared, dtype: int ? 'int32' : 'float32', sparse: false, name },
      inbound_nodes: [],
    });
    const ref =
      shape.length === 1
        ? ctx.addLayer(ctx.name(`${name}_vector`), 'Reshape', { target_shape: [] }, [[name, 0, 0]])
        : ([name, 0, 0] as [string, number, number]);
    ctx.setTensor(v.name, ref, shape, !!int);
    inputLayers.push([name, 0, 0]);
    inputInfo.push({ onnx: v.name, tfjs: name, dtype: int ? 'int32' : 'float32' });
  }
  return { inputInfo, inputLayers };
}

/**
 * Converts the nodes in dependency order, FM subgraphs (matched on the structure) as one FMInteraction where
 * their shapes fit; then every constant a converted node reads must have been taken as a weight or parameter.
 */
function convertNodes(
  ctx: ImportContext,
  graph: GraphProto,
  producer: Map<string, NodeProto>,
  consumers: Map<string, NodeProto[]>,
  fileName: string,
): void {
  const opset = ctx.opset;
  // FM subgraphs, matched on the structure; constants here are initializers and Constant nodes.
  const preConst = (name: string): Const | undefined => {
    const v = ctx.values.get(name);
    if (v?.kind === 'const') return v.c;
    const p = producer.get(name);
    try {
      return p?.opType === 'Constant' ? constantNodeValue(p) : undefined;
    } catch {
      return undefined;
    }
  };
  const matches = findFmPatterns(graph.node, {
    producer,
    consumers,
    outputs: ctx.graphOutputs,
    constOf: preConst,
    opset,
  });
  const inFm = new Map<NodeProto, FmMatch>();
  for (const m of matches) for (const n of m.nodes) inFm.set(n, m);

  const order = topoOrder(graph.node, fileName);
  const converted: NodeProto[] = [];
  const convert = (node: NodeProto) => {
    if (ctx.skip.has(node)) return;
    const missing = node.input.filter((i) => i && !ctx.values.has(i));
    if (missing.length > 0) {
      // Inputs of a failed node are already reported; an input nothing produces is a broken graph.
      const orphan = missing.find((i) => !producer.has(i));
      if (orphan) ctx.fail(node, `reading ${orphan}, which no node, input or initializer provides`);
      return;
    }
    const before = ctx.issues.length;
    CONVERTERS[node.opType](ctx, node);
    if (ctx.issues.length === before) converted.push(node);
  };
  for (const node of order) {
    const m = inFm.get(node);
    if (!m) convert(node);
    else if (node === m.last && !emitFm(ctx, m, (rank) => fmShapesFit(m, rank))) {
      // Not FMInteraction after all (other shapes): convert the subgraph node by node.
      order.filter((n) => m.nodes.has(n)).forEach(convert);
    }
  }

  // Every constant a converted node reads must have been taken as a weight or parameter.
  for (const node of converted) {
    for (const i of node.input) {
      const v = ctx.value(i);
      if (v?.kind === 'const' && !ctx.used.has(v.source)) ctx.fail(node, `ignoring its constant input ${i}`);
    }
  }
}

/** The layer outputs the graph outputs map to; an output that is a constant or that nothing computes is an issue. */
function collectOutputs(
  ctx: ImportContext,
  graph: GraphProto,
  producer: Map<string, NodeProto>,
): [string, number, number][] {
  const outputLayers: [string, number, number][] = [];
  for (const o of graph.output) {
    const v = ctx.value(o.name);
    if (v?.kind === 'tensor') outputLayers.push(v.ref);
    else if (v?.kind === 'const') ctx.issues.push({ op: 'output', node: o.name, reason: 'that is a constant' });
    else if (!producer.has(o.name) && ctx.issues.length === 0)
      ctx.issues.push({ op: 'output', node: o.name, reason: 'that nothing computes' });
  }
  return outputLayers;
}

/** The tfjs metadata (feature encoding, recipe) a model this studio exported carries, or {} when there is none. */
function carriedMetadata(model: ModelProto): Record<string, unknown> {
  let carried: Record<string, unknown> = {};
  const meta = model.metadataProps?.find((p) => p.key === METADATA_KEY);
  try {
    const parsed = meta ? JSON.parse(meta.value) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) carried = parsed;
  } catch {
    // Not ours, or damaged: the model converts the same without it.
  }
  return carried;
}
