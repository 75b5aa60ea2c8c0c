/**
 * Recognises the factorization-machine interaction as PyTorch CTR code exports it, so the importer can emit
 * the project's FMInteraction layer instead of a chain of generic element-wise layers:
 *   DeepCTR-Torch: 0.5 * sum(sum(x, 1, keepdim)^2 - sum(x * x, 1, keepdim), 2)        → [batch, 1]
 *   FuxiCTR:       ((sum(x, 1) ** 2 - sum(x ** 2, 1)) * 0.5).sum(-1, keepdim=True)     → [batch, 1]
 * Squares may be Pow(·, 2) or Mul(t, t); the ½ may sit before or after the last sum (Mul 0.5 or Div 2).
 * The structure is matched here from the node list; shapes are checked by the importer when it reaches the
 * match (a mismatch falls back to converting the nodes one by one). Pure.
 */
import { reduceSpec } from './attrs';
import type { Const } from './fold';
import type { NodeProto } from './onnx';

/** One matched FM subgraph. */
export interface FmMatch {
  /** The [batch, fields, dim] tensor the FM reads. */
  input: string;
  /** The tensor holding the FM value. */
  output: string;
  /** Every node of the subgraph, the last one (producing `output`) included. */
  nodes: Set<NodeProto>;
  last: NodeProto;
  /** Axis of the two field sums (as written), their keepdims, and the final sum's axis and keepdims. */
  fieldAxis: number;
  keepDims: boolean;
  finalAxis: number;
  finalKeepDims: boolean;
}

interface Graph {
  producer: Map<string, NodeProto>;
  consumers: Map<string, NodeProto[]>;
  outputs: Set<string>;
  constOf: (name: string) => Const | undefined;
  opset: number;
}

function isScalar(c: Const | undefined, v: number): boolean {
  return !!c && c.values.length === 1 && Math.abs(c.values[0] - v) < 1e-7;
}

/** The tensor a node squares (Pow(t, 2) or Mul(t, t)), or undefined. */
function squared(n: NodeProto | undefined, g: Graph): string | undefined {
  if (!n) return undefined;
  if (n.opType === 'Pow' && isScalar(g.constOf(n.input[1]), 2)) return n.input[0];
  if (n.opType === 'Mul' && n.input[0] === n.input[1]) return n.input[0];
  return undefined;
}

/** The input tensor when `n` multiplies `t` by ½ (Mul by 0.5 either side, or Div by 2). */
function isHalf(n: NodeProto | undefined, t: string, g: Graph): boolean {
  if (!n) return false;
  if (n.opType === 'Mul') {
    const other = n.input[0] === t ? n.input[1] : n.input[1] === t ? n.input[0] : undefined;
    return other !== undefined && isScalar(g.constOf(other), 0.5);
  }
  return n.opType === 'Div' && n.input[0] === t && isScalar(g.constOf(n.input[1]), 2);
}

/** The single-axis reduction of a ReduceSum node, or undefined. */
function sumAxis(n: NodeProto | undefined, g: Graph): { input: string; axis: number; keepDims: boolean } | undefined {
  if (n?.opType !== 'ReduceSum') return undefined;
  const spec = reduceSpec(n, g.opset, g.constOf);
  const axes = spec?.axes;
  if (!spec || !axes || axes.length !== 1) return undefined;
  return { input: n.input[0], axis: axes[0], keepDims: spec.keepDims };
}

/** The one reader of an intermediate tensor (not a graph output), or undefined. */
function sole(t: string, g: Graph): NodeProto | undefined {
  const list = g.consumers.get(t) ?? [];
  return list.length === 1 && !g.outputs.has(t) ? list[0] : undefined;
}

function matchAt(sub: NodeProto, g: Graph): FmMatch | undefined {
  const [a, b] = sub.input;
  // a = (Σ_f x)²
  const squareA = g.producer.get(a);
  const sumOfX = squared(squareA, g);
  const r1 = sumOfX !== undefined ? g.producer.get(sumOfX) : undefined;
  const s1 = sumAxis(r1, g);
  // b = Σ_f x²
  const r2 = g.producer.get(b);
  const s2 = sumAxis(r2, g);
  const squareX = s2 ? g.producer.get(s2.input) : undefined;
  const x = squared(squareX, g);
  if (!s1 || !s2 || x === undefined || s1.input !== x || s1.axis !== s2.axis || s1.keepDims !== s2.keepDims)
    return undefined;
  if (sole(sumOfX!, g) !== squareA || sole(a, g) !== sub || sole(s2.input, g) !== r2 || sole(b, g) !== sub)
    return undefined;
  const nodes = new Set<NodeProto>([r1!, squareA!, squareX!, r2!, sub]);
  // Then ½ and the sum over the embedding axis, in either order.
  let t = sub.output[0];
  let half = false;
  let next = sole(t, g);
  if (isHalf(next, t, g)) {
    half = true;
    nodes.add(next!);
    t = next!.output[0];
    next = sole(t, g);
  }
  const fin = sumAxis(next, g);
  if (!fin || fin.input !== t) return undefined;
  nodes.add(next!);
  let last = next!;
  t = last.output[0];
  if (!half) {
    const after = sole(t, g);
    if (!isHalf(after, t, g)) return undefined;
    nodes.add(after!);
    last = after!;
    t = last.output[0];
  }
  return {
    input: x,
    output: t,
    nodes,
    last,
    fieldAxis: s1.axis,
    keepDims: s1.keepDims,
    finalAxis: fin.axis,
    finalKeepDims: fin.keepDims,
  };
}

/** Every FM subgraph in the node list (matched from each Sub node). */
export function findFmPatterns(nodes: NodeProto[], g: Graph): FmMatch[] {
  const out: FmMatch[] = [];
  for (const n of nodes) {
    if (n.opType !== 'Sub') continue;
    const m = matchAt(n, g);
    if (m) out.push(m);
  }
  return out;
}

/** True when a match is exactly FMInteraction for an input of this rank: fields on axis 1, output [batch, 1]. */
export function fmShapesFit(m: FmMatch, inputRank: number): boolean {
  if (inputRank !== 3) return false;
  const field = m.fieldAxis < 0 ? m.fieldAxis + 3 : m.fieldAxis;
  if (field !== 1) return false;
  const midRank = m.keepDims ? 3 : 2;
  const fin = m.finalAxis < 0 ? m.finalAxis + midRank : m.finalAxis;
  // keepdims sums leave [b, 1, d]: the last sum must drop its axis; plain sums leave [b, d]: it must keep it.
  return fin === midRank - 1 && m.finalKeepDims === !m.keepDims;
}
