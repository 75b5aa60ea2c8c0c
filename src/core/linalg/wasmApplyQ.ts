/**
 * Z ← Q Z (see ./tridiagonal's applyQ) with Z kept in the WebAssembly module's memory for the whole product:
 * every block's three products read their operands where they lie (./wasmModule's kernel takes the stride
 * between successive k), so nothing is packed or copied per block. Copying Z in and out for each of the 32
 * blocks of a 1024² back-transformation moved about 400 MB. Pure module.
 */
import { NB, writeReflectorBlock } from './reflectorBlock';
import type { Tridiagonal } from './tridiagonal';
import { kernelProduct as product } from './wasmGemm';
import { linalgWasm, wasmHeap, type LinalgWasm } from './wasmModule';

const up4 = (x: number) => (x + 3) & ~3;

/** Where the operands lie in the module's memory (in doubles), with their padded row strides. */
interface Layout {
  colsP: number;
  mMax: number;
  zAt: number;
  ytAt: number;
  yAt: number;
  sAt: number;
  gAt: number;
  wAt: number;
  w2At: number;
  end: number;
}

function layoutOf(n: number, cols: number): Layout {
  // Row strides 8 doubles past a multiple of 4: rows a power of two apart in bytes would all fall into the
  // same cache sets, and reading a column of four-value groups would thrash the first-level cache.
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
  return { colsP, mMax, zAt, ytAt, yAt, sAt, gAt, wAt, w2At, end: w2At + NB * colsP };
}

const B = 8; // bytes per double

/** A product's operands by their place (in doubles) and row stride: A read four values per k, B, C. */
const aOf = (at: number, step: number) => ({ a: at * B, aStride: 32, aStep: step * B });
const bOf = (at: number, step: number) => ({ b: at * B, bStep: step * B });
const cOf = (at: number, ld: number) => ({ c: at * B, ldc: ld * B });

/** Z_sub ← (I − Y T Yᵀ) Z_sub for the block of reflectors from k0, Z resident at L.zAt. */
function applyBlock(w: LinalgWasm, heap: Float64Array, L: Layout, t: Tridiagonal, k0: number, cols: number): void {
  const { colsP, mMax } = L;
  const nb = Math.min(NB, t.n - 2 - k0),
    nbP = up4(nb);
  const m = t.n - k0 - 1;
  // Yᵀ rows at stride mMax, Y rows at stride NB, zero-padded to whole panels; S = −Tᵀ (so Z += Y (S W)).
  heap.fill(0, L.ytAt, L.ytAt + NB * mMax);
  heap.fill(0, L.yAt, L.yAt + mMax * NB);
  const T = new Float64Array(nb * nb);
  const target = { yt: heap, ytOff: L.ytAt, ytStride: mMax, y: heap, yOff: L.yAt, yStride: NB, T, tOff: 0 };
  // T from the reflectors' Gram matrix G = Yᵀ Y, formed on the kernel (Y's row k holds the four values of k).
  writeReflectorBlock(t, k0, nb, target, () => {
    heap.fill(0, L.gAt, L.gAt + NB * NB);
    const panels = nbP / 4;
    product(w, { panels, quads: panels, K: m, ...aOf(L.yAt, NB), ...bOf(L.yAt, NB), ...cOf(L.gAt, NB) });
    return (j, i) => heap[L.gAt + j * NB + i];
  });
  heap.fill(0, L.sAt, L.sAt + NB * NB);
  for (let i = 0; i < nb; i++) for (let k = i; k < nb; k++) heap[L.sAt + k * NB + i] = -T[i * nb + k];
  const zSub = L.zAt + (k0 + 1) * colsP;
  const quads = up4(cols) / 4;
  // W = Yᵀ Z_sub: A's four values per k are Y's row k, columns 4p..4p+3.
  heap.fill(0, L.wAt, L.wAt + nbP * colsP);
  product(w, { panels: nbP / 4, quads, K: m, ...aOf(L.yAt, NB), ...bOf(zSub, colsP), ...cOf(L.wAt, colsP) });
  // W2 = S W = −T W.
  heap.fill(0, L.w2At, L.w2At + nbP * colsP);
  product(w, { panels: nbP / 4, quads, K: nbP, ...aOf(L.sAt, NB), ...bOf(L.wAt, colsP), ...cOf(L.w2At, colsP) });
  // Z_sub += Y W2: A's four values per k are Yᵀ's row k, columns 4p..4p+3.
  product(w, { panels: up4(m) / 4, quads, K: nbP, ...aOf(L.ytAt, mMax), ...bOf(L.w2At, colsP), ...cOf(zSub, colsP) });
}

/** Z ← Q Z in place on the module; false (Z untouched) where the module is unavailable or cannot grow. */
export function wasmApplyQ(t: Tridiagonal, z: Float64Array, cols: number): boolean {
  const w = linalgWasm();
  if (!w) return false;
  const n = t.n;
  const L = layoutOf(n, cols);
  const heap = wasmHeap(w, L.end);
  if (!heap) return false;
  heap.fill(0, 0, L.end);
  for (let i = 0; i < n; i++) heap.set(z.subarray(i * cols, i * cols + cols), L.zAt + i * L.colsP);
  for (let k0 = Math.floor((n - 3) / NB) * NB; k0 >= 0; k0 -= NB) applyBlock(w, heap, L, t, k0, cols);
  for (let i = 0; i < n; i++) z.set(heap.subarray(L.zAt + i * L.colsP, L.zAt + i * L.colsP + cols), i * cols);
  return true;
}
