/**
 * An ONNX graph's inputs as binding sees them (ModelInputInfo): type, values per row, and which positions
 * index an embedding table and how large it is, found by following each input through the operators that
 * carry ids unchanged (Cast, Identity, Squeeze/Unsqueeze, Reshape, Flatten), column slices of a wide input
 * (DeepCTR-Torch's X[:, a:b]) and a constant added to every id (pytorch-fm's per-field offsets into one
 * shared table) up to the Gathers that read them. Pure.
 */
import type { ModelInputInfo } from '../../data/binding';
import type { NodeProto } from '../onnx';
import { isIntegerType, type OnnxGraph } from './graph';

const PASS_THROUGH = new Set(['Cast', 'Identity', 'Squeeze', 'Unsqueeze', 'Reshape', 'Flatten']);

/** What a tensor holds relative to one input: positions [start, end) of its last axis, maybe offset. */
interface Trace {
  name: string;
  start: number;
  end: number;
  /** A constant added to each position (pytorch-fm's offsets), per position from `start`. */
  offsets: number[] | null;
}

type IdRange = NonNullable<ModelInputInfo['idRanges']>[number];

/** The column range a Slice of the last axis keeps, when its bounds are constants. */
function sliceRange(g: OnnxGraph, node: NodeProto, t: Trace, rank: number): Trace | null {
  const [starts, ends, axes, steps] = [1, 2, 3, 4].map((i) =>
    node.input[i] ? g.constValues(node.input[i]) : undefined,
  );
  if (!starts || !ends || starts.length !== 1) return null;
  const axis = axes ? axes[0] : 0;
  if (!(axis === -1 || axis === rank - 1) || (steps && steps[0] !== 1)) return null;
  const width = t.end - t.start;
  const clamp = (v: number) => Math.max(0, Math.min(width, v < 0 ? v + width : v));
  const s = clamp(starts[0]);
  const e = clamp(ends[0]);
  if (e <= s) return null;
  return { name: node.output[0], start: t.start + s, end: t.start + e, offsets: t.offsets?.slice(s, e) ?? null };
}

/** Offsets a constant Add puts on each position of a traced tensor (a scalar applies to all). */
function addedOffsets(g: OnnxGraph, node: NodeProto, t: Trace): number[] | null {
  const other = node.input[0] === t.name ? node.input[1] : node.input[0];
  const c = g.constValues(other);
  const width = t.end - t.start;
  if (!c || !(c.length === 1 || c.length === width) || !c.every(Number.isInteger)) return null;
  const base = t.offsets ?? new Array<number>(width).fill(0);
  return base.map((o, p) => o + c[c.length === 1 ? 0 : p]);
}

/** Follows one traced tensor to the Gathers that read it as indices, recording their tables. */
function follow(g: OnnxGraph, t: Trace, rank: number, out: IdRange[], depth = 0): void {
  if (depth > 64) return;
  for (const r of g.readersOf(t.name)) {
    const n = r.node;
    if (r.nested) continue;
    if (n.opType === 'Gather' && r.slot === 1) {
      const table = g.initializers.get(n.input[0]);
      if (table?.dims.length !== 2) continue;
      const rows = table.dims[0];
      for (let p = t.start; p < t.end; p++) {
        const offset = t.offsets?.[p - t.start] ?? 0;
        const next = t.offsets ? Math.min(rows, ...t.offsets.filter((o) => o > offset)) : rows;
        out.push({ start: p, end: p + 1, layer: n.input[0], rows: Math.max(0, next - offset) });
      }
    } else if (n.opType === 'Slice' && r.slot === 0) {
      const s = sliceRange(g, n, t, rank);
      if (s) follow(g, s, rank, out, depth + 1);
    } else if (n.opType === 'Add') {
      const offsets = addedOffsets(g, n, t);
      if (offsets) follow(g, { ...t, name: n.output[0], offsets }, rank, out, depth + 1);
    } else if (PASS_THROUGH.has(n.opType) && r.slot === 0) {
      follow(g, { ...t, name: n.output[0] }, rank, out, depth + 1);
    }
  }
}

/** Merges per-position ranges of one table into runs, keeping the smallest table per position. */
function compact(ranges: IdRange[]): IdRange[] {
  const best = new Map<number, IdRange>();
  for (const r of ranges)
    for (let p = r.start; p < r.end; p++)
      if (!best.has(p) || best.get(p)!.rows > r.rows) best.set(p, { ...r, start: p, end: p + 1 });
  return [...best.values()].sort((a, b) => a.start - b.start);
}

/** The graph's run-time inputs as binding sees them. */
export function describeOnnxInputs(g: OnnxGraph): ModelInputInfo[] {
  return g.runtimeInputs.map((input) => {
    const shape = input.type?.shape ?? [];
    const perRow = shape.slice(1);
    const width = perRow.length === 0 ? 1 : perRow.reduce((a, d) => a * (d.value ?? Number.NaN), 1);
    const ints = isIntegerType(input.type?.elemType);
    const ranges: IdRange[] = [];
    follow(
      g,
      { name: input.name, start: 0, end: Number.isFinite(width) ? width : 1, offsets: null },
      Math.max(1, shape.length),
      ranges,
    );
    const idRanges = compact(ranges);
    const wide = Number.isFinite(width) && width > 1;
    const smallest = idRanges.reduce<IdRange | null>((a, r) => (a && a.rows <= r.rows ? a : r), null);
    return {
      name: input.name,
      dtype: ints ? 'int32' : 'float32',
      width,
      ...(!wide && smallest ? { table: { layer: smallest.layer, rows: smallest.rows } } : {}),
      ...(wide && idRanges.length > 0 ? { idRanges } : {}),
    };
  });
}
