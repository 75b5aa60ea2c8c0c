/**
 * The compressible layers of an ONNX graph run as it is: every float matrix initializer that one MatMul or
 * Gemm multiplies (a Dense layer), and every float table that Gather nodes look up along axis 0 (an
 * embedding table, possibly read by several Gathers). Anything else is left as it is. Each gets a readable
 * name from the PyTorch module path in its initializer or node name. Pure.
 */
import {
  denseBreakEven,
  embeddingBreakEven,
  type DenseInfo,
  type EmbeddingInfo,
  type LayerInfo,
} from '../../compress/inventory';
import type { NodeProto } from '../onnx';
import { DT } from '../tensors';
import type { OnnxGraph } from './graph';

/** Where the weight sits: x·W (right), W·x on column vectors (left), or a Gemm's B. */
export type DenseOrientation = 'right' | 'left' | 'gemm';

export interface DenseUnit {
  kind: 'dense';
  name: string;
  weight: string;
  node: NodeProto;
  orientation: DenseOrientation;
  dIn: number;
  dOut: number;
  /** Gemm only: Y = alpha·A·B' + beta·C. */
  alpha: number;
  beta: number;
  transB: boolean;
  /** Gemm only: the bias initializer C, when there is one. */
  bias?: string;
}

export interface TableUnit {
  kind: 'embedding';
  name: string;
  weight: string;
  nodes: NodeProto[];
  vocab: number;
  dim: number;
}

export type OnnxUnit = DenseUnit | TableUnit;

const attr = (node: NodeProto, name: string) => node.attribute.find((a) => a.name === name);
const intOf = (node: NodeProto, name: string, def: number) => attr(node, name)?.i ?? def;
const floatOf = (node: NodeProto, name: string, def: number) => attr(node, name)?.f ?? def;

/** A PyTorch-style name for a unit: the module path of its weight, else its node's scope. */
function readableName(weight: string, node: NodeProto): string {
  if (/^[\w.]+\.(weight|kernel)$/.test(weight)) return weight.replace(/\.(weight|kernel)$/, '');
  const scope = node.name.replace(/^\//, '').replace(/\/[^/]*$/, '');
  return scope || node.name || weight;
}

/** The dense use of a 2-D weight by one node, or why it cannot be factored. */
function denseUse(g: OnnxGraph, weight: string, node: NodeProto, slot: number): DenseUnit | string {
  const dims = g.initializers.get(weight)!.dims;
  const base = {
    kind: 'dense' as const,
    name: readableName(weight, node),
    weight,
    node,
    alpha: 1,
    beta: 1,
    transB: false,
  };
  if (node.opType === 'MatMul') {
    return slot === 1
      ? { ...base, orientation: 'right', dIn: dims[0], dOut: dims[1] }
      : { ...base, orientation: 'left', dIn: dims[1], dOut: dims[0] };
  }
  if (slot !== 1) return 'its Gemm reads it as the left operand';
  if (intOf(node, 'transA', 0) !== 0) return 'its Gemm transposes the input (transA)';
  const transB = intOf(node, 'transB', 0) === 1;
  const c = node.input[2];
  if (c && !g.initializers.has(c)) return "its Gemm's bias is computed, not a constant";
  return {
    ...base,
    orientation: 'gemm',
    transB,
    alpha: floatOf(node, 'alpha', 1),
    beta: floatOf(node, 'beta', 1),
    dIn: transB ? dims[1] : dims[0],
    dOut: transB ? dims[0] : dims[1],
    ...(c ? { bias: c } : {}),
  };
}

/** A Dense layer's inventory entry. */
function denseInfo(u: DenseUnit, g: OnnxGraph, reason?: string): DenseInfo {
  const biasValues = u.bias ? g.initializers.get(u.bias)!.dims.reduce((a, b) => a * b, 1) : 0;
  const breakEvenRank = denseBreakEven(u.dIn, u.dOut, Boolean(u.bias));
  const why =
    reason ??
    (u.dOut === 1 ? 'output width 1: nothing to factor' : breakEvenRank < 1 ? 'break-even rank is below 1' : undefined);
  return {
    name: u.name,
    kind: 'dense',
    shape: { dIn: u.dIn, dOut: u.dOut, useBias: Boolean(u.bias), activation: 'linear' },
    params: u.dIn * u.dOut + biasValues,
    breakEvenRank,
    compressible: !why,
    ...(why ? { reason: why } : {}),
  };
}

function tableInfo(u: TableUnit, reason?: string): EmbeddingInfo {
  const breakEvenRank = embeddingBreakEven(u.vocab, u.dim);
  const why =
    reason ??
    (u.dim === 1
      ? 'embedding dimension 1: nothing to factor'
      : breakEvenRank < 1
        ? 'break-even rank is below 1'
        : undefined);
  return {
    name: u.name,
    kind: 'embedding',
    shape: { vocab: u.vocab, dim: u.dim },
    params: u.vocab * u.dim,
    breakEvenRank,
    compressible: !why,
    fusion: [],
    ...(why ? { reason: why } : {}),
  };
}

/** Why a float matrix's readers rule out factoring it, or undefined when they do not. */
function readersProblem(readers: ReturnType<OnnxGraph['readersOf']>, kind: 'dense' | 'table'): string | undefined {
  if (readers.some((r) => r.nested)) return 'it is read inside a subgraph';
  if (kind === 'dense' && readers.length > 1) return `it is shared by ${readers.length} nodes`;
  if (
    kind === 'table' &&
    readers.some((r) => r.node.opType !== 'Gather' || r.slot !== 0 || intOf(r.node, 'axis', 0) !== 0)
  ) {
    return 'it is also read by other operators than a Gather along axis 0';
  }
  return undefined;
}

/** Every Dense and Embedding layer of the graph (compressible or not) with the unit behind it. */
export function findUnits(g: OnnxGraph): { units: OnnxUnit[]; inventory: LayerInfo[] } {
  const units: OnnxUnit[] = [];
  const inventory: LayerInfo[] = [];
  const names = new Set<string>();
  const unique = (name: string) => {
    let n = name;
    for (let i = 2; names.has(n); i++) n = `${name}_${i}`;
    names.add(n);
    return n;
  };
  for (const t of g.graph.initializer) {
    if (t.dims.length !== 2) continue;
    const readers = g.readersOf(t.name);
    const first = readers[0];
    if (!first) continue;
    const isTable = first.node.opType === 'Gather' && first.slot === 0;
    const isDense = first.node.opType === 'MatMul' || first.node.opType === 'Gemm';
    if (!isTable && !isDense) continue;
    const floatWeight = t.dataType === DT.FLOAT ? undefined : 'its values are not float32';
    if (isTable) {
      const u: TableUnit = {
        kind: 'embedding',
        name: '',
        weight: t.name,
        nodes: readers.map((r) => r.node),
        vocab: t.dims[0],
        dim: t.dims[1],
      };
      u.name = unique(readableName(t.name, first.node));
      const reason = floatWeight ?? readersProblem(readers, 'table');
      inventory.push(tableInfo(u, reason));
      if (!reason) units.push(u);
      continue;
    }
    const use = denseUse(g, t.name, first.node, first.slot);
    if (typeof use === 'string') continue; // not a Dense layer in a form we know: it stays as it is
    use.name = unique(use.name);
    const reason = floatWeight ?? readersProblem(readers, 'dense');
    const info = denseInfo(use, g, reason);
    inventory.push(info);
    if (!reason) units.push(use);
  }
  return { units, inventory };
}
