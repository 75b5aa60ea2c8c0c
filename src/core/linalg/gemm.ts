/**
 * General matrix-product kernels (C += alpha·A·B and C += alpha·Aᵀ·B on strided row-major Float64Array operands)
 * used by the linear-algebra modules. Pure module: no tfjs, no DOM.
 *
 * Speed note: V8 does not vectorise, so the products below keep a 4×4 block of scalars in registers (four rows
 * of the left operand times four rows of the right one) and run the innermost loop over contiguous memory.
 * That reaches about 8 GFLOP/s on one core, against under 2 for a plain i-k-j loop. Products of at least
 * WASM_MIN multiply-adds run on WebAssembly SIMD instead (./wasmGemm, about 17 GFLOP/s) where the engine has it.
 */
import { type WasmProduct, wasmGemm } from './wasmGemm';

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
  gemm({ m, n, kk, alpha, a, aOff, rowStep: lda, kStep: 1, b, bOff, ldb, c, cOff, ldc, upper: false });
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
  gemm({ m, n, kk, alpha, a, aOff, rowStep: 1, kStep: lda, b, bOff, ldb, c, cOff, ldc, upper });
}

/**
 * One product for both layouts of A: element (i,k) of the left operand is a[aOff + i·rowStep + k·kStep]
 * (A·B: rowStep = lda, kStep = 1; Aᵀ·B: rowStep = 1, kStep = lda). The stride only touches the loads of A,
 * which sit outside the innermost loop, so both layouts run at the same speed.
 */
type Product = WasmProduct;

/** Products of at least this many multiply-adds run on WebAssembly SIMD where it exists (./wasmGemm). */
const WASM_MIN = 1 << 16;

function gemm(p: Product): void {
  if (p.m <= 0 || p.n <= 0 || p.kk <= 0 || p.alpha === 0) return;
  if (p.m >= 4 && p.n >= 4 && p.m * p.n * p.kk >= WASM_MIN && wasmGemm(p)) return;
  let i = 0;
  for (; i + 4 <= p.m; i += 4) rows4(p, i);
  for (; i < p.m; i++) row1(p, i);
}

/** The update of the four rows i .. i+3 of C, a 4×4 register block at a time. */
function rows4(p: Product, i: number): void {
  const { n, kk, alpha, a, rowStep: rs, kStep: ks, b, bOff, ldb, c, ldc } = p;
  const r0 = p.aOff + i * rs,
    r1 = r0 + rs,
    r2 = r1 + rs,
    r3 = r2 + rs;
  const c0 = p.cOff + i * ldc,
    c1 = c0 + ldc,
    c2 = c1 + ldc,
    c3 = c2 + ldc;
  const j0 = p.upper ? i : 0;
  let k = 0;
  for (; k + 4 <= kk; k += 4) {
    // a{row of C}{k offset}
    const q0 = k * ks,
      q1 = q0 + ks,
      q2 = q1 + ks,
      q3 = q2 + ks;
    const a00 = alpha * a[r0 + q0],
      a01 = alpha * a[r0 + q1],
      a02 = alpha * a[r0 + q2],
      a03 = alpha * a[r0 + q3];
    const a10 = alpha * a[r1 + q0],
      a11 = alpha * a[r1 + q1],
      a12 = alpha * a[r1 + q2],
      a13 = alpha * a[r1 + q3];
    const a20 = alpha * a[r2 + q0],
      a21 = alpha * a[r2 + q1],
      a22 = alpha * a[r2 + q2],
      a23 = alpha * a[r2 + q3];
    const a30 = alpha * a[r3 + q0],
      a31 = alpha * a[r3 + q1],
      a32 = alpha * a[r3 + q2],
      a33 = alpha * a[r3 + q3];
    const b0 = bOff + k * ldb,
      b1 = b0 + ldb,
      b2 = b1 + ldb,
      b3 = b2 + ldb;
    // Two columns per iteration: fewer loop branches per multiply-add (about 10% faster in V8).
    let j = j0;
    for (; j + 1 < n; j += 2) {
      const x0 = b[b0 + j],
        x1 = b[b1 + j],
        x2 = b[b2 + j],
        x3 = b[b3 + j];
      const y0 = b[b0 + j + 1],
        y1 = b[b1 + j + 1],
        y2 = b[b2 + j + 1],
        y3 = b[b3 + j + 1];
      c[c0 + j] += a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
      c[c0 + j + 1] += a00 * y0 + a01 * y1 + a02 * y2 + a03 * y3;
      c[c1 + j] += a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
      c[c1 + j + 1] += a10 * y0 + a11 * y1 + a12 * y2 + a13 * y3;
      c[c2 + j] += a20 * x0 + a21 * x1 + a22 * x2 + a23 * x3;
      c[c2 + j + 1] += a20 * y0 + a21 * y1 + a22 * y2 + a23 * y3;
      c[c3 + j] += a30 * x0 + a31 * x1 + a32 * x2 + a33 * x3;
      c[c3 + j + 1] += a30 * y0 + a31 * y1 + a32 * y2 + a33 * y3;
    }
    if (j < n) {
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
  if (k < kk) rows4Tail(p, i, k);
}

/** The last k (fewer than four) of {@link rows4}'s update, one k at a time. */
function rows4Tail(p: Product, i: number, kFrom: number): void {
  const { n, kk, alpha, a, rowStep: rs, kStep: ks, b, bOff, ldb, c, ldc } = p;
  const r0 = p.aOff + i * rs,
    r1 = r0 + rs,
    r2 = r1 + rs,
    r3 = r2 + rs;
  const c0 = p.cOff + i * ldc,
    c1 = c0 + ldc,
    c2 = c1 + ldc,
    c3 = c2 + ldc;
  const j0 = p.upper ? i : 0;
  for (let k = kFrom; k < kk; k++) {
    const q = k * ks;
    const a0 = alpha * a[r0 + q],
      a1 = alpha * a[r1 + q],
      a2 = alpha * a[r2 + q],
      a3 = alpha * a[r3 + q];
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

/** The update of the single row i of C (the rows left over after the blocks of four). */
function row1(p: Product, i: number): void {
  const { n, kk, alpha, a, kStep: ks, b, bOff, ldb, c } = p;
  const r0 = p.aOff + i * p.rowStep,
    c0 = p.cOff + i * p.ldc;
  const j0 = p.upper ? i : 0;
  let k = 0;
  for (; k + 4 <= kk; k += 4) {
    const q = r0 + k * ks;
    const a0 = alpha * a[q],
      a1 = alpha * a[q + ks],
      a2 = alpha * a[q + 2 * ks],
      a3 = alpha * a[q + 3 * ks];
    const b0 = bOff + k * ldb,
      b1 = b0 + ldb,
      b2 = b1 + ldb,
      b3 = b2 + ldb;
    for (let j = j0; j < n; j++) c[c0 + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
  }
  for (; k < kk; k++) {
    const a0 = alpha * a[r0 + k * ks],
      bk = bOff + k * ldb;
    for (let j = j0; j < n; j++) c[c0 + j] += a0 * b[bk + j];
  }
}
