/**
 * The facts AFM compression rests on, checked with this module's moments and eigensolver on random data:
 * projecting centred outputs on the top-k eigenvectors leaves squared error n·Σ(dropped eigenvalues), and a
 * data-blind truncated SVD of W is never better on that measure.
 */
import { describe, expect, it } from 'vitest';
import { addBatch, covariance, createMoments, matmul, svd, symEig } from '../../../src/core/linalg';
import { randomMatrix } from './helpers';

const n = 1500,
  din = 30,
  dout = 24;

/** Pre-activation outputs y = x Wᵀ + b (rows), for correlated inputs with a far-from-zero mean. */
function layer() {
  const mix = randomMatrix(din, din, 2).map((v, i) => (i % (din + 1) === 0 ? 3 : 0.3 * v));
  const x = matmul(randomMatrix(n, din, 1), mix, n, din, din).map((v, i) => v + (i % din) * 10);
  const w = randomMatrix(dout, din, 3); // d_out × d_in, the layout AFM uses for W
  const b = randomMatrix(1, dout, 4);
  const wt = new Float64Array(din * dout);
  for (let i = 0; i < dout; i++) for (let j = 0; j < din; j++) wt[j * dout + i] = w[i * din + j];
  const y = matmul(x, wt, n, din, dout);
  for (let r = 0; r < n; r++) for (let j = 0; j < dout; j++) y[r * dout + j] += b[j];
  return { x, w, b, y };
}

/** Σ over rows of ‖y − (μ + U_k U_kᵀ (y − μ))‖². */
function projectionError(y: Float64Array, mu: Float64Array, vectors: Float64Array, k: number): number {
  let err = 0;
  const c = new Float64Array(dout),
    coef = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < dout; j++) c[j] = y[r * dout + j] - mu[j];
    coef.fill(0);
    for (let j = 0; j < dout; j++) for (let t = 0; t < k; t++) coef[t] += vectors[j * dout + t] * c[j];
    for (let j = 0; j < dout; j++) {
      let p = 0;
      for (let t = 0; t < k; t++) p += vectors[j * dout + t] * coef[t];
      err += (c[j] - p) ** 2;
    }
  }
  return err;
}

describe('AFM optimality on random data', () => {
  const { x, w, b, y } = layer();
  const m = createMoments(dout);
  for (let r = 0; r < n; r += 256) addBatch(m, y.subarray(r * dout, Math.min(n, r + 256) * dout), Math.min(256, n - r));
  const eig = symEig(covariance(m), dout);

  it('squared error of the top-k projection = n × sum of the dropped eigenvalues', () => {
    for (const k of [1, 3, 8, 16, 23]) {
      let dropped = 0;
      for (let j = k; j < dout; j++) dropped += eig.values[j];
      const err = projectionError(y, m.mean, eig.vectors, k);
      expect(Math.abs(err - n * dropped) / (n * dropped)).toBeLessThan(1e-6);
    }
    expect(projectionError(y, m.mean, eig.vectors, dout)).toBeLessThan(1e-12 * n * eig.values[0]);
  });

  it('truncated SVD of W (data-blind) is never better than AFM at the same rank', () => {
    const s = svd(w, dout, din);
    for (const k of [1, 4, 10, 20]) {
      // SVD replacement: y ≈ (U_k Σ_k V_kᵀ) x + b.
      let svdErr = 0;
      for (let r = 0; r < n; r++) {
        for (let i = 0; i < dout; i++) {
          let approx = b[i];
          for (let t = 0; t < k; t++) {
            let vx = 0;
            for (let j = 0; j < din; j++) vx += s.vt[t * din + j] * x[r * din + j];
            approx += s.u[i * s.s.length + t] * s.s[t] * vx;
          }
          svdErr += (y[r * dout + i] - approx) ** 2;
        }
      }
      let dropped = 0;
      for (let j = k; j < dout; j++) dropped += eig.values[j];
      expect(svdErr).toBeGreaterThanOrEqual(n * dropped * (1 - 1e-9));
    }
  });
});
