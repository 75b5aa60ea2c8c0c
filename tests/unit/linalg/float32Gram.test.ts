import { describe, expect, it } from 'vitest';
import { float32Gram, hasFloat32Gram } from '../../../src/core/linalg';
import { createRng } from '../../../src/core/random';

/** Σ_r c_ri c_rj in Float64 over float32 rows (row-major, ld values per row). */
function exactGram(c: Float32Array, rows: number, ld: number): Float64Array {
  const g = new Float64Array(ld * ld);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < ld; i++) for (let j = 0; j < ld; j++) g[i * ld + j] += c[r * ld + i] * c[r * ld + j];
  return g;
}

describe('float32 Gram kernel (WebAssembly SIMD)', () => {
  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(hasFloat32Gram()).toBe(true);
  });

  it('is exact on small integers (every float32 sum exact), for any piece size and rows not a multiple of it', () => {
    const rng = createRng(3);
    for (const [rows, ld, k] of [
      [1, 8, 256],
      [37, 16, 5],
      [300, 24, 256],
      [513, 8, 1],
    ]) {
      const c = Float32Array.from({ length: rows * ld }, () => Math.floor(rng() * 21) - 10);
      const g = float32Gram(c, rows, ld, k)!;
      const want = exactGram(c, rows, ld);
      for (let i = 0; i < ld; i++) for (let j = i; j < ld; j++) expect(g[i * ld + j]).toBe(want[i * ld + j]);
    }
  });

  it('sums each piece of k rows in float32 and the pieces in Float64: the rounding of k-row sums only', () => {
    // Row 0 adds 2^24 to entry (0, 0), the 255 rows after it 1 each. In float32, 2^24 + 1 rounds back to 2^24:
    // every 1 that shares a piece with row 0 is lost, none of the others.
    const rows = 256,
      ld = 8;
    const c = new Float32Array(rows * ld).fill(1);
    c[0] = 4096;
    const exact = 2 ** 24 + 255;
    expect(float32Gram(c, rows, ld, 1)![0]).toBe(exact);
    expect(float32Gram(c, rows, ld, 8)![0]).toBe(exact - 7);
    expect(float32Gram(c, rows, ld, rows)![0]).toBe(2 ** 24);
  });

  it('refuses a row width that is not a multiple of 8', () => {
    expect(() => float32Gram(new Float32Array(12), 2, 6, 256)).toThrow(RangeError);
  });
});
