/**
 * Dense row-major Float64Array matrix helpers shared by the linear-algebra modules. Pure module: no tfjs, no DOM.
 * The blocked product kernels gemmNN and gemmTN live in ./gemm and are re-exported here.
 */
import { StudioError } from '../errors';
import { gemmNN, gemmTN } from './gemm';

export { gemmNN, gemmTN };

/** Any array of numbers the linear-algebra functions accept as input. */
export type NumArray = Float64Array | Float32Array;

/** Machine epsilon of Float64 (2^-52). */
export const EPS = 2.220446049250313e-16;

/** Copies the upper triangle of the n×n row-major matrix c onto its lower triangle. */
export function mirrorUpper(c: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const r = i * n;
    for (let j = 0; j < i; j++) c[r + j] = c[j * n + i];
  }
}

/** A·B for row-major A (m×k) and B (k×n): a new m×n matrix. */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  gemmNN(m, n, k, 1, a, 0, k, b, 0, n, c, 0, n);
  return c;
}

/** Aᵀ·B for row-major A (k×m) and B (k×n): a new m×n matrix. */
export function matmulTN(a: Float64Array, b: Float64Array, k: number, m: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  gemmTN(m, n, k, 1, a, 0, m, b, 0, n, c, 0, n);
  return c;
}

/** A·Bᵀ for row-major A (m×k) and B (n×k): a new m×n matrix (transposes B once, then multiplies). */
export function matmulNT(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  return matmul(a, transpose(b, n, k), m, k, n);
}

/** The Gram matrix AᵀA (n×n, symmetric) of a row-major m×n matrix, computing one triangle only. */
export function gram(a: Float64Array, m: number, n: number): Float64Array {
  const c = new Float64Array(n * n);
  gemmTN(n, n, m, 1, a, 0, n, a, 0, n, c, 0, n, true);
  mirrorUpper(c, n);
  return c;
}

/** The transpose (n×m) of a row-major m×n matrix, by cache-sized tiles. */
export function transpose(a: NumArray, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  const TILE = 32;
  for (let i0 = 0; i0 < m; i0 += TILE) {
    const i1 = Math.min(m, i0 + TILE);
    for (let j0 = 0; j0 < n; j0 += TILE) {
      const j1 = Math.min(n, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const r = i * n;
        for (let j = j0; j < j1; j++) t[j * m + i] = a[r + j];
      }
    }
  }
  return t;
}

/** The n×n identity matrix. */
export function identity(n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  return a;
}

/** Frobenius norm, scaled to avoid overflow and underflow. */
export function frobenius(a: NumArray): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  const inv = 1 / scale;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] * inv;
    s += x * x;
  }
  return scale * Math.sqrt(s);
}

/** Largest absolute entry. */
export function maxAbs(a: NumArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Math.abs(a[i]);
    if (x > s) s = x;
  }
  return s;
}

/** Dot product of x[xOff .. xOff+n) and y[yOff .. yOff+n). */
export function dot(n: number, x: Float64Array, xOff: number, y: Float64Array, yOff: number): number {
  let s0 = 0,
    s1 = 0;
  let i = 0;
  // Two accumulators halve the add latency chain.
  for (; i + 2 <= n; i += 2) {
    s0 += x[xOff + i] * y[yOff + i];
    s1 += x[xOff + i + 1] * y[yOff + i + 1];
  }
  if (i < n) s0 += x[xOff + i] * y[yOff + i];
  return s0 + s1;
}

/** ‖QᵀQ − I‖_F for the n columns of a row-major m×n matrix Q (0 means orthonormal columns). */
export function orthogonalityError(q: Float64Array, m: number, n: number): number {
  const g = gram(q, m, n);
  for (let i = 0; i < n; i++) g[i * n + i] -= 1;
  return frobenius(g);
}

/** Throws INVALID_ARGUMENT unless `a` holds at least `size` entries, all finite. */
export function checkMatrix(what: string, a: NumArray, size: number): void {
  if (a.length < size) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${what} has ${a.length} entries but ${size} are needed: check its shape.`,
    );
  }
  for (let i = 0; i < size; i++) {
    if (!Number.isFinite(a[i])) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `${what} contains a non-finite value (NaN or infinity) at index ${i}: fix the input first.`,
      );
    }
  }
}
