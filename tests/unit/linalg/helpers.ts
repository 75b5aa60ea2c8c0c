/** Shared test helpers for the linear-algebra tests: reference implementations and test matrices. */
import { expect } from 'vitest';
import { gram, matmul, symEig, transpose, randomMatrix, randomSymmetric } from '../../../src/core/linalg';

export { randomMatrix, randomSymmetric };
export { codeOf } from '../../helpers/errors';

/** Plain triple-loop product, the reference for the blocked kernels. */
export function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * n + j];
      c[i * n + j] = s;
    }
  }
  return c;
}

/** max |a_i − b_i|. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** An n×r matrix with orthonormal columns (from the eigenvectors of a random symmetric matrix). */
export function randomOrthonormal(n: number, r: number, seed: number): Float64Array {
  const v = symEig(randomSymmetric(n, seed), n).vectors;
  const q = new Float64Array(n * r);
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) q[i * r + j] = v[i * n + j];
  return q;
}

/** Q diag(values) Qᵀ for a random orthogonal Q: a symmetric matrix with exactly this spectrum. */
export function withSpectrum(values: number[], seed: number): Float64Array {
  const n = values.length;
  const q = randomOrthonormal(n, n, seed);
  const qd = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qd[i * n + j] = q[i * n + j] * values[j];
  return matmul(qd, transpose(q, n, n), n, n, n);
}

/** U diag(sv) Vᵀ (m×n) for random orthonormal U, V: a matrix with exactly these nonzero singular values. */
export function withSingularValues(m: number, n: number, sv: number[], seed: number): Float64Array {
  const r = sv.length;
  const u = randomOrthonormal(m, r, seed),
    v = randomOrthonormal(n, r, seed + 1);
  for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) u[i * r + j] *= sv[j];
  return matmul(u, transpose(v, n, r), m, r, n);
}

/**
 * Population covariance (divide by rows) of ReLU(X W) for rank-`rank` Gaussian inputs X, with every 7th unit
 * dead: the shape of activation covariances (clusters, exact zeros, rank deficiency).
 */
export function reluCovariance(rows: number, din: number, dout: number, rank: number, seed: number): Float64Array {
  const basis = randomMatrix(rank, din, seed),
    coef = randomMatrix(rows, rank, seed + 1);
  const x = matmul(coef, basis, rows, rank, din);
  const y = matmul(x, randomMatrix(din, dout, seed + 2), rows, din, dout);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dout; j++) {
      const i = r * dout + j;
      y[i] = j % 7 === 0 ? 0 : Math.max(0, y[i]);
    }
  }
  const mu = new Float64Array(dout);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dout; j++) mu[j] += y[r * dout + j] / rows;
  for (let r = 0; r < rows; r++) for (let j = 0; j < dout; j++) y[r * dout + j] -= mu[j];
  const c = gram(y, rows, dout);
  for (let i = 0; i < c.length; i++) c[i] /= rows;
  return c;
}
