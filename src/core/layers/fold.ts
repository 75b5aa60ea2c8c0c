/**
 * Where an up-projection folds into a Dense: for the Dense's input, which kernel rows after the rewrite come
 * from which rows before it. Computed by tracking every element of the Dense's input back through the
 * Concatenate / Flatten / Reshape layers above it, once with the original shapes and once with the factored
 * embeddings' k-wide outputs, then matching the two element by element.
 */
import {
  count,
  concatAxis,
  concatProvenance,
  concatShape,
  isRearranging,
  leafProvenance,
  perSample,
  recomputeTarget,
  resolveTarget,
  type Provenance,
  type Shape,
} from './layout';
import { isShared, type LayerGraph, type TensorRef } from './topology';

/** One kernel row after folding: a copy of an old row, or an embedding's up-projection applied to its d old rows. */
export type RowSource = { from: number } | { embedding: string; j: number; from: number[] };

/** How a Dense's kernel rows change when up-projections fold into it. */
export interface FoldMap {
  oldRows: number;
  newRows: number;
  rows: RowSource[];
  /** Old rows fed by a folded embedding's component c: the bias gains up.bias[c] · that row. */
  bias: { embedding: string; c: number; row: number }[];
}

/** What the planner knows when folding: layer shapes, and which embedding edges become k-wide. */
export interface FoldContext {
  graph: LayerGraph;
  shapes: Record<string, (number | null)[]>;
  /** Rank k when the edge from ref.layer into `consumer` carries a factored, unprojected embedding output. */
  foldedRank(consumer: string, ref: TensorRef): number | undefined;
}

/** A failure, blamed on a layer (the rewriter then keeps the up-projections whose path crosses it). */
export interface FoldFailure {
  layer: string;
  reason: string;
}

interface Leaf {
  layer: string;
  rank?: number;
  oldShape: Shape;
  newShape: Shape;
}

interface Side {
  prov: Provenance;
  shape: Shape;
}

interface Walk {
  old: Side;
  now: Side;
}

class Walker {
  readonly leaves: Leaf[] = [];
  /** New Reshape targets (per sample) for reshapes whose input changes. */
  readonly reshapes = new Map<string, number[]>();
  constructor(private readonly ctx: FoldContext) {}

  walk(consumer: string, ref: TensorRef): Walk | FoldFailure {
    const layer = this.ctx.graph.byName.get(ref.layer)!;
    const passThrough =
      isRearranging(layer) && !isShared(layer) && ref.node === 0 && ref.tensor === 0 && layer.inbound.length === 1;
    if (!passThrough) return this.leaf(consumer, ref);
    const inputs: Walk[] = [];
    for (const r of layer.inbound[0]) {
      const w = this.walk(layer.name, r);
      if ('reason' in w) return w;
      inputs.push(w);
    }
    const oldShape = perSample(this.ctx.shapes[layer.name]);
    if (!oldShape) return { layer: layer.name, reason: `the output shape of ${layer.name} is unknown` };
    if (layer.className === 'Concatenate') {
      const axis = concatAxis(layer.config, inputs[0].now.shape.length);
      if (axis === null) return { layer: layer.name, reason: 'it concatenates along the batch axis' };
      const shape = concatShape(
        inputs.map((i) => i.now.shape),
        axis,
      );
      if (typeof shape === 'string') return { layer: layer.name, reason: `after factoring, its ${shape}` };
      return {
        old: {
          shape: oldShape,
          prov: concatProvenance(
            inputs.map((i) => i.old),
            axis,
          ),
        },
        now: {
          shape,
          prov: concatProvenance(
            inputs.map((i) => i.now),
            axis,
          ),
        },
      };
    }
    const [input] = inputs;
    if (count(input.old.shape) !== count(oldShape))
      return { layer: layer.name, reason: 'its input and output sizes differ' };
    if (layer.className === 'Flatten')
      return { old: { ...input.old, shape: oldShape }, now: { ...input.now, shape: [count(input.now.shape)] } };
    // Reshape: keep the target when the input is unchanged, else recompute it (flatten, or keep the last axis).
    if (sameShape(input.old.shape, input.now.shape))
      return { old: { ...input.old, shape: oldShape }, now: { ...input.now, shape: oldShape } };
    const target = resolveTarget((layer.config.target_shape as number[]) ?? [], count(input.old.shape));
    const next = target && recomputeTarget(target, input.old.shape, input.now.shape);
    if (!next)
      return {
        layer: layer.name,
        reason: `its target shape [${String(layer.config.target_shape)}] cannot follow a narrower input`,
      };
    this.reshapes.set(layer.name, next);
    return { old: { ...input.old, shape: oldShape }, now: { ...input.now, shape: next } };
  }

  private leaf(consumer: string, ref: TensorRef): Walk | FoldFailure {
    const shape = ref.node === 0 && ref.tensor === 0 ? perSample(this.ctx.shapes[ref.layer]) : null;
    if (!shape) return { layer: consumer, reason: `the shape of its input ${ref.layer} is unknown` };
    const rank = this.ctx.foldedRank(consumer, ref);
    const newShape = rank === undefined ? shape : [...shape.slice(0, -1), rank];
    // One leaf per edge, so an element reached along two paths keeps two distinct labels.
    const id = this.leaves.push({ layer: ref.layer, rank, oldShape: shape, newShape }) - 1;
    return {
      old: { shape, prov: leafProvenance(id, count(shape)) },
      now: { shape: newShape, prov: leafProvenance(id, count(newShape)) },
    };
  }
}

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Matches rows before and after; fails when a row would need different maps at different positions. */
function matchRows(w: Walk, leaves: Leaf[], target: string): FoldMap | FoldFailure {
  const fail = (reason: string): FoldFailure => ({ layer: target, reason });
  const dOld = w.old.shape[w.old.shape.length - 1];
  const dNew = w.now.shape[w.now.shape.length - 1];
  const positions = count(w.old.shape.slice(0, -1));
  if (count(w.now.shape.slice(0, -1)) !== positions) return fail('its leading input axes would change');
  const where = leaves.map((l) => new Int32Array(count(l.oldShape)).fill(-1));
  w.old.prov.src.forEach((leaf, p) => (where[leaf][w.old.prov.idx[p]] = p));
  const used = new Uint8Array(dOld);
  // The old row holding (leaf, element i) at every position q, or -1 when that differs between positions.
  const oldRow = (leaf: number, elementAt: (q: number) => number): number => {
    let row = -1;
    for (let q = 0; q < positions; q++) {
      const p = where[leaf][elementAt(q)];
      if (p < 0 || Math.floor(p / dOld) !== q || (q > 0 && p % dOld !== row)) return -1;
      row = p % dOld;
    }
    used[row] = 1;
    return row;
  };
  const rows: RowSource[] = [];
  for (let r = 0; r < dNew; r++) {
    const leaf = w.now.prov.src[r];
    const l = leaves[leaf];
    const last = l.newShape[l.newShape.length - 1];
    const j = w.now.prov.idx[r] % last;
    const pos: number[] = [];
    for (let q = 0; q < positions; q++) {
      const p = q * dNew + r;
      if (w.now.prov.src[p] !== leaf || w.now.prov.idx[p] % last !== j)
        return fail('one kernel row would see different inputs at different positions');
      pos.push(Math.floor(w.now.prov.idx[p] / last));
    }
    if (l.rank === undefined) {
      const from = oldRow(leaf, (q) => pos[q] * last + j);
      if (from < 0) return fail('its input rows cannot be matched');
      rows.push({ from });
      continue;
    }
    const dim = l.oldShape[l.oldShape.length - 1];
    const from: number[] = [];
    for (let c = 0; c < dim; c++) {
      const row = oldRow(leaf, (q) => pos[q] * dim + c);
      if (row < 0) return fail('its input rows cannot be matched');
      from.push(row);
    }
    rows.push({ embedding: l.layer, j, from });
  }
  if (used.some((u) => u === 0)) return fail('some of its input rows would be lost');
  const bias: FoldMap['bias'] = [];
  for (let row = 0; row < dOld; row++) {
    const l = leaves[w.old.prov.src[row]];
    if (l.rank !== undefined)
      bias.push({ embedding: l.layer, c: w.old.prov.idx[row] % l.oldShape[l.oldShape.length - 1], row });
  }
  return { oldRows: dOld, newRows: dNew, rows, bias };
}

/** The fold map of a Dense layer (plus the Reshape targets its input path needs), or why it cannot fold. */
export function foldInto(
  ctx: FoldContext,
  dense: string,
): { fold: FoldMap; reshapes: Map<string, number[]> } | FoldFailure {
  const layer = ctx.graph.byName.get(dense)!;
  const walker = new Walker(ctx);
  const w = walker.walk(dense, layer.inbound[0][0]);
  if ('reason' in w) return w;
  const fold = matchRows(w, walker.leaves, dense);
  return 'reason' in fold ? fold : { fold, reshapes: walker.reshapes };
}

/** Applies a fold to a kernel [oldRows, width] and bias [width]: new kernel [newRows, width] and new bias. */
export function applyFold(
  fold: FoldMap,
  kernel: Float32Array,
  bias: Float32Array | null,
  width: number,
  ups: Map<string, { kernel: Float32Array; bias: Float32Array; rank: number; dim: number }>,
): { kernel: Float32Array; bias: Float32Array } {
  const out = new Float32Array(fold.newRows * width);
  fold.rows.forEach((src, r) => {
    if (!('embedding' in src)) {
      out.set(kernel.subarray(src.from * width, (src.from + 1) * width), r * width);
      return;
    }
    const up = ups.get(src.embedding)!;
    // Row j of the new block = Σ_c up[j, c] · oldRow_c (accumulated in float64 for exact-ish folding).
    const acc = new Float64Array(width);
    src.from.forEach((row, c) => {
      const a = up.kernel[src.j * up.dim + c];
      for (let o = 0; o < width; o++) acc[o] += a * kernel[row * width + o];
    });
    out.set(acc, r * width);
  });
  const b = new Float64Array(width);
  if (bias) b.set(bias);
  for (const { embedding, c, row } of fold.bias) {
    const mu = ups.get(embedding)!.bias[c];
    for (let o = 0; o < width; o++) b[o] += mu * kernel[row * width + o];
  }
  return { kernel: out, bias: Float32Array.from(b) };
}
