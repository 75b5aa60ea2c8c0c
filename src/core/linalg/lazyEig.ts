/**
 * A symmetric eigendecomposition whose eigenvectors are formed on demand: the reduction to tridiagonal form and
 * the tridiagonal solve run once (all eigenvalues, and the eigenvectors of T), and the back-transformation by Q
 * (the costliest step when all vectors are wanted) runs only for the leading columns someone asks for, growing
 * as larger ranks are asked for. A compression plan at rank 64 of a 400-wide layer then pays for 64 columns,
 * not 400, and a later sweep to higher ranks reuses the same decomposition. Pure module.
 */
import { StudioError } from '../errors';
import { checkMatrix, maxAbs, type NumArray } from './matrix';
import { applyQ, tridiagonalize, type Tridiagonal } from './tridiagonal';
import { tridiagEig } from './tridiagEig';

/** Eigenvalues now, eigenvector columns (of the largest eigenvalues first) when asked. */
export interface LazySymEig {
  n: number;
  /** All n eigenvalues, descending. */
  values: Float64Array;
  /** At most this many columns can be asked for. */
  maxCols: number;
  /**
   * The n×c row-major matrix of the leading c ≥ k unit eigenvectors (column j for values[j]); c may exceed k
   * (columns are formed in growing batches). The array is never modified afterwards.
   */
  columns(k: number): { vectors: Float64Array; cols: number };
}

/**
 * The lazy eigendecomposition of the symmetric n×n row-major `a` (not modified; treated as (A + Aᵀ)/2), with
 * at most `maxCols` eigenvector columns ever formed.
 */
export function lazySymEig(a: NumArray, n: number, maxCols = n): LazySymEig {
  if (!Number.isInteger(n) || n < 0)
    throw new StudioError('INVALID_ARGUMENT', `Matrix order must be a non-negative integer, got ${n}.`);
  checkMatrix('The matrix to decompose', a, n * n);
  const limit = Math.max(0, Math.min(n, maxCols));
  const values = new Float64Array(n);
  const scale = maxAbs(a.length === n * n ? a : a.subarray(0, n * n));
  let t: Tridiagonal | null = null;
  let zt: Float64Array | null = null;
  if (scale > 0) {
    t = tridiagonalize(a, n, 1 / scale);
    const d = t.d.slice();
    zt = tridiagEig(d, t.e.slice(), n); // ascending; row i = eigenvector i of T
    for (let j = 0; j < n; j++) values[j] = d[n - 1 - j] * scale;
  }
  let vectors = new Float64Array(0);
  let cols = 0;
  const grow = (want: number) => {
    const next = Math.min(limit, Math.max(want, 2 * cols, 8));
    const fresh = new Float64Array(n * (next - cols)); // the new columns, as an n×(next−cols) block
    const w = next - cols;
    for (let j = 0; j < w; j++) {
      if (!zt)
        fresh[(cols + j) * w + j] = 1; // the zero matrix: identity columns
      else {
        const src = (n - 1 - (cols + j)) * n;
        for (let r = 0; r < n; r++) fresh[r * w + j] = zt[src + r];
      }
    }
    if (t) applyQ(t, fresh, w);
    const merged = new Float64Array(n * next);
    for (let r = 0; r < n; r++) {
      merged.set(vectors.subarray(r * cols, r * cols + cols), r * next);
      merged.set(fresh.subarray(r * w, r * w + w), r * next + cols);
    }
    vectors = merged;
    cols = next;
  };
  return {
    n,
    values,
    maxCols: limit,
    columns(k: number) {
      if (!Number.isInteger(k) || k < 0 || k > limit)
        throw new RangeError(`Asked for ${k} eigenvectors; at most ${limit} are available.`);
      if (k > cols) grow(k);
      return { vectors, cols };
    },
  };
}
