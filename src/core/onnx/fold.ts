/**
 * Constant folding for the ONNX importer: the few operators torch.onnx.export leaves on constants (shape
 * arithmetic such as Shape → Gather → Unsqueeze → Concat → Reshape for `x.view(x.size(0), -1)`, scalar
 * constants, casts). The batch size is unknown at import time: it is carried as NaN through these folds, so a
 * folded Reshape target can say "the batch axis" without knowing its size. Pure.
 */

/** A constant tensor: dims, row-major values (doubles), and whether its ONNX type is an integer type. */
export interface Const {
  dims: number[];
  values: Float64Array;
  int: boolean;
}

/** Stands for the (unknown) batch size inside folded shape vectors. */
export const BATCH = NaN;

/** Number of elements of dims. */
export function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Row-major strides of dims. */
function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** Normalises a possibly negative axis; null when out of range. */
export function axisOf(axis: number, rank: number): number | null {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : null;
}

/** Numpy-style broadcast dims of two constants; null when incompatible. */
export function broadcastDims(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Element-wise binary operation with numpy broadcasting; null when the dims do not broadcast. */
export function binary(a: Const, b: Const, op: (x: number, y: number) => number): Const | null {
  const dims = broadcastDims(a.dims, b.dims);
  if (!dims) return null;
  const n = count(dims);
  const out = new Float64Array(n);
  const os = strides(dims);
  const index = (c: Const, flat: number) => {
    // Map an output position to the operand's position (broadcast axes read index 0).
    const off = dims.length - c.dims.length;
    const cs = strides(c.dims);
    let at = 0;
    for (let i = 0; i < c.dims.length; i++) {
      const coord = Math.floor(flat / os[i + off]) % dims[i + off];
      if (c.dims[i] !== 1) at += coord * cs[i];
    }
    return at;
  };
  for (let i = 0; i < n; i++) out[i] = op(a.values[index(a, i)], b.values[index(b, i)]);
  const int = a.int && b.int;
  if (int) for (let i = 0; i < n; i++) out[i] = Math.trunc(out[i]);
  return { dims, values: out, int };
}

/** ONNX Gather along an axis (negative indices count from the end); null on a bad axis or index. */
export function gather(data: Const, indices: Const, axis: number): Const | null {
  const ax = axisOf(axis, data.dims.length);
  if (ax === null) return null;
  const outer = count(data.dims.slice(0, ax));
  const inner = count(data.dims.slice(ax + 1));
  const size = data.dims[ax];
  const dims = [...data.dims.slice(0, ax), ...indices.dims, ...data.dims.slice(ax + 1)];
  const out = new Float64Array(count(dims));
  const k = indices.values.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      let idx = indices.values[j];
      if (idx < 0) idx += size;
      if (!(idx >= 0 && idx < size)) return null;
      for (let i = 0; i < inner; i++) out[(o * k + j) * inner + i] = data.values[(o * size + idx) * inner + i];
    }
  }
  return { dims, values: out, int: data.int };
}

/** ONNX Concat of constants along an axis; null when dims disagree. */
export function concat(parts: Const[], axis: number): Const | null {
  const rank = parts[0].dims.length;
  const ax = axisOf(axis, rank);
  if (ax === null) return null;
  for (const p of parts) {
    if (p.dims.length !== rank || p.dims.some((d, i) => i !== ax && d !== parts[0].dims[i])) return null;
  }
  const outer = count(parts[0].dims.slice(0, ax));
  const dims = [...parts[0].dims];
  dims[ax] = parts.reduce((s, p) => s + p.dims[ax], 0);
  const out = new Float64Array(count(dims));
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const block = count(p.dims.slice(ax));
      out.set(p.values.subarray(o * block, (o + 1) * block), at);
      at += block;
    }
  }
  return { dims, values: out, int: parts.every((p) => p.int) };
}

/** ONNX Slice of a 1-D constant (step may be negative); null for other ranks. */
export function slice1d(data: Const, start: number, end: number, step: number): Const | null {
  if (data.dims.length !== 1 || step === 0) return null;
  const n = data.dims[0];
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  const out: number[] = [];
  if (step > 0) {
    s = clamp(s, 0, n);
    e = clamp(e, 0, n);
    for (let i = s; i < e; i += step) out.push(data.values[i]);
  } else {
    s = clamp(s, -1, n - 1);
    e = clamp(e, -1, n - 1);
    for (let i = s; i > e; i += step) out.push(data.values[i]);
  }
  return { dims: [out.length], values: Float64Array.from(out), int: data.int };
}

/** The same values with new dims (Reshape, Unsqueeze, Squeeze, Flatten on constants). */
export function withDims(c: Const, dims: number[]): Const | null {
  return count(dims) === c.values.length ? { dims, values: c.values, int: c.int } : null;
}

/** Resolves an ONNX Reshape target for a constant (0 copies, -1 infers); null when impossible. */
export function reshapeTarget(dims: readonly number[], target: readonly number[], allowZero = false): number[] | null {
  const out = target.map((t, i) => (t === 0 && !allowZero ? dims[i] : t));
  if (out.some((d) => d === undefined || Number.isNaN(d))) return null;
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const unknown = out.filter((d) => d === -1).length;
  if (unknown > 1) return null;
  if (unknown === 1) {
    if (known === 0 || count(dims) % known !== 0) return null;
    out[out.indexOf(-1)] = count(dims) / known;
  }
  return count(out) === count(dims) ? out : null;
}

/** Float32 copy of a constant's values (weights). */
export function toFloat32(c: Const): Float32Array {
  return Float32Array.from(c.values);
}

/** Transposes a 2-D constant. */
export function transpose2d(values: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}
