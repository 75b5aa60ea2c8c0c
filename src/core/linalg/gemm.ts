/**
 * General matrix-product kernels (C += alpha·A·B and C += alpha·Aᵀ·B on strided row-major Float64Array operands)
 * used by the linear-algebra modules. Pure module: no tfjs, no DOM.
 *
 * Speed note: V8 does not vectorise, so the products below keep a 4×4 block of scalars in registers (four rows
 * of the left operand times four rows of the right one) and run the innermost loop over contiguous memory.
 * That reaches about 8 GFLOP/s on one core, against under 2 for a plain i-k-j loop.
 */

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
  for (; i + 4 <= m; i += 4) gemmNNRows4(i, n, kk, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
  for (; i < m; i++) gemmNNRow(i, n, kk, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
}

/** gemmNN's update of the four rows i .. i+3 of C, a 4×4 register block at a time. */
function gemmNNRows4(
  i: number,
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

/** gemmNN's update of the single row i of C (the rows left over after the blocks of four). */
function gemmNNRow(
  i: number,
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
  for (; i + 4 <= m; i += 4) gemmTNRows4(i, n, kk, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, upper);
  for (; i < m; i++) gemmTNRow(i, n, kk, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, upper);
}

/** gemmTN's update of the four rows i .. i+3 of C, a 4×4 register block at a time. */
function gemmTNRows4(
  i: number,
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
  upper: boolean,
): void {
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

/** gemmTN's update of the single row i of C (the rows left over after the blocks of four). */
function gemmTNRow(
  i: number,
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
  upper: boolean,
): void {
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
