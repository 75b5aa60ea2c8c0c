import { describe, expect, it } from 'vitest';
import { eigResidual, lazySymEig, orthogonalityError, symEig } from '../../../src/core/linalg';
import { maxDiff, randomSymmetric, reluCovariance } from './helpers';

describe('lazySymEig', () => {
  for (const n of [5, 33, 150]) {
    it(`forms columns on demand that are symEig's, growing without changing earlier ones (n = ${n})`, () => {
      const a = randomSymmetric(n, n + 1);
      const full = symEig(a, n);
      const lazy = lazySymEig(a, n);
      expect(maxDiff(lazy.values, full.values)).toBeLessThanOrEqual(1e-12 * Math.abs(full.values[0]));
      const first = lazy.columns(2);
      expect(first.cols).toBeGreaterThanOrEqual(2);
      expect(first.cols).toBeLessThan(n > 8 ? n : n + 1);
      const firstCopy = first.vectors.slice();
      const all = lazy.columns(n);
      expect(all.cols).toBe(n);
      // Earlier columns unchanged by growth; every column an eigenvector of its value.
      for (let r = 0; r < n; r++)
        for (let j = 0; j < first.cols; j++) expect(all.vectors[r * n + j]).toBe(firstCopy[r * first.cols + j]);
      const asEig = { n, values: lazy.values, vectors: all.vectors, cols: n };
      expect(eigResidual(a, n, asEig)).toBeLessThan(1e-13 * n);
      expect(orthogonalityError(all.vectors, n, n)).toBeLessThan(1e-13 * n);
      expect(maxDiff(all.vectors, full.vectors)).toBeLessThan(1e-10);
    });
  }

  it('on a rank-deficient activation covariance: residual and orthogonality of the leading columns', () => {
    const n = 60;
    const c = reluCovariance(500, 30, n, 12, 5);
    const lazy = lazySymEig(c, n, 20);
    expect(lazy.maxCols).toBe(20);
    const { vectors, cols } = lazy.columns(20);
    expect(cols).toBe(20);
    expect(eigResidual(c, n, { n, values: lazy.values, vectors, cols })).toBeLessThan(1e-12);
    expect(orthogonalityError(vectors, n, cols)).toBeLessThan(1e-12);
    expect(() => lazy.columns(21)).toThrow(RangeError);
  });

  it('gives the zero matrix zero eigenvalues and identity columns', () => {
    const lazy = lazySymEig(new Float64Array(16), 4);
    expect([...lazy.values]).toEqual([0, 0, 0, 0]);
    const { vectors, cols } = lazy.columns(4);
    for (let i = 0; i < 4; i++) for (let j = 0; j < cols; j++) expect(vectors[i * cols + j]).toBe(i === j ? 1 : 0);
  });
});
