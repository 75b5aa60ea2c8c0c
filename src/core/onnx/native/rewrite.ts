/**
 * Puts ready-made factors into an ONNX graph, touching nothing else: a Dense unit's node becomes a MatMul by
 * the first factor (plus its bias, and the activation between the factors when asked) followed by a MatMul
 * (or, for a Gemm, a Gemm) by the second factor plus its bias; a table's Gathers read the thin table and
 * multiply by the up-projection. The last new node writes the replaced node's output, so every other node,
 * the graph's inputs and outputs, their names, types and dynamic axes, and the opset stay as they were.
 * Both factors always carry their bias, so the parameter count is what the plan said. Pure.
 */
import type { Replacement } from '../../compress/decomposition';
import { StudioError } from '../../errors';
import { encodeModel, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../onnx';
import { floatTensor } from '../tensors';
import { ONNX_METADATA_KEY, WRITTEN_BY } from './graph';
import { STUDIO_VERSION } from '../../version';
import type { DenseUnit, OnnxUnit, TableUnit } from './units';

type DenseRep = Extract<Replacement, { kind: 'dense' }>;
type TableRep = Extract<Replacement, { kind: 'embedding' }>;

/** Names in use, so new tensors and nodes never collide with the graph's own. */
class Names {
  private readonly used = new Set<string>();
  constructor(graph: GraphProto) {
    for (const t of graph.initializer) this.used.add(t.name);
    for (const n of graph.node) {
      this.used.add(n.name);
      for (const o of n.output) this.used.add(o);
    }
    for (const v of [...graph.input, ...graph.output]) this.used.add(v.name);
  }
  fresh(base: string): string {
    let n = base;
    for (let i = 2; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }
}

const node = (
  opType: string,
  name: string,
  input: string[],
  output: string[],
  attribute: NodeProto['attribute'] = [],
): NodeProto => ({
  opType,
  name,
  domain: '',
  input,
  output,
  attribute,
});

/** Transposes a row-major rows×cols matrix. */
function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

interface Emit {
  names: Names;
  inits: TensorProto[];
}

function addInit(e: Emit, base: string, dims: number[], values: Float32Array): string {
  const name = e.names.fresh(base);
  e.inits.push(floatTensor(name, dims, values));
  return name;
}

/** The nodes replacing a Dense unit's node; the last writes the node's output. */
function denseNodes(u: DenseUnit, r: DenseRep, e: Emit): NodeProto[] {
  const k = r.rank;
  const at = u.node.name || u.weight;
  const x = u.node.input[u.orientation === 'left' ? 1 : 0];
  const out = u.node.output[0];
  const left = u.orientation === 'left';
  const a = left
    ? addInit(e, `${u.weight}.factor_a`, [k, u.dIn], transposed(r.first.kernel, u.dIn, k))
    : addInit(e, `${u.weight}.factor_a`, [u.dIn, k], r.first.kernel);
  const aBias = addInit(e, `${u.weight}.factor_a_bias`, left ? [k, 1] : [k], r.first.bias);
  const h1 = e.names.fresh(`${at}/factor_a_output`);
  const h1b = e.names.fresh(`${at}/factor_a_bias_output`);
  const nodes = [
    node('MatMul', e.names.fresh(`${at}/factor_a`), left ? [a, x] : [x, a], [h1]),
    node('Add', e.names.fresh(`${at}/factor_a_bias`), [h1, aBias], [h1b]),
  ];
  let h = h1b;
  if (r.activationBetween) {
    if (r.activationBetween !== 'relu') {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `An ONNX graph takes only ReLU between factors, not ${r.activationBetween}.`,
      );
    }
    h = e.names.fresh(`${at}/factor_relu_output`);
    nodes.push(node('Relu', e.names.fresh(`${at}/factor_relu`), [h1b], [h]));
  }
  const bDims = left ? [u.dOut, k] : [k, u.dOut];
  const b = addInit(e, `${u.weight}.factor_b`, bDims, left ? transposed(r.second.kernel, k, u.dOut) : r.second.kernel);
  const bBias = addInit(e, `${u.weight}.factor_b_bias`, left ? [u.dOut, 1] : [u.dOut], r.second.bias);
  if (u.orientation === 'gemm') {
    nodes.push(node('Gemm', e.names.fresh(`${at}/factor_b`), [h, b, bBias], [out]));
    return nodes;
  }
  const h2 = e.names.fresh(`${at}/factor_b_output`);
  nodes.push(node('MatMul', e.names.fresh(`${at}/factor_b`), left ? [b, h] : [h, b], [h2]));
  nodes.push(node('Add', e.names.fresh(`${at}/factor_b_bias`), [h2, bBias], [out]));
  return nodes;
}

/** The nodes replacing one Gather of a table: the thin table's rows, up-projected. */
function gatherNodes(u: TableUnit, gather: NodeProto, thin: string, up: string, upBias: string, e: Emit): NodeProto[] {
  const at = gather.name || u.weight;
  const z = e.names.fresh(`${at}/thin_output`);
  const y = e.names.fresh(`${at}/up_output`);
  return [
    node('Gather', e.names.fresh(`${at}/thin`), [thin, gather.input[1]], [z], gather.attribute),
    node('MatMul', e.names.fresh(`${at}/up`), [z, up], [y]),
    node('Add', e.names.fresh(`${at}/up_bias`), [y, upBias], [gather.output[0]]),
  ];
}

/** The rewritten model (a new object: the given one is not modified) with its metadata, as bytes. */
export function rewriteOnnx(
  model: ModelProto,
  units: Map<string, OnnxUnit>,
  replacements: Replacement[],
  userDefinedMetadata?: Record<string, unknown>,
): ModelProto {
  const graph = model.graph;
  const e: Emit = { names: new Names(graph), inits: [] };
  const replaced = new Map<NodeProto, NodeProto[]>();
  const dropped = new Set<string>();
  for (const r of replacements) {
    const u = units.get(r.layer);
    if (!u || u.kind !== r.kind) throw new StudioError('INTERNAL', `The ONNX graph has no ${r.kind} layer ${r.layer}.`);
    dropped.add(u.weight);
    if (u.kind === 'dense') {
      replaced.set(u.node, denseNodes(u, r as DenseRep, e));
      if (u.bias) dropped.add(u.bias);
      continue;
    }
    const t = r as TableRep;
    const thin = addInit(e, `${u.weight}.thin`, [u.vocab, t.rank], t.table);
    const up = addInit(e, `${u.weight}.up`, [t.rank, u.dim], t.up.kernel);
    const upBias = addInit(e, `${u.weight}.up_bias`, [u.dim], t.up.bias);
    for (const g of u.nodes) replaced.set(g, gatherNodes(u, g, thin, up, upBias, e));
  }
  const nodes = graph.node.flatMap((n) => replaced.get(n) ?? [n]);
  const stillRead = new Set(nodes.flatMap((n) => n.input));
  const keep = (name: string) => !dropped.has(name) || stillRead.has(name);
  const metadataProps = (model.metadataProps ?? []).filter((p) => p.key !== ONNX_METADATA_KEY);
  if (userDefinedMetadata) metadataProps.push({ key: ONNX_METADATA_KEY, value: JSON.stringify(userDefinedMetadata) });
  return {
    ...model,
    producerName: WRITTEN_BY,
    producerVersion: STUDIO_VERSION,
    metadataProps,
    graph: {
      ...graph,
      node: nodes,
      initializer: [...graph.initializer.filter((t) => keep(t.name)), ...e.inits],
      input: graph.input.filter((i) => keep(i.name)),
    },
  };
}

/** The model as bytes with new metadata (nothing else changed). */
export function withMetadata(model: ModelProto, userDefinedMetadata: Record<string, unknown> | undefined): Uint8Array {
  return encodeModel(rewriteOnnx(model, new Map(), [], userDefinedMetadata));
}
