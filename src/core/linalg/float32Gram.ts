/**
 * The Gram product Σ cᵀc of float32 rows on WebAssembly SIMD (./wasmModule's `gram32`, four float32 lanes per
 * instruction): float32 sums over pieces of at most k rows, the pieces added in Float64, as ./shiftedGram's
 * error bound assumes. Only the upper triangle is formed (half the work of a general product), with no
 * transposed copy. Pure module: where WebAssembly SIMD is missing it returns null and the caller keeps its
 * own products.
 */
import { linalgWasm, wasmHeap } from './wasmModule';

/** Whether {@link float32Gram} can run here. */
export const hasFloat32Gram = (): boolean => linalgWasm() !== null;

/**
 * Σ over the `rows` rows of c (row-major, `ld` float32 values per row, ld a multiple of 8) of cᵢcⱼ, summed in
 * float32 over pieces of at most `k` rows and the pieces added in Float64. Entries (i, j) with j ≥ i are
 * exact to that arithmetic; those below the diagonal are not formed (mirror the upper triangle). Null where
 * the module is unavailable or its memory cannot grow.
 */
export function float32Gram(c: Float32Array, rows: number, ld: number, k: number): Float64Array | null {
  const w = linalgWasm();
  if (!w) return null;
  if (ld % 8 !== 0 || c.length < rows * ld) throw new RangeError(`float32Gram: ${rows}×${ld} rows, ld % 8 = 0`);
  const xBytes = (rows * ld * 4 + 15) & ~15;
  const outDoubles = ld * ld;
  const heap = wasmHeap(w, xBytes / 8 + outDoubles);
  if (!heap) return null;
  new Float32Array(heap.buffer, 0, rows * ld).set(c.subarray(0, rows * ld));
  const out = xBytes / 8;
  heap.fill(0, out, out + outDoubles);
  const rowBytes = ld * 4;
  for (let r0 = 0; r0 < rows; r0 += k) w.gram32(r0 * rowBytes, ld, Math.min(k, rows - r0), xBytes);
  return heap.slice(out, out + outDoubles);
}
