import { describe, expect, it } from 'vitest';
import { float32Gram, gramWidth, hasFloat32Gram } from '../../../src/core/linalg';
import { createRng } from '../../../src/core/random';

/** Σ_r c_ri c_rj and Σ_r c_ri in Float64 over float32 rows (row-major, dim values per row). */
function exact(c: Float32Array, rows: number, dim: number) {
  const g = new Float64Array(dim * dim);
  const s = new Float64Array(dim);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < dim; i++) {
      s[i] += c[r * dim + i];
      for (let j = 0; j < dim; j++) g[i * dim + j] += c[r * dim + i] * c[r * dim + j];
    }
  return { g, s };
}

describe('float32 Gram kernel (WebAssembly SIMD)', () => {
  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(hasFloat32Gram()).toBe(true);
  });

  it('is exact on small integers (every float32 sum exact): products, column sums and the row count', () => {
    const rng = createRng(3);
    for (const [rows, dim, k] of [
      [1, 7, 256],
      [37, 16, 5],
      [300, 21, 256],
      [513, 8, 1],
    ]) {
      const c = Float32Array.from({ length: rows * dim }, () => Math.floor(rng() * 21) - 10);
      const { s2, ld } = float32Gram(c, rows, dim, k)!;
      expect(ld).toBe(gramWidth(dim));
      expect(ld % 8 === 0 && ld > dim).toBe(true);
      const want = exact(c, rows, dim);
      for (let i = 0; i < dim; i++) {
        for (let j = i; j < dim; j++) expect(s2[i * ld + j]).toBe(want.g[i * dim + j]);
        expect(s2[i * ld + dim]).toBe(want.s[i]); // the appended column of ones
      }
      expect(s2[dim * ld + dim]).toBe(rows);
    }
  });

  it('sums each piece of k rows in float32 and the pieces in Float64: the rounding of k-row sums only', () => {
    // Row 0 adds 2^24 to entry (0, 0), the 255 rows after it 1 each. In float32, 2^24 + 1 rounds back to 2^24:
    // every 1 that shares a piece with row 0 is lost, none of the others.
    const rows = 256,
      dim = 8;
    const c = new Float32Array(rows * dim).fill(1);
    c[0] = 4096;
    const exactSum = 2 ** 24 + 255;
    expect(float32Gram(c, rows, dim, 1)!.s2[0]).toBe(exactSum);
    expect(float32Gram(c, rows, dim, 8)!.s2[0]).toBe(exactSum - 7);
    expect(float32Gram(c, rows, dim, rows)!.s2[0]).toBe(2 ** 24);
  });

  it('centres the rows on the shift as float32 subtraction does, the ones column left whole', () => {
    const rng = createRng(5);
    const rows = 300,
      dim = 13;
    const x = Float32Array.from({ length: rows * dim }, () => 1e6 + rng() * 1000);
    const shift = Float32Array.from({ length: dim }, () => 1e6 + 500);
    const centred = x.map((v, i) => Math.fround(v - shift[i % dim]));
    const a = float32Gram(x, rows, dim, 64, shift)!;
    const s2 = Float64Array.from(a.s2); // a view of the module's memory: copied before the next call
    const b = float32Gram(centred, rows, dim, 64)!;
    expect(Array.from(s2)).toEqual(Array.from(b.s2));
    expect(s2[dim * a.ld + dim]).toBe(rows);
  });

  it('refuses fewer values than the rows need', () => {
    expect(() => float32Gram(new Float32Array(11), 2, 6, 256)).toThrow(RangeError);
  });
});
