import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wasmApplyQ } from '../../../src/core/linalg/wasmApplyQ';
import {
  applyQ,
  eigResidual,
  identity,
  matmul,
  orthogonalityError,
  symEig,
  transpose,
  tridiagEig,
  tridiagonalize,
  type SymEig,
} from '../../../src/core/linalg';
import { codeOf, maxDiff, randomSymmetric, reluCovariance, withSpectrum } from './helpers';

/** The invariants every decomposition must satisfy, with tolerances scaled by n. */
function expectValid(a: Float64Array, n: number, e: SymEig): void {
  const tol = 1e-13 * Math.max(n, 10);
  expect(e.values.length).toBe(n);
  expect(e.vectors.length).toBe(n * e.cols);
  for (let i = 1; i < n; i++) expect(e.values[i]).toBeLessThanOrEqual(e.values[i - 1]);
  expect(eigResidual(a, n, e)).toBeLessThan(tol);
  expect(orthogonalityError(e.vectors, n, e.cols)).toBeLessThan(tol);
  // trace = Σλ, relative to Σ|λ| (a scale that cannot cancel).
  let trace = 0,
    sum = 0,
    abs = 0;
  for (let i = 0; i < n; i++) {
    trace += a[i * n + i];
    sum += e.values[i];
    abs += Math.abs(e.values[i]);
  }
  expect(Math.abs(trace - sum)).toBeLessThanOrEqual(tol * Math.max(abs, Number.MIN_VALUE));
}

/** n×n symmetric tridiagonal matrix from its diagonal and off-diagonal. */
function tridiagonalMatrix(d: number[], e: number[]): Float64Array {
  const n = d.length,
    a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = d[i];
    if (i < n - 1) a[i * n + i + 1] = a[(i + 1) * n + i] = e[i];
  }
  return a;
}

describe('symEig on random matrices', () => {
  it('satisfies residual, orthogonality, descending order and trace for sizes across the leaf/merge boundary', () => {
    for (const n of [1, 2, 3, 4, 5, 8, 31, 32, 33, 34, 63, 65, 100, 129, 257]) {
      const a = randomSymmetric(n, 1000 + n);
      expectValid(a, n, symEig(a, n));
    }
  });

  it('holds as a property over random sizes and seeds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 0, max: 1 << 30 }), (n, seed) => {
        const a = randomSymmetric(n, seed);
        expectValid(a, n, symEig(a, n));
      }),
      { numRuns: 40 },
    );
  });

  it('recovers a prescribed spectrum', () => {
    const values = Array.from({ length: 60 }, (_, i) => Math.sin(i) * 10);
    const e = symEig(withSpectrum(values, 3), 60);
    const sorted = [...values].sort((x, y) => y - x);
    expect(maxDiff(e.values, sorted)).toBeLessThan(1e-12 * 10 * 60);
  });

  it('does not modify its input, accepts Float32Array, and treats a non-symmetric input as (A+Aᵀ)/2', () => {
    const n = 40,
      a = randomSymmetric(n, 9),
      copy = a.slice();
    const e = symEig(a, n);
    expect(maxDiff(a, copy)).toBe(0);
    const f32 = new Float32Array(a);
    expectValid(new Float64Array(f32), n, symEig(f32, n));
    const skew = a.slice();
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        skew[i * n + j] += 0.5;
        skew[j * n + i] -= 0.5;
      }
    expect(maxDiff(symEig(skew, n).values, e.values)).toBeLessThan(1e-12);
  });

  it('returns only the leading eigenvectors when asked, and their transpose', () => {
    const n = 120,
      a = randomSymmetric(n, 21);
    const full = symEig(a, n);
    const top = symEig(a, n, { vectors: 7, transposed: true });
    expect(top.cols).toBe(7);
    expect(maxDiff(top.values, full.values)).toBe(0);
    expectValid(a, n, top);
    expect(maxDiff(top.vectorsT!, transpose(top.vectors, n, 7))).toBe(0);
    // Same vectors as the full run, up to sign.
    for (let j = 0; j < 7; j++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += top.vectors[i * 7 + j] * full.vectors[i * n + j];
      expect(Math.abs(Math.abs(d) - 1)).toBeLessThan(1e-10);
    }
  });
});

describe('symEig on hard matrices', () => {
  const cases: [string, number, () => Float64Array][] = [
    ['zero matrix', 50, () => new Float64Array(2500)],
    ['1×1', 1, () => new Float64Array([-3])],
    ['2×2', 2, () => new Float64Array([1, 2, 2, 1])],
    ['identity', 70, () => identity(70)],
    ['all ones (rank 1)', 90, () => new Float64Array(8100).fill(1)],
    [
      'diagonal with repeats',
      80,
      () =>
        tridiagonalMatrix(
          Array.from({ length: 80 }, (_, i) => ((i * 7) % 5) - 2),
          new Array(79).fill(0),
        ),
    ],
    ['rank 5 Gram matrix', 150, () => withSpectrum([9, 7, 5, 3, 1, ...new Array(145).fill(0)], 4)],
    [
      'three values, each 50 times',
      150,
      () =>
        withSpectrum(
          Array.from({ length: 150 }, (_, i) => i % 3),
          5,
        ),
    ],
    [
      'tight clusters',
      150,
      () =>
        withSpectrum(
          Array.from({ length: 150 }, (_, i) => Math.floor(i / 30) + 1e-13 * i),
          6,
        ),
    ],
    [
      'graded 1 .. 1e-15',
      120,
      () =>
        withSpectrum(
          Array.from({ length: 120 }, (_, i) => Math.pow(10, -i / 8)),
          7,
        ),
    ],
    ['huge scale 1e150', 60, () => randomSymmetric(60, 8).map((x) => x * 1e150)],
    ['tiny scale 1e-150', 60, () => randomSymmetric(60, 8).map((x) => x * 1e-150)],
    [
      'Wilkinson W+ 201',
      201,
      () =>
        tridiagonalMatrix(
          Array.from({ length: 201 }, (_, i) => Math.abs(i - 100)),
          new Array(200).fill(1),
        ),
    ],
    [
      'glued Wilkinson blocks',
      210,
      () =>
        tridiagonalMatrix(
          Array.from({ length: 210 }, (_, i) => Math.abs((i % 21) - 10)),
          Array.from({ length: 209 }, (_, i) => (i % 21 === 20 ? 1e-14 : 1)),
        ),
    ],
    ['ReLU activation covariance, low-rank input', 300, () => reluCovariance(1500, 48, 300, 12, 10)],
    ['ReLU activation covariance, full input', 200, () => reluCovariance(1000, 200, 200, 200, 11)],
  ];
  for (const [name, n, make] of cases) {
    it(name, () => {
      const a = make();
      expectValid(a, n, symEig(a, n));
    });
  }

  it('gives the zero matrix zero eigenvalues and identity vectors', () => {
    const e = symEig(new Float64Array(9), 3);
    expect([...e.values]).toEqual([0, 0, 0]);
    expect(maxDiff(e.vectors, identity(3))).toBe(0);
  });

  it('finds the exact spectrum of a rank-deficient matrix: zeros stay at rounding level', () => {
    const n = 100,
      e = symEig(withSpectrum([4, 3, 2, ...new Array(n - 3).fill(0)], 12), n);
    expect(maxDiff(e.values.subarray(0, 3), [4, 3, 2])).toBeLessThan(1e-13);
    for (let i = 3; i < n; i++) expect(Math.abs(e.values[i])).toBeLessThan(1e-13);
  });

  it('rejects bad input with INVALID_ARGUMENT', () => {
    expect(codeOf(() => symEig(new Float64Array([1, Number.NaN, Number.NaN, 1]), 2))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => symEig(new Float64Array(3), 2))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => symEig(new Float64Array(4), -2))).toBe('INVALID_ARGUMENT');
    expect(symEig(new Float64Array(0), 0).values.length).toBe(0);
  });
});

describe('building blocks', () => {
  it('tridiagonalize + applyQ: Q T Qᵀ = A with Q orthogonal', () => {
    for (const n of [3, 4, 17, 70, 140]) {
      const a = randomSymmetric(n, n);
      const t = tridiagonalize(a, n);
      const q = identity(n);
      applyQ(t, q, n);
      const tm = tridiagonalMatrix([...t.d], [...t.e.subarray(0, n - 1)]);
      const back = matmul(matmul(q, tm, n, n, n), transpose(q, n, n), n, n, n);
      expect(maxDiff(back, a)).toBeLessThan(1e-13 * n);
      expect(orthogonalityError(q, n, n)).toBeLessThan(1e-13 * n);
    }
  });

  it('applyQ on a few columns, in the module or not, equals applying each reflector in turn', () => {
    for (const [n, cols] of [
      [70, 37],
      [133, 5],
      [96, 96],
    ]) {
      const t = tridiagonalize(randomSymmetric(n, n + cols), n);
      const z = randomSymmetric(Math.max(n, cols), cols).subarray(0, n * cols);
      // H_k = I − τ_k v_k v_kᵀ with v_k zero up to k, 1 at k+1, then row k of h; Q Z = H_0 (H_1 ( ⋯ Z)).
      const ref = Float64Array.from(z);
      for (let k = n - 3; k >= 0; k--) {
        const v = new Float64Array(n);
        v[k + 1] = 1;
        for (let i = k + 2; i < n; i++) v[i] = t.h[k * n + i];
        for (let j = 0; j < cols; j++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += v[i] * ref[i * cols + j];
          for (let i = 0; i < n; i++) ref[i * cols + j] -= t.tau[k] * v[i] * s;
        }
      }
      const viaModule = Float64Array.from(z);
      expect(wasmApplyQ(t, viaModule, cols)).toBe(true);
      expect(maxDiff(viaModule, ref)).toBeLessThan(1e-13 * n);
      const blocked = Float64Array.from(z);
      applyQ(t, blocked, cols);
      expect(maxDiff(blocked, ref)).toBeLessThan(1e-13 * n);
    }
  });

  it('tridiagEig: divide and conquer matches the definition on tridiagonal matrices with tiny couplings', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 1 << 30 }), (n, seed) => {
        const a = randomSymmetric(n, seed);
        const d = Array.from({ length: n }, (_, i) => a[i * n + i]);
        // Couplings across 20 orders of magnitude, some exactly zero: deflation and splitting paths.
        const e = Array.from({ length: Math.max(0, n - 1) }, (_, i) =>
          i % 11 === 5 ? 0 : a[i * n + i + 1] * Math.pow(10, -((i * 7) % 20)),
        );
        const dd = Float64Array.from(d),
          ee = new Float64Array(n);
        ee.set(e);
        const zt = tridiagEig(dd, ee, n);
        const t = tridiagonalMatrix(d, e);
        const eig: SymEig = {
          n,
          values: dd.slice().reverse(),
          vectors: transpose(zt, n, n).map((_, i, arr) => arr[Math.floor(i / n) * n + (n - 1 - (i % n))]),
          cols: n,
        };
        expectValid(t, n, eig);
      }),
      { numRuns: 30 },
    );
  });
});
