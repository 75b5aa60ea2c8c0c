import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dot,
  frobenius,
  gemmNN,
  gemmTN,
  gram,
  identity,
  matmul,
  matmulNT,
  matmulTN,
  maxAbs,
  orthogonalityError,
  transpose,
} from '../../../src/core/linalg';
import { maxDiff, naiveMatmul, randomMatrix } from './helpers';

// Sizes straddle the 4×4 register blocks so every remainder path runs.
const dims = fc.integer({ min: 1, max: 11 });

describe('matrix products', () => {
  it('matmul, matmulTN and matmulNT equal the triple loop for all shapes', () => {
    fc.assert(
      fc.property(dims, dims, dims, fc.integer({ min: 0, max: 1000 }), (m, k, n, seed) => {
        const a = randomMatrix(m, k, seed),
          b = randomMatrix(k, n, seed + 1);
        const ref = naiveMatmul(a, b, m, k, n);
        expect(maxDiff(matmul(a, b, m, k, n), ref)).toBeLessThan(1e-12);
        expect(maxDiff(matmulTN(transpose(a, m, k), b, k, m, n), ref)).toBeLessThan(1e-12);
        expect(maxDiff(matmulNT(a, transpose(b, k, n), m, k, n), ref)).toBeLessThan(1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it('gemmNN accumulates alpha·A·B into a strided window of C and leaves the rest alone', () => {
    const m = 5,
      k = 6,
      n = 7,
      lda = 9,
      ldb = 8,
      ldc = 10;
    const a = randomMatrix(m + 1, lda, 1),
      b = randomMatrix(k + 1, ldb, 2),
      c = randomMatrix(m + 2, ldc, 3);
    const before = c.slice();
    gemmNN(m, n, k, -2, a, lda + 1, lda, b, 1, ldb, c, ldc + 2, ldc);
    for (let i = 0; i < m + 2; i++) {
      for (let j = 0; j < ldc; j++) {
        let expected = before[i * ldc + j];
        if (i >= 1 && i <= m && j >= 2 && j < 2 + n) {
          for (let t = 0; t < k; t++) expected += -2 * a[lda + 1 + (i - 1) * lda + t] * b[1 + t * ldb + (j - 2)];
        }
        expect(Math.abs(c[i * ldc + j] - expected)).toBeLessThan(1e-12);
      }
    }
  });

  it('gemmTN in upper mode fills at least the upper triangle of AᵀA', () => {
    for (const [m, n] of [
      [3, 1],
      [10, 9],
      [17, 13],
    ]) {
      const a = randomMatrix(m, n, m + n);
      const c = new Float64Array(n * n);
      gemmTN(n, n, m, 1, a, 0, n, a, 0, n, c, 0, n, true);
      const ref = naiveMatmul(transpose(a, m, n), a, n, m, n);
      for (let i = 0; i < n; i++)
        for (let j = i; j < n; j++) expect(Math.abs(c[i * n + j] - ref[i * n + j])).toBeLessThan(1e-12);
      expect(maxDiff(gram(a, m, n), ref)).toBeLessThan(1e-12);
    }
  });

  it('large products (the WebAssembly SIMD kernel) equal the triple loop: strided windows, every remainder', () => {
    for (const [m, n, k, upper] of [
      [61, 70, 300, false],
      [130, 67, 513, false],
      [4, 257, 64, false],
      [97, 97, 129, true],
    ] as const) {
      const lda = k + 3,
        ldb = n + 2,
        ldc = n + 5;
      const a = randomMatrix(m + 1, lda, m),
        at = transpose(a, m + 1, lda),
        b = randomMatrix(k + 1, ldb, n),
        c = randomMatrix(m + 2, ldc, k);
      const nn = c.slice(),
        tn = c.slice();
      gemmNN(m, n, k, -0.5, a, lda + 1, lda, b, 1, ldb, nn, ldc + 2, ldc);
      // The same A read transposed: element (i, t) of A is at[(1 + t)·(m + 1) + 1 + i].
      gemmTN(m, n, k, -0.5, at, m + 2, m + 1, b, 1, ldb, tn, ldc + 2, ldc, upper);
      for (let i = 0; i < m + 2; i++) {
        for (let j = 0; j < ldc; j++) {
          const inside = i >= 1 && i <= m && j >= 2 && j < 2 + n;
          let want = c[i * ldc + j];
          const ai = lda + 1 + (i - 1) * lda;
          if (inside) for (let t = 0; t < k; t++) want += -0.5 * a[ai + t] * b[1 + t * ldb + j - 2];
          expect(Math.abs(nn[i * ldc + j] - want)).toBeLessThan(1e-12 * k);
          // Upper mode writes j ≥ the start of i's block of four and leaves the rest of C as it was.
          const written = !upper || j - 2 >= ((i - 1) & ~3);
          expect(Math.abs(tn[i * ldc + j] - (written ? want : c[i * ldc + j]))).toBeLessThan(1e-12 * k);
        }
      }
    }
  });

  it('transpose is an involution and moves (i, j) to (j, i)', () => {
    const a = randomMatrix(37, 70, 5);
    const t = transpose(a, 37, 70);
    expect(t[12 * 37 + 30]).toBe(a[30 * 70 + 12]);
    expect(maxDiff(transpose(t, 70, 37), a)).toBe(0);
  });

  it('norm helpers: frobenius survives huge values, maxAbs, dot, orthogonality of the identity', () => {
    expect(frobenius(new Float64Array([3e200, 4e200]))).toBeCloseTo(5e200, -190);
    expect(frobenius(new Float64Array([3e-200, 4e-200]))).toBeGreaterThan(0);
    expect(maxAbs(new Float64Array([1, -7, 3]))).toBe(7);
    expect(dot(3, new Float64Array([1, 2, 3, 4]), 1, new Float64Array([1, 1, 1]), 0)).toBe(9);
    expect(orthogonalityError(identity(6), 6, 6)).toBe(0);
  });
});
