/**
 * A small WebAssembly module with SIMD kernels for the linear algebra: `kernel`, the inner block of a matrix
 * product (./wasmGemm), and `tri`, the fused rank-2 update and symmetric product of the tridiagonal reduction
 * (./tridiagonal), both on two Float64 lanes per instruction; and `centre32` and `gram32`, the centring and
 * float32 Gram product of statistics (./float32Gram) on four float32 lanes. It is 2.7 kB, assembled here
 * from its instructions (no build step, nothing fetched) and compiled once, synchronously. Where WebAssembly or
 * its SIMD is missing (or the module's memory cannot grow), callers keep their JavaScript kernels. Pure module.
 */

const SIMD = 0xfd;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  get: 0x20,
  set: 0x21,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32GeS: 0x4e,
  i32And: 0x71,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  f64Load: 0x2b,
  f64Store: 0x39,
  f64Add: 0xa0,
};
const V = {
  load: [SIMD, 0x00],
  splat: [SIMD, 0x0a],
  store: [SIMD, 0x0b],
  lane: [SIMD, 0x21],
  add: [SIMD, 0xf0, 0x01],
  sub: [SIMD, 0xf1, 0x01],
  mul: [SIMD, 0xf2, 0x01],
  zero: [SIMD, 0x0c, ...new Array<number>(16).fill(0)],
  splat32: [SIMD, 0x09],
  add32: [SIMD, 0xe4, 0x01],
  sub32: [SIMD, 0xe5, 0x01],
  mul32: [SIMD, 0xe6, 0x01],
  /** f64x2.promote_low_f32x4: float32 lanes 0 and 1 as two doubles. */
  promote: [SIMD, 0x5f],
  /** i8x16.shuffle of a vector with itself bringing float32 lanes 2 and 3 down to lanes 0 and 1. */
  highHalf: [SIMD, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7],
};

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const str = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
/** A memory access: alignment 2^3 bytes, then the constant offset. */
const mem = (offset: number) => [3, ...leb(offset)];
const get = (...ls: number[]) => ls.flatMap((l) => [op.get, l]);
/** `block { loop { if (counter == 0) break; ...body; counter -= 1; continue } }`. */
const countdown = (counter: number, body: number[]) => [
  ...[op.block, 0x40, op.loop, 0x40, op.get, counter, op.i32Eqz, op.brIf, 1],
  ...body,
  ...[op.get, counter, op.i32Const, 1, op.i32Sub, op.set, counter, op.br, 0, op.end, op.end],
];
/** Signed LEB128 (the immediate of i32.const). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}
/** `block { loop { if (a >= b) break; ...body; continue } }` (signed i32 locals). */
const whileLess = (a: number, b: number, code: number[]) => [
  ...[op.block, 0x40, op.loop, 0x40, op.get, a, op.get, b, op.i32GeS, op.brIf, 1],
  ...code,
  ...[op.br, 0, op.end, op.end],
];
/** local += constant. */
const bump = (l: number, by: number) => [op.get, l, op.i32Const, ...leb(by), op.i32Add, op.set, l];
/** A function body: its locals past the parameters (`i32s` i32, then `v128s` v128) and its code. */
function body(i32s: number, v128s: number, code: number[]): number[] {
  const all = [2, i32s, 0x7f, v128s, 0x7b, ...code, op.end];
  return [...leb(all.length), ...all];
}

/**
 * kernel(a, aStride, aStep, b, bStep, c, ldc, panels, kc): for each of `panels` panels of four rows (A panel p
 * at a + p·aStride; C rows at c + p·4·ldc + r·ldc), C[4×4] += A[4×kc] · B[kc×4], where the four values of A
 * (and of B) for one k are consecutive and the next k's are aStep (bStep) bytes further: 32 for packed panels,
 * a row's length to read a row-major matrix where it lies. Locals: 9 aCur, 10 bCur, 11 k; v128 12..19 acc,
 * 20 b0, 21 b1, 22 x.
 */
function gemmKernel(): number[] {
  const [A, STRIDE, A_STEP, B, B_STEP, C, LDC, PANELS, KC, A_CUR, B_CUR, K, ACC, B0, B1, X] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 21, 22,
  ];
  const madd = (r: number, b: number) => [...get(ACC + r, X, b), ...V.mul, ...V.add, op.set, ACC + r];
  const kStep = [
    ...[op.get, B_CUR, ...V.load, ...mem(0), op.set, B0, op.get, B_CUR, ...V.load, ...mem(16), op.set, B1],
    ...[0, 1, 2, 3].flatMap((r) => [
      ...[op.get, A_CUR, ...V.splat, ...mem(8 * r), op.set, X],
      ...madd(2 * r, B0),
      ...madd(2 * r + 1, B1),
    ]),
    ...[...get(A_CUR, A_STEP), op.i32Add, op.set, A_CUR, ...get(B_CUR, B_STEP), op.i32Add, op.set, B_CUR],
  ];
  const rowAddr = (r: number) => [op.get, C, ...Array.from({ length: r }, () => [op.get, LDC, op.i32Add]).flat()];
  const store = (r: number, half: number) => [
    ...rowAddr(r),
    ...rowAddr(r),
    ...V.load,
    ...mem(16 * half),
    ...get(ACC + 2 * r + half),
    ...V.add,
    ...V.store,
    ...mem(16 * half),
  ];
  const panel = [
    ...Array.from({ length: 8 }, (_, r) => [...V.zero, op.set, ACC + r]).flat(),
    ...[op.get, A, op.set, A_CUR, op.get, B, op.set, B_CUR, op.get, KC, op.set, K],
    ...countdown(K, kStep),
    ...[0, 1, 2, 3].flatMap((r) => [...store(r, 0), ...store(r, 1)]),
    ...[...get(A, STRIDE), op.i32Add, op.set, A],
    ...[...get(C, LDC), op.i32Const, 2, op.i32Shl, op.i32Add, op.set, C],
  ];
  return body(3, 11, countdown(PANELS, panel));
}

/**
 * tri(a, n, i0, quads, v, w, u, p): for the `quads` groups of four rows i = i0, i0+4, … of the n×n row-major
 * matrix at a, and for the columns j from i+4 in pairs (the last column is left out when their count is odd):
 * A[i,j] −= v_i w_j + w_i v_j, then p_j += A[i,j]·u_i and p_i += A[i,j]·u_j (vectors at v, w, u, p).
 * Locals: 8 i, 9 jj (byte offset of j), 10 count, 11..14 row addresses; v128 15..18 v_r, 19..22 w_r, 23..26 u_r,
 * 27..30 acc_r, 31 vj, 32 wj, 33 uj, 34 x, 35 pj.
 */
function triKernel(): number[] {
  const [A, N, I0, QUADS, VP, WP, UP, PP, I, JJ, COUNT, ROW] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [VR, WR, UR, ACC, VJ, WJ, UJ, X, PJ] = [15, 19, 23, 27, 31, 32, 33, 34, 35];
  const at = (base: number) => [...get(base, JJ), op.i32Add];
  const iAddr = (base: number) => [...get(base, I), op.i32Const, 3, op.i32Shl, op.i32Add];
  const row = (r: number) => [
    ...at(ROW + r),
    ...at(ROW + r),
    ...V.load,
    ...mem(0),
    ...get(VR + r, WJ),
    ...V.mul,
    ...V.sub,
    ...get(WR + r, VJ),
    ...V.mul,
    ...V.sub,
    op.set,
    X,
    ...get(X),
    ...V.store,
    ...mem(0),
    ...[...get(ACC + r, X, UJ), ...V.mul, ...V.add, op.set, ACC + r],
    ...[...get(PJ, X, UR + r), ...V.mul, ...V.add, op.set, PJ],
  ];
  const pair = [
    ...[...at(VP), ...V.load, ...mem(0), op.set, VJ, ...at(WP), ...V.load, ...mem(0), op.set, WJ],
    ...[...at(UP), ...V.load, ...mem(0), op.set, UJ, ...at(PP), ...V.load, ...mem(0), op.set, PJ],
    ...[0, 1, 2, 3].flatMap(row),
    ...[...at(PP), ...get(PJ), ...V.store, ...mem(0)],
    ...bump(JJ, 16),
  ];
  const finish = (r: number) => [
    ...iAddr(PP),
    ...iAddr(PP),
    op.f64Load,
    ...mem(8 * r),
    ...[...get(ACC + r), ...V.lane, 0, op.f64Add, ...get(ACC + r), ...V.lane, 1, op.f64Add],
    op.f64Store,
    ...mem(8 * r),
  ];
  const quad = [
    // Row addresses a + (i + r)·n·8, the row constants as splats, accumulators zero.
    ...[0, 1, 2, 3].flatMap((r) => [
      ...[...get(I), op.i32Const, r, op.i32Add, ...get(N), op.i32Mul, op.i32Const, 3, op.i32Shl],
      ...[...get(A), op.i32Add, op.set, ROW + r],
      ...[...iAddr(VP), ...V.splat, ...mem(8 * r), op.set, VR + r, ...iAddr(WP), ...V.splat, ...mem(8 * r)],
      ...[op.set, WR + r, ...iAddr(UP), ...V.splat, ...mem(8 * r), op.set, UR + r, ...V.zero, op.set, ACC + r],
    ]),
    ...[...get(I), op.i32Const, 4, op.i32Add, op.i32Const, 3, op.i32Shl, op.set, JJ],
    ...[...get(N, I), op.i32Sub, op.i32Const, 4, op.i32Sub, op.i32Const, 1, op.i32ShrS, op.set, COUNT],
    ...countdown(COUNT, pair),
    ...[0, 1, 2, 3].flatMap(finish),
    ...bump(I, 4),
  ];
  return body(7, 21, [...get(I0), op.set, I, ...countdown(QUADS, quad)]);
}

/**
 * gram32(x, ld, rows, out): out += Σ_r x_rᵀ x_r over the `rows` float32 rows of `ld` values at x (ld a multiple
 * of 8), in tiles of 4 rows × 8 columns of the result from the diagonal tile rightwards (the upper triangle; a
 * diagonal tile also writes a few entries below the diagonal). Each tile sums in float32 over the rows, then is
 * added once to the Float64 result at out (row-major ld × ld). Locals: 4 i0, 5 j0, 6 r, 7 row pointer at i0,
 * 8 row pointer at j0, 9 row bytes, 10 address; v128 11..18 acc, 19 b0, 20 b1, 21 a.
 */
function gramKernel(): number[] {
  const [X, LD, ROWS, OUT, I0, J0, R, PI, PJ, RB, ADDR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [ACC, B0, B1, A] = [11, 19, 20, 21];
  const splatAlign = (offset: number) => [2, ...leb(offset)]; // a 4-byte load: alignment at most 2^2
  const rowStep = [
    ...[op.get, PJ, ...V.load, ...mem(0), op.set, B0, op.get, PJ, ...V.load, ...mem(16), op.set, B1],
    ...[0, 1, 2, 3].flatMap((t) => [
      ...[op.get, PI, ...V.splat32, ...splatAlign(4 * t), op.set, A],
      ...[...get(ACC + 2 * t, A, B0), ...V.mul32, ...V.add32, op.set, ACC + 2 * t],
      ...[...get(ACC + 2 * t + 1, A, B1), ...V.mul32, ...V.add32, op.set, ACC + 2 * t + 1],
    ]),
    ...[...get(PI, RB), op.i32Add, op.set, PI, ...get(PJ, RB), op.i32Add, op.set, PJ],
  ];
  // out[addr + offset .. +16) += the two doubles of `lanes` (the accumulator's low or high half).
  const addHalf = (offset: number, lanes: number[]) => [
    ...get(ADDR, ADDR),
    ...V.load,
    ...mem(offset),
    ...lanes,
    ...V.promote,
    ...V.add,
    ...V.store,
    ...mem(offset),
  ];
  const storeRow = (t: number) => [
    ...[...get(I0), op.i32Const, t, op.i32Add, ...get(LD), op.i32Mul, ...get(J0), op.i32Add],
    ...[op.i32Const, 3, op.i32Shl, ...get(OUT), op.i32Add, op.set, ADDR],
    ...[0, 1].flatMap((h) => [
      ...addHalf(32 * h, get(ACC + 2 * t + h)),
      ...addHalf(32 * h + 16, [...get(ACC + 2 * t + h, ACC + 2 * t + h), ...V.highHalf]),
    ]),
  ];
  const tile = [
    ...Array.from({ length: 8 }, (_, q) => [...V.zero, op.set, ACC + q]).flat(),
    ...[...get(X, I0), op.i32Const, 2, op.i32Shl, op.i32Add, op.set, PI],
    ...[...get(X, J0), op.i32Const, 2, op.i32Shl, op.i32Add, op.set, PJ],
    ...[op.get, ROWS, op.set, R],
    ...countdown(R, rowStep),
    ...[0, 1, 2, 3].flatMap(storeRow),
    ...bump(J0, 8),
  ];
  const iBlock = [
    ...[op.get, I0, op.i32Const, ...sleb(-8), op.i32And, op.set, J0],
    ...whileLess(J0, LD, tile),
    ...bump(I0, 4),
  ];
  return body(7, 11, [...[op.get, LD, op.i32Const, 2, op.i32Shl, op.set, RB], ...whileLess(I0, LD, iBlock)]);
}

/**
 * centre32(x, ld, rows, s): x[r, j] −= s[j] for the `rows` float32 rows of `ld` values at x (ld a multiple of 4)
 * and the ld values at s. Locals: 4 quads left, 5 shift pointer.
 */
function centreKernel(): number[] {
  const [X, LD, ROWS, S, Q, SP] = [0, 1, 2, 3, 4, 5];
  const quad = [
    ...[...get(X, X), ...V.load, ...mem(0), ...get(SP), ...V.load, ...mem(0), ...V.sub32, ...V.store, ...mem(0)],
    ...bump(X, 16),
    ...bump(SP, 16),
  ];
  const row = [...[op.get, LD, op.i32Const, 2, op.i32ShrS, op.set, Q, op.get, S, op.set, SP], ...countdown(Q, quad)];
  return body(2, 0, countdown(ROWS, row));
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const i32 = 0x7f;
  const type = (params: number) => [0x60, params, ...new Array<number>(params).fill(i32), 0];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [3, ...type(9), ...type(8), ...type(4)]),
    ...section(3, [4, 0, 1, 2, 2]),
    ...section(5, [1, 0, 1]),
    ...section(7, [
      5,
      ...str('kernel'),
      0,
      0,
      ...str('tri'),
      0,
      1,
      ...str('gram32'),
      0,
      2,
      ...str('centre32'),
      0,
      3,
      ...str('memory'),
      2,
      0,
    ]),
    ...section(10, [4, ...gemmKernel(), ...triKernel(), ...gramKernel(), ...centreKernel()]),
  ];
  return new Uint8Array(bytes);
}

/** The compiled module's exports. */
export interface LinalgWasm {
  kernel(
    a: number,
    aStride: number,
    aStep: number,
    b: number,
    bStep: number,
    c: number,
    ldc: number,
    panels: number,
    kc: number,
  ): void;
  tri(a: number, n: number, i0: number, quads: number, v: number, w: number, u: number, p: number): void;
  gram32(x: number, ld: number, rows: number, out: number): void;
  centre32(x: number, ld: number, rows: number, s: number): void;
  memory: WebAssembly.Memory;
}

let instance: LinalgWasm | null | undefined;

/** The compiled module, or null where WebAssembly or its SIMD is unavailable. */
export function linalgWasm(): LinalgWasm | null {
  if (instance !== undefined) return instance;
  try {
    const wasm = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()));
    instance = wasm.exports as unknown as LinalgWasm;
  } catch {
    instance = null;
  }
  return instance;
}

/** The module's memory as doubles, holding at least `doubles` of them, or null when it cannot grow so far. */
export function wasmHeap(w: LinalgWasm, doubles: number): Float64Array | null {
  const need = doubles * 8;
  const have = w.memory.buffer.byteLength;
  try {
    if (need > have) w.memory.grow(Math.ceil((need - have) / 65536));
  } catch {
    return null;
  }
  return new Float64Array(w.memory.buffer);
}
