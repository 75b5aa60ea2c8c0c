/**
 * One block of Householder reflectors in compact WY form, B = H_k0 ⋯ H_k0+nb−1 = I − Y T Yᵀ (LAPACK's dlarft,
 * forward, columnwise), as {@link applyQ} and its WebAssembly twin (./wasmApplyQ) use it. Pure module.
 */
import type { Tridiagonal } from './tridiagonal';

/** Reflectors per WY block. */
export const NB = 32;

/** Where a block's Yᵀ (nb×m), Y (m×nb) and T (nb×nb) go: arrays with offsets and row strides. */
export interface BlockTarget {
  yt: Float64Array;
  ytOff: number;
  ytStride: number;
  y: Float64Array;
  yOff: number;
  yStride: number;
  /** T row-major nb×nb at tOff (upper triangular). */
  T: Float64Array;
  tOff: number;
}

/**
 * Writes the block of reflectors k0 .. k0+nb−1 acting on rows k0+1 .. n−1 (m = n−k0−1 of them): reflector
 * k0+r is zero before its position r, 1 at r, then its stored entries. Padding beyond nb or m is not touched.
 * T is formed from the reflectors' inner products y_jᵀ y_i (j < i): from `gramOf()`, called once Y is written,
 * when given (a caller with a fast product), else computed here.
 */
export function writeReflectorBlock(
  t: Tridiagonal,
  k0: number,
  nb: number,
  out: BlockTarget,
  gramOf?: () => (j: number, i: number) => number,
): void {
  const { n, h } = t;
  const m = n - k0 - 1;
  const { yt, ytOff, ytStride: ys, y, yOff, yStride } = out;
  for (let r = 0; r < nb; r++) {
    const src = (k0 + r) * n + k0 + 1,
      dst = ytOff + r * ys;
    yt.fill(0, dst, dst + r);
    yt[dst + r] = 1;
    for (let c = r + 1; c < m; c++) yt[dst + c] = h[src + c];
  }
  for (let r = 0; r < nb; r++) for (let c = 0; c < m; c++) y[yOff + c * yStride + r] = yt[ytOff + r * ys + c];
  // y_jᵀ y_i for j < i: reflector i is zero before its position i.
  const dot = (j: number, i: number) => {
    let s = 0;
    const rj = ytOff + j * ys,
      ri = ytOff + i * ys;
    for (let c = i; c < m; c++) s += yt[rj + c] * yt[ri + c];
    return s;
  };
  triangularFactor(t.tau, k0, nb, gramOf ? gramOf() : dot, out.T, out.tOff);
}

/** T (nb×nb, upper triangular, at tOff) of B = I − Y T Yᵀ from τ and the reflectors' inner products. */
function triangularFactor(
  tau: Float64Array,
  k0: number,
  nb: number,
  gram: (j: number, i: number) => number,
  T: Float64Array,
  tOff: number,
): void {
  T.fill(0, tOff, tOff + nb * nb);
  const tmp = new Float64Array(nb);
  for (let i = 0; i < nb; i++) {
    const ti = tau[k0 + i];
    T[tOff + i * nb + i] = ti;
    if (i === 0 || ti === 0) continue;
    // t_j = −τ_i (y_jᵀ y_i) for j < i, then T[0:i, i] = T[0:i,0:i] t.
    for (let j = 0; j < i; j++) tmp[j] = -ti * gram(j, i);
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let l = j; l < i; l++) s += T[tOff + j * nb + l] * tmp[l];
      T[tOff + j * nb + i] = s;
    }
  }
}
