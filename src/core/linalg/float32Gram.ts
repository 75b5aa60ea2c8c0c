/**
 * The Gram product Σ cᵀc of float32 rows, with their column sums, on WebAssembly SIMD (./wasmModule's
 * `centre32` and `gram32`, four float32 lanes per instruction): float32 sums over pieces of at most k rows, the
 * pieces added in Float64, as ./shiftedGram's error bound assumes. Only the upper triangle is formed (half the
 * work of a general product), with no transposed copy. Pure module: where WebAssembly SIMD is missing it returns
 * null and the caller keeps its own products.
 */
import { linalgWasm, wasmHeap } from './wasmModule';

/** Whether {@link float32Gram} can run here. */
export const hasFloat32Gram = (): boolean => linalgWasm() !== null;

/** The width of the padded rows: the dim values, a one, ones up to a multiple of 8 (the kernel's tile). */
export const gramWidth = (dim: number): number => (dim + 8) & ~7;

/**
 * Σ over the `rows` rows of [c 1] (c row-major, `dim` float32 values per row, less `shift` when given, in
 * float32 as a backend would subtract it) of their products, summed in
 * float32 over pieces of at most `k` rows and the pieces added in Float64: an ld×ld matrix (ld =
 * {@link gramWidth}) holding Σ cᵢcⱼ, and in column `dim` the column sums Σ cᵢ (the appended one). Entries (i, j)
 * with j ≥ i are exact to that arithmetic; those below the diagonal are not formed. The matrix is a view of the
 * module's memory, valid until the next call into the module (read it at once). Null where the module is
 * unavailable or its memory cannot grow.
 */
export function float32Gram(
  c: Float32Array,
  rows: number,
  dim: number,
  k: number,
  shift?: Float32Array,
): { s2: Float64Array; ld: number } | null {
  const w = linalgWasm();
  if (!w) return null;
  if (c.length < rows * dim) throw new RangeError(`float32Gram: ${c.length} values for ${rows}×${dim} rows`);
  const ld = gramWidth(dim);
  const xBytes = (rows * ld * 4 + 15) & ~15;
  const outDoubles = ld * ld;
  const shiftAt = xBytes + outDoubles * 8; // bytes; ld float32 values
  const heap = wasmHeap(w, shiftAt / 8 + ld);
  if (!heap) return null;
  // The rows padded in the module's memory: ones first, then each row's values over them.
  const x = new Float32Array(heap.buffer, 0, rows * ld);
  x.fill(1);
  if (ld === dim) x.set(c.subarray(0, rows * dim));
  else for (let r = 0; r < rows; r++) x.set(c.subarray(r * dim, r * dim + dim), r * ld);
  if (shift) {
    // The shift padded with zeros: the appended ones stay ones.
    const s = new Float32Array(heap.buffer, shiftAt, ld);
    s.fill(0);
    s.set(shift.subarray(0, dim));
    w.centre32(0, ld, rows, shiftAt);
  }
  const out = xBytes / 8;
  heap.fill(0, out, out + outDoubles);
  const rowBytes = ld * 4;
  for (let r0 = 0; r0 < rows; r0 += k) w.gram32(r0 * rowBytes, ld, Math.min(k, rows - r0), xBytes);
  return { s2: heap.subarray(out, out + outDoubles), ld };
}
