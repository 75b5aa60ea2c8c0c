/**
 * Dense row-major Float64Array matrix helpers shared by the linear-algebra modules. Pure module: no tfjs, no DOM.
 *
 * Speed note: V8 does not vectorise, so the products below keep a 4×4 block of scalars in registers (four rows
 * of the left operand times four rows of the right one) and run the innermost loop over contiguous memory.
 * That reaches about 8 GFLOP/s on one core, against under 2 for a plain i-k-j loop.
 */
import { StudioError } from '../errors';

/** Any array of numbers the linear-algebra functions accept as input. */
export type NumArray = Float64Array | Float32Array;

/** Machine epsilon of Float64 (2^-52). */
export const EPS = 2.220446049250313e-16;

/**
 * C[i,j] += alpha · Σ_k A[i,k] · B[k,j] for i < m, j < n, k < kk (general strided row-major operands:
 * element (i,k) of A is a[aOff + i·lda + k], and likewise for B and C).
 */
export function gemmNN(
  m: number,
  n: number,
  kk: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  lda: number,
  b: Float64Array,
  bOff: number,
  ldb: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  if (m <= 0 || n <= 0 || kk <= 0 || alpha === 0) return;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = aOff + i * lda,
      r1 = r0 + lda,
      r2 = r1 + lda,
      r3 = r2 + lda;
    const c0 = cOff + i * ldc,
      c1 = c0 + ldc,
      c2 = c1 + ldc,
      c3 = c2 + ldc;
    let k = 0;
    for (; k + 4 <= kk; k += 4) {
      const a00 = alpha * a[r0 + k],
        a01 = alpha * a[r0 + k + 1],
        a02 = alpha * a[r0 + k + 2],
        a03 = alpha * a[r0 + k + 3];
      const a10 = alpha * a[r1 + k],
        a11 = alpha * a[r1 + k + 1],
        a12 = alpha * a[r1 + k + 2],
        a13 = alpha * a[r1 + k + 3];
      const a20 = alpha * a[r2 + k],
        a21 = alpha * a[r2 + k + 1],
        a22 = alpha * a[r2 + k + 2],
        a23 = alpha * a[r2 + k + 3];
      const a30 = alpha * a[r3 + k],
        a31 = alpha * a[r3 + k + 1],
        a32 = alpha * a[r3 + k + 2],
        a33 = alpha * a[r3 + k + 3];
      const b0 = bOff + k * ldb,
        b1 = b0 + ldb,
        b2 = b1 + ldb,
        b3 = b2 + ldb;
      for (let j = 0; j < n; j++) {
        const x0 = b[b0 + j],
          x1 = b[b1 + j],
          x2 = b[b2 + j],
          x3 = b[b3 + j];
        c[c0 + j] += a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
        c[c1 + j] += a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
        c[c2 + j] += a20 * x0 + a21 * x1 + a22 * x2 + a23 * x3;
        c[c3 + j] += a30 * x0 + a31 * x1 + a32 * x2 + a33 * x3;
      }
    }
    for (; k < kk; k++) {
      const a0 = alpha * a[r0 + k],
        a1 = alpha * a[r1 + k],
        a2 = alpha * a[r2 + k],
        a3 = alpha * a[r3 + k];
      const bk = bOff + k * ldb;
      for (let j = 0; j < n; j++) {
        const x = b[bk + j];
        c[c0 + j] += a0 * x;
        c[c1 + j] += a1 * x;
        c[c2 + j] += a2 * x;
        c[c3 + j] += a3 * x;
      }
    }
  }
  for (; i < m; i++) {
    const r0 = aOff + i * lda,
      c0 = cOff + i * ldc;
    let k = 0;
    for (; k + 4 <= kk; k += 4) {
      const a0 = alpha * a[r0 + k],
        a1 = alpha * a[r0 + k + 1],
        a2 = alpha * a[r0 + k + 2],
        a3 = alpha * a[r0 + k + 3];
      const b0 = bOff + k * ldb,
        b1 = b0 + ldb,
        b2 = b1 + ldb,
        b3 = b2 + ldb;
      for (let j = 0; j < n; j++) c[c0 + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; k < kk; k++) {
      const a0 = alpha * a[r0 + k],
        bk = bOff + k * ldb;
      for (let j = 0; j < n; j++) c[c0 + j] += a0 * b[bk + j];
    }
  }
}

/**
 * C[i,j] += alpha · Σ_k A[k,i] · B[k,j] (A stored k-major: element (k,i) at a[aOff + k·lda + i]).
 * With `upper`, only j ≥ (start of i's block of 4) is computed: enough for the upper triangle of AᵀA.
 */
export function gemmTN(
  m: number,
  n: number,
  kk: number,
  alpha: number,
  a: Float64Array,
  aOff: number,
  lda: number,
  b: Float64Array,
  bOff: number,
  ldb: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
  upper = false,
): void {
  if (m <= 0 || n <= 0 || kk <= 0 || alpha === 0) return;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const c0 = cOff + i * ldc,
      c1 = c0 + ldc,
      c2 = c1 + ldc,
      c3 = c2 + ldc;
    const j0 = upper ? i : 0;
    let k = 0;
    for (; k + 4 <= kk; k += 4) {
      const p0 = aOff + k * lda + i,
        p1 = p0 + lda,
        p2 = p1 + lda,
        p3 = p2 + lda;
      // a{row of C}{k offset}
      const a00 = alpha * a[p0],
        a01 = alpha * a[p1],
        a02 = alpha * a[p2],
        a03 = alpha * a[p3];
      const a10 = alpha * a[p0 + 1],
        a11 = alpha * a[p1 + 1],
        a12 = alpha * a[p2 + 1],
        a13 = alpha * a[p3 + 1];
      const a20 = alpha * a[p0 + 2],
        a21 = alpha * a[p1 + 2],
        a22 = alpha * a[p2 + 2],
        a23 = alpha * a[p3 + 2];
      const a30 = alpha * a[p0 + 3],
        a31 = alpha * a[p1 + 3],
        a32 = alpha * a[p2 + 3],
        a33 = alpha * a[p3 + 3];
      const b0 = bOff + k * ldb,
        b1 = b0 + ldb,
        b2 = b1 + ldb,
        b3 = b2 + ldb;
      for (let j = j0; j < n; j++) {
        const x0 = b[b0 + j],
          x1 = b[b1 + j],
          x2 = b[b2 + j],
          x3 = b[b3 + j];
        c[c0 + j] += a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
        c[c1 + j] += a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
        c[c2 + j] += a20 * x0 + a21 * x1 + a22 * x2 + a23 * x3;
        c[c3 + j] += a30 * x0 + a31 * x1 + a32 * x2 + a33 * x3;
      }
    }
    for (; k < kk; k++) {
      const p = aOff + k * lda + i;
      const a0 = alpha * a[p],
        a1 = alpha * a[p + 1],
        a2 = alpha * a[p + 2],
        a3 = alpha * a[p + 3];
      const bk = bOff + k * ldb;
      for (let j = j0; j < n; j++) {
        const x = b[bk + j];
        c[c0 + j] += a0 * x;
        c[c1 + j] += a1 * x;
        c[c2 + j] += a2 * x;
        c[c3 + j] += a3 * x;
      }
    }
  }
  for (; i < m; i++) {
    const c0 = cOff + i * ldc;
    const j0 = upper ? i : 0;
    let k = 0;
    for (; k + 4 <= kk; k += 4) {
      const p = aOff + k * lda + i;
      const a0 = alpha * a[p],
        a1 = alpha * a[p + lda],
        a2 = alpha * a[p + 2 * lda],
        a3 = alpha * a[p + 3 * lda];
      const b0 = bOff + k * ldb,
        b1 = b0 + ldb,
        b2 = b1 + ldb,
        b3 = b2 + ldb;
      for (let j = j0; j < n; j++) c[c0 + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; k < kk; k++) {
      const a0 = alpha * a[aOff + k * lda + i],
        bk = bOff + k * ldb;
      for (let j = j0; j < n; j++) c[c0 + j] += a0 * b[bk + j];
    }
  }
}

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
