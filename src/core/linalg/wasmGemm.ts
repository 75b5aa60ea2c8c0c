/**
 * The matrix product on WebAssembly SIMD (./wasmModule's kernel, two Float64 lanes per instruction), where the
 * engine has it: about 2.5 times the speed of the scalar JavaScript kernels in ./gemm on large products. The
 * loops around the kernel run here. Same arithmetic as ./gemm (a sum of products per entry, in Float64, in
 * another order), so results agree to rounding. Pure module.
 *
 * Layout: the operands are copied into the module's memory, A in panels of four rows (k-major inside a panel,
 * alpha applied), B in panels of four columns (k-major), C row-major, padded to multiples of four. The kernel
 * keeps a 4×4 block of C in eight two-lane registers over a run of KC values of k.
 */
import { linalgWasm, wasmHeap, type LinalgWasm } from './wasmModule';

/** Values of k per kernel call (a B panel of KC·4 values stays in the first-level cache). */
const KC = 256;
/** Rows of A per kernel call (an A block of MC·KC values stays in the second-level cache). */
const MC = 64;

/** A product for {@link wasmGemm}: element (i,k) of A at a[aOff + i·rowStep + k·kStep]; B and C row-major. */
export interface WasmProduct {
  m: number;
  n: number;
  kk: number;
  alpha: number;
  a: Float64Array;
  aOff: number;
  rowStep: number;
  kStep: number;
  b: Float64Array;
  bOff: number;
  ldb: number;
  c: Float64Array;
  cOff: number;
  ldc: number;
  /** Only entries j ≥ the start of i's block of four are written (the upper triangle of a symmetric result). */
  upper: boolean;
}

const up4 = (x: number) => (x + 3) & ~3;

/** Copies alpha·A into panels of four rows (k-major inside a panel): panel p, value (k, r) at (p·K + k)·4 + r. */
function packA(p: WasmProduct, h: Float64Array, at: number, K: number): void {
  const { m, kk, alpha, a, aOff, rowStep: rs, kStep: ks } = p;
  for (let i0 = 0; i0 < m; i0 += 4) {
    let dst = at + i0 * K;
    const s0 = aOff + i0 * rs;
    if (i0 + 4 <= m) {
      const s1 = s0 + rs,
        s2 = s1 + rs,
        s3 = s2 + rs;
      for (let k = 0, q = 0; k < kk; k++, q += ks, dst += 4) {
        h[dst] = alpha * a[s0 + q];
        h[dst + 1] = alpha * a[s1 + q];
        h[dst + 2] = alpha * a[s2 + q];
        h[dst + 3] = alpha * a[s3 + q];
      }
    } else {
      for (let k = 0; k < kk; k++, dst += 4)
        for (let r = 0; i0 + r < m; r++) h[dst + r] = alpha * a[s0 + r * rs + k * ks];
    }
  }
}

/** Copies B into panels of four columns (k-major): panel q, value (k, c) at (q·K + k)·4 + c. */
function packB(p: WasmProduct, h: Float64Array, at: number, K: number): void {
  const { n, kk, b, bOff, ldb } = p;
  for (let j0 = 0; j0 < n; j0 += 4) {
    let dst = at + j0 * K;
    if (j0 + 4 <= n) {
      for (let k = 0, src = bOff + j0; k < kk; k++, src += ldb, dst += 4) {
        h[dst] = b[src];
        h[dst + 1] = b[src + 1];
        h[dst + 2] = b[src + 2];
        h[dst + 3] = b[src + 3];
      }
    } else {
      for (let k = 0; k < kk; k++, dst += 4) for (let c = 0; j0 + c < n; c++) h[dst + c] = b[bOff + k * ldb + j0 + c];
    }
  }
}

/**
 * C[i,j] += alpha · Σ_k A[i,k] · B[k,j] on WebAssembly SIMD. Returns false (nothing done) where the module is
 * unavailable: the caller then runs its own kernel.
 */
export function wasmGemm(p: WasmProduct): boolean {
  const w = linalgWasm();
  if (!w) return false;
  const { m, n, kk, c, cOff, ldc, upper } = p;
  const M = up4(m),
    N = up4(n),
    K = kk;
  const aAt = 0,
    bAt = M * K,
    cAt = bAt + K * N;
  // The padding is left as it is: padded rows of A and columns of B only reach padded entries of C, never copied.
  const h = wasmHeap(w, cAt + M * N);
  if (!h) return false;
  packA(p, h, aAt, K);
  packB(p, h, bAt, K);
  for (let i = 0; i < m; i++) h.set(c.subarray(cOff + i * ldc, cOff + i * ldc + n), cAt + i * N);
  kernelProduct(w, {
    panels: M >> 2,
    quads: N >> 2,
    K,
    a: aAt * 8,
    aStride: K * 32,
    aStep: 32,
    b: bAt * 8,
    bQuad: K * 32,
    bStep: 32,
    c: cAt * 8,
    ldc: N * 8,
    upper,
  });
  for (let i = 0; i < m; i++) {
    const from = upper ? i & ~3 : 0;
    c.set(h.subarray(cAt + i * N + from, cAt + i * N + n), cOff + i * ldc + from);
  }
  return true;
}

/**
 * A product C += A·B on the module's kernel, operands by byte address: A in `panels` panels of four rows (the
 * next panel `aStride` bytes on, the next k `aStep`), B in `quads` groups of four columns (the next group `bQuad`
 * bytes on, 32 by default, the next k `bStep`), C row-major with rows `ldc` bytes apart. With `upper`, a block of
 * rows starting at panel p gets only column groups from p on. Blocks of KC values of k and MC rows keep the
 * operands in cache.
 */
export function kernelProduct(
  w: LinalgWasm,
  p: {
    panels: number;
    quads: number;
    K: number;
    a: number;
    aStride: number;
    aStep: number;
    b: number;
    bQuad?: number;
    bStep: number;
    c: number;
    ldc: number;
    upper?: boolean;
  },
): void {
  const bQuad = p.bQuad ?? 32;
  for (let k0 = 0; k0 < p.K; k0 += KC) {
    const kc = Math.min(KC, p.K - k0);
    for (let p0 = 0; p0 < p.panels; p0 += MC >> 2) {
      const np = Math.min(MC >> 2, p.panels - p0);
      const a = p.a + p0 * p.aStride + k0 * p.aStep;
      const c = p.c + p0 * 4 * p.ldc;
      for (let q = p.upper ? p0 : 0; q < p.quads; q++)
        w.kernel(a, p.aStride, p.aStep, p.b + q * bQuad + k0 * p.bStep, p.bStep, c + q * 32, p.ldc, np, kc);
    }
  }
}
