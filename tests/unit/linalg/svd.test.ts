import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frobenius, matmul, orthogonalityError, svd, transpose, type Svd } from '../../../src/core/linalg';
import { codeOf, randomMatrix, withSingularValues } from './helpers';

/** Reconstruction, orthonormality and ordering, with tolerances scaled by the size. */
function expectValid(a: Float64Array, m: number, n: number, r: Svd): void {
  const k = Math.min(m, n);
  const tol = 1e-13 * Math.max(m, n, 10);
  expect(r.u.length).toBe(m * k);
  expect(r.s.length).toBe(k);
  expect(r.vt.length).toBe(k * n);
  for (let i = 1; i < k; i++) expect(r.s[i]).toBeLessThanOrEqual(r.s[i - 1]);
  for (let i = 0; i < k; i++) expect(r.s[i]).toBeGreaterThanOrEqual(0);
  const us = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) us[i * k + j] = r.u[i * k + j] * r.s[j];
  const back = matmul(us, r.vt, m, k, n);
  for (let i = 0; i < back.length; i++) back[i] -= a[i];
  const na = frobenius(a);
  expect(frobenius(back)).toBeLessThanOrEqual(tol * (na || 1));
  expect(orthogonalityError(r.u, m, k)).toBeLessThan(tol);
  expect(orthogonalityError(transpose(r.vt, k, n), n, k)).toBeLessThan(tol);
}

/** max_i |s_i − expected_i| / s_0 (expected padded with zeros). */
function singularValueError(s: Float64Array, expected: number[]): number {
  const e = [...expected].sort((x, y) => y - x);
  let err = 0;
  for (let i = 0; i < s.length; i++) err = Math.max(err, Math.abs(s[i] - (e[i] ?? 0)));
  return err / s[0];
}

describe('svd', () => {
  it('square, tall and wide random matrices', () => {
    for (const [m, n] of [
      [1, 1],
      [1, 9],
      [9, 1],
      [2, 2],
      [7, 5],
      [5, 7],
      [40, 40],
      [300, 24],
      [24, 300],
      [130, 97],
    ]) {
      const a = randomMatrix(m, n, m * 1000 + n);
      const r = svd(a, m, n);
      expectValid(a, m, n, r);
      expect(r.rank).toBe(Math.min(m, n));
    }
  });

  it('holds as a property over random shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 1 << 30 }),
        (m, n, seed) => {
          const a = randomMatrix(m, n, seed);
          expectValid(a, m, n, svd(a, m, n));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rank-deficient tall and wide inputs: exact rank, zero tail, orthonormal completion of U', () => {
    for (const [m, n] of [
      [80, 60],
      [60, 80],
      [200, 16],
    ]) {
      const sv = [5, 4, 3, 2, 1];
      const a = withSingularValues(m, n, sv, m + n);
      const r = svd(a, m, n);
      expectValid(a, m, n, r);
      expect(r.rank).toBe(5);
      expect(singularValueError(r.s, sv)).toBeLessThan(1e-14 * Math.max(m, n));
    }
  });

  it('small singular values are accurate to ε‖A‖ in absolute terms (not √ε as the plain Gram route)', () => {
    const sv = Array.from({ length: 60 }, (_, i) => Math.pow(10, -i / 5)); // 1 .. 1e-12
    const a = withSingularValues(100, 60, sv, 77);
    const r = svd(a, 100, 60);
    expectValid(a, 100, 60, r);
    expect(singularValueError(r.s, sv)).toBeLessThan(1e-14);
    // σ = 1e-6 is still found to ~1e-8 relative, where eig(AᵀA) alone would give only ~1e-4.
    expect(Math.abs(r.s[30] - 1e-6) / 1e-6).toBeLessThan(1e-7);
  });

  it('embedding-table shape: 20000 × 32', () => {
    const a = randomMatrix(20000, 32, 5);
    const r = svd(a, 20000, 32);
    expectValid(a, 20000, 32, r);
  });

  it('zero, huge and tiny matrices', () => {
    const z = svd(new Float64Array(12), 4, 3);
    expect([...z.s]).toEqual([0, 0, 0]);
    expect(z.rank).toBe(0);
    expectValid(new Float64Array(12), 4, 3, z);
    for (const scale of [1e200, 1e-200]) {
      const a = randomMatrix(30, 20, 3).map((x) => x * scale);
      const r = svd(a, 30, 20);
      expectValid(a, 30, 20, r);
      expect(r.s[0]).toBeGreaterThan(scale);
    }
  });

  it('rejects bad input with INVALID_ARGUMENT', () => {
    expect(codeOf(() => svd(new Float64Array([1, Number.POSITIVE_INFINITY]), 1, 2))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => svd(new Float64Array(5), 2, 3))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => svd(new Float64Array(6), 2.5, 3))).toBe('INVALID_ARGUMENT');
  });
});
