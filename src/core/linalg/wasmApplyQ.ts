/**
 * Z ← Q Z (see ./tridiagonal's applyQ) with Z kept in the WebAssembly module's memory for the whole product:
 * every block's three products read their operands where they lie (./wasmModule's kernel takes the stride
 * between successive k), so nothing is packed or copied per block. Copying Z in and out for each of the 32
 * blocks of a 1024² back-transformation moved about 400 MB. Pure module.
 */
import { NB, writeReflectorBlock } from './reflectorBlock';
import type { Tridiagonal } from './tridiagonal';
import { linalgWasm, wasmHeap, type LinalgWasm } from './wasmModule';

/** Values of k per kernel call, and panels of four rows per block of C (as in ./wasmGemm). */
const KC = 256;
const PANELS = 16;

const up4 = (x: number) => (x + 3) & ~3;

/** A product C += A·B on the kernel: A in `panels` panels of four rows, N = 4·quads columns; byte addresses. */
interface Strided {
  panels: number;
  quads: number;
  K: number;
  a: number;
  aStride: number;
  aStep: number;
  b: number;
  bStep: number;
  c: number;
  ldc: number;
}

function product(w: LinalgWasm, p: Strided): void {
  for (let k0 = 0; k0 < p.K; k0 += KC) {
    const kc = Math.min(KC, p.K - k0);
    for (let p0 = 0; p0 < p.panels; p0 += PANELS) {
      const np = Math.min(PANELS, p.panels - p0);
      const a = p.a + p0 * p.aStride + k0 * p.aStep;
      const c = p.c + p0 * 4 * p.ldc;
      for (let q = 0; q < p.quads; q++)
        w.kernel(a, p.aStride, p.aStep, p.b + q * 32 + k0 * p.bStep, p.bStep, c + q * 32, p.ldc, np, kc);
    }
  }
}

/** Z ← Q Z in place on the module; false (Z untouched) where the module is unavailable or cannot grow. */
export function wasmApplyQ(t: Tridiagonal, z: Float64Array, cols: number): boolean {
  const w = linalgWasm();
  if (!w) return false;
  const n = t.n;
  const nr = n - 2;
  const colsP = up4(cols) + 8,
    mMax = up4(n) + 8;
  // Z has four spare rows: the last panel of four rows of a block may run past row n − 1.
  const zAt = 0,
    ytAt = zAt + (n + 4) * colsP,
    yAt = ytAt + NB * mMax,
    sAt = yAt + mMax * NB,
    gAt = sAt + NB * NB,
    wAt = gAt + NB * NB,
    w2At = wAt + NB * colsP;
  const heap = wasmHeap(w, w2At + NB * colsP);
  if (!heap) return false;
  heap.fill(0, zAt, w2At + NB * colsP);
  for (let i = 0; i < n; i++) heap.set(z.subarray(i * cols, i * cols + cols), zAt + i * colsP);
  const T = new Float64Array(NB * NB);
  const B = 8; // bytes per double
  for (let k0 = Math.floor((nr - 1) / NB) * NB; k0 >= 0; k0 -= NB) {
    const nb = Math.min(NB, nr - k0),
      nbP = up4(nb);
    const m = n - k0 - 1,
      mP = up4(m);
    // Yᵀ rows at stride mMax, Y rows at stride NB, zero-padded to whole panels; S = −Tᵀ (so Z += Y (S W)).
    heap.fill(0, ytAt, ytAt + NB * mMax);
    heap.fill(0, yAt, yAt + mMax * NB);
    const target = { yt: heap, ytOff: ytAt, ytStride: mMax, y: heap, yOff: yAt, yStride: NB, T, tOff: 0 };
    // T from the reflectors' Gram matrix G = Yᵀ Y, formed on the kernel.
    writeReflectorBlock(t, k0, nb, target, () => {
      heap.fill(0, gAt, gAt + NB * NB);
      product(w, {
        panels: nbP / 4,
        quads: nbP / 4,
        K: m,
        a: yAt * B,
        aStride: 32,
        aStep: NB * B,
        b: yAt * B,
        bStep: NB * B,
        c: gAt * B,
        ldc: NB * B,
      });
      return (j, i) => heap[gAt + j * NB + i];
    });
    heap.fill(0, sAt, sAt + NB * NB);
    for (let i = 0; i < nb; i++) for (let k = i; k < nb; k++) heap[sAt + k * NB + i] = -T[i * nb + k];
    const zSub = (zAt + (k0 + 1) * colsP) * B;
    const quads = up4(cols) / 4;
    // W = Yᵀ Z_sub: A's four values per k are Y's row k, columns 4p..4p+3.
    heap.fill(0, wAt, wAt + nbP * colsP);
    product(w, {
      panels: nbP / 4,
      quads,
      K: m,
      a: yAt * B,
      aStride: 32,
      aStep: NB * B,
      b: zSub,
      bStep: colsP * B,
      c: wAt * B,
      ldc: colsP * B,
    });
    // W2 = S W = −T W.
    heap.fill(0, w2At, w2At + nbP * colsP);
    product(w, {
      panels: nbP / 4,
      quads,
      K: nbP,
      a: sAt * B,
      aStride: 32,
      aStep: NB * B,
      b: wAt * B,
      bStep: colsP * B,
      c: w2At * B,
      ldc: colsP * B,
    });
    // Z_sub += Y W2: A's four values per k are Yᵀ's row k, columns 4p..4p+3.
    product(w, {
      panels: mP / 4,
      quads,
      K: nbP,
      a: ytAt * B,
      aStride: 32,
      aStep: mMax * B,
      b: w2At * B,
      bStep: colsP * B,
      c: zSub,
      ldc: colsP * B,
    });
  }
  for (let i = 0; i < n; i++) z.set(heap.subarray(zAt + i * colsP, zAt + i * colsP + cols), i * cols);
  return true;
}
