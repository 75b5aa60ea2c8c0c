/**
 * Householder reduction of a symmetric matrix to tridiagonal form, T = Qᵀ A Q, and the blocked (WY)
 * application of Q to a matrix. Pure module.
 *
 * Layout: row-major, and the reduction works on the UPPER triangle, so that "column k below the diagonal"
 * (the vector each reflector annihilates) is the contiguous row segment A[k, k+1..n). The rank-2 update of
 * step k is fused with the matrix-vector product of step k+1: one sweep over the trailing triangle per step,
 * instead of two, which halves the memory traffic of this memory-bound phase. From order 16, where WebAssembly
 * SIMD exists, the bulk of that sweep runs on ./wasmModule's `tri` kernel (about twice as fast).
 */
import { gemmNN } from './matrix';
import { NB, writeReflectorBlock } from './reflectorBlock';
import { wasmApplyQ } from './wasmApplyQ';
import { linalgWasm, wasmHeap, type LinalgWasm } from './wasmModule';

/** The result of {@link tridiagonalize}. */
export interface Tridiagonal {
  /** Order of the matrix. */
  n: number;
  /** Diagonal of T (length n). */
  d: Float64Array;
  /** Off-diagonal of T: e[i] couples i and i+1 (length n, e[n-1] = 0). */
  e: Float64Array;
  /** n×n work matrix: row k, columns k+1..n-1, holds reflector v_k (with v_k[k+1] = 1). */
  h: Float64Array;
  /** Reflector scalars: H_k = I − tau[k] v_k v_kᵀ, Q = H_0 H_1 ⋯ H_{n-3}. */
  tau: Float64Array;
}

/**
 * Reduces scale·(A+Aᵀ)/2, for the n×n row-major `a` (not modified), to tridiagonal form.
 */
export function tridiagonalize(a: ArrayLike<number>, n: number, scale = 1): Tridiagonal {
  // The work matrix and vectors live in the WebAssembly module's memory where it exists (its `tri` kernel does
  // the bulk of each step); the reflectors are copied out at the end.
  const wasm = n >= 16 ? linalgWasm() : null;
  const heap = wasm ? wasmHeap(wasm, n * n + 4 * n) : null;
  const A = heap ? heap.subarray(0, n * n) : new Float64Array(n * n);
  const half = 0.5 * scale;
  // Upper triangle of scale·(A+Aᵀ)/2, by tiles so that reading a[j, i] stays in cache.
  const TILE = 32;
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let j0 = i0; j0 < n; j0 += TILE) {
      const j1 = Math.min(n, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const r = i * n;
        for (let j = Math.max(j0, i + 1); j < j1; j++) A[r + j] = half * (a[r + j] + a[j * n + i]);
      }
    }
    for (let i = i0; i < i1; i++) A[i * n + i] = scale * a[i * n + i];
  }
  const d = new Float64Array(n),
    e = new Float64Array(n),
    tau = new Float64Array(n);
  const res: Tridiagonal = { n, d, e, h: A, tau };
  if (n === 0) return res;
  d[0] = A[0];
  if (n === 1) return res;
  if (n === 2) {
    e[0] = A[1];
    d[1] = A[3];
    return res;
  }
  const vec = (i: number) => (heap ? heap.subarray(n * n + i * n, n * n + (i + 1) * n) : new Float64Array(n));
  const v = vec(0),
    u = vec(1);
  const w = vec(2),
    p = vec(3);
  const pass = heap ? wasmPass(wasm!, n) : fusedPass;
  reduce(A, n, d, e, tau, v, u, w, p, pass);
  if (heap) res.h = A.slice();
  return res;
}

type Pass = (
  A: Float64Array,
  n: number,
  i0: number,
  v: Float64Array,
  w: Float64Array,
  u: Float64Array,
  p: Float64Array,
) => void;

/** The reduction's steps on the work matrix A (upper triangle), with the vectors v, u, w, p of length n. */
function reduce(
  A: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
  v: Float64Array,
  u: Float64Array,
  w: Float64Array,
  p: Float64Array,
  pass: Pass,
): void {
  // Step 0 has no pending update: a plain symmetric matrix-vector product.
  tau[0] = house(A, n, 0, v, e);
  p.fill(0);
  for (let i = 1; i < n; i++) {
    const r = i * n,
      vi = v[i];
    let acc = A[r + i] * vi;
    for (let j = i + 1; j < n; j++) {
      const x = A[r + j];
      acc += x * v[j];
      p[j] += x * vi;
    }
    p[i] += acc;
  }
  makeW(n, 0, tau[0], v, p, w);

  for (let k = 0; k <= n - 3; k++) {
    // Finish row k+1 first: its updated entries define the next reflector.
    const k1 = k + 1,
      r1 = k1 * n,
      vk1 = v[k1],
      wk1 = w[k1];
    for (let j = k1; j < n; j++) A[r1 + j] -= vk1 * w[j] + wk1 * v[j];
    d[k1] = A[r1 + k1];
    if (k1 > n - 3) {
      // Last reflector applied: only the 1×1 trailing corner remains.
      const last = (n - 1) * n + n - 1;
      A[last] -= 2 * v[n - 1] * w[n - 1];
      e[n - 2] = A[(n - 2) * n + n - 1];
      d[n - 1] = A[last];
      break;
    }
    tau[k1] = house(A, n, k1, u, e);
    pass(A, n, k + 2, v, w, u, p);
    const t = v;
    v = u;
    u = t;
    makeW(n, k1, tau[k1], v, p, w);
  }
}

/**
 * fusedPass with the bulk on the WebAssembly kernel: for each group of four rows, the columns past their 4×4
 * diagonal block in pairs; here the diagonal blocks, the odd last column and the rows past the last group. The
 * matrix and vectors must be views of the module's memory (their byte offsets are what the kernel gets).
 */
function wasmPass(wasm: LinalgWasm, n: number): Pass {
  const at = (x: Float64Array) => x.byteOffset;
  return (A, _n, i0, v, w, u, p) => {
    p.fill(0, i0, n);
    const quads = (n - i0) >> 2;
    wasm.tri(at(A), n, i0, quads, at(v), at(w), at(u), at(p));
    for (let q = 0; q < quads; q++) edges4(A, n, i0 + 4 * q, v, w, u, p);
    for (let i = i0 + 4 * quads; i < n; i++) fusedRow(A, n, i, v, w, u, p);
  };
}

/** The part of fusedRows4 the kernel leaves: the 4×4 diagonal block, and the last column when it is unpaired. */
function edges4(
  A: Float64Array,
  n: number,
  i: number,
  v: Float64Array,
  w: Float64Array,
  u: Float64Array,
  p: Float64Array,
): void {
  const tail = (n - i - 4) & 1 ? [i, i + 1, i + 2, i + 3, n - 1] : [i, i + 1, i + 2, i + 3];
  for (let q = 0; q < 4; q++) {
    const rq = (i + q) * n,
      vq = v[i + q],
      wq = w[i + q],
      uq = u[i + q];
    let acc = 0;
    for (let t = q; t < tail.length; t++) {
      const j = tail[t];
      const x = A[rq + j] - vq * w[j] - wq * v[j];
      A[rq + j] = x;
      acc += x * u[j];
      if (t > q) p[j] += x * uq;
    }
    p[i + q] += acc;
  }
}

/** One row of fusedPass: A[i, i..] −= v_i w + w_i v, with its contributions to p. */
function fusedRow(
  A: Float64Array,
  n: number,
  i: number,
  v: Float64Array,
  w: Float64Array,
  u: Float64Array,
  p: Float64Array,
): void {
  const r = i * n,
    vi = v[i],
    wi = w[i],
    ui = u[i];
  let acc = 0;
  for (let j = i; j < n; j++) {
    const x = A[r + j] - vi * w[j] - wi * v[j];
    A[r + j] = x;
    acc += x * u[j];
    if (j > i) p[j] += x * ui;
  }
  p[i] += acc;
}

/** Householder reflector for row k (entries k+1..n-1): writes v into `v` and into row k of A, e[k] = β, returns τ. */
function house(A: Float64Array, n: number, k: number, v: Float64Array, e: Float64Array): number {
  const r = k * n;
  const alpha = A[r + k + 1];
  let s = 0;
  for (let j = k + 2; j < n; j++) s += A[r + j] * A[r + j];
  v.fill(0, 0, k + 1);
  v[k + 1] = 1;
  if (s === 0) {
    // Already tridiagonal in this row: H = I.
    for (let j = k + 2; j < n; j++) v[j] = 0;
    A[r + k + 1] = 1;
    e[k] = alpha;
    return 0;
  }
  const norm = Math.sqrt(alpha * alpha + s);
  const beta = alpha >= 0 ? -norm : norm;
  const tau = (beta - alpha) / beta;
  const scale = 1 / (alpha - beta);
  for (let j = k + 2; j < n; j++) {
    const x = A[r + j] * scale;
    v[j] = x;
    A[r + j] = x;
  }
  A[r + k + 1] = 1;
  e[k] = beta;
  return tau;
}

/** From p = A v (trailing part, indices > k): w = τp − (τ²/2)(pᵀv) v, so that H A H = A − v wᵀ − w vᵀ. */
function makeW(n: number, k: number, tau: number, v: Float64Array, p: Float64Array, w: Float64Array): void {
  let pv = 0;
  for (let j = k + 1; j < n; j++) pv += p[j] * v[j];
  const c = 0.5 * tau * tau * pv;
  for (let j = k + 1; j < n; j++) w[j] = tau * p[j] - c * v[j];
}

/**
 * For rows i ≥ i0 of the upper triangle: A −= v wᵀ + w vᵀ, and at the same time p = A_new · u (symmetric
 * product from the upper triangle). Two rows per sweep share the loads of v, w, u and p.
 */
function fusedPass(
  A: Float64Array,
  n: number,
  i0: number,
  v: Float64Array,
  w: Float64Array,
  u: Float64Array,
  p: Float64Array,
): void {
  p.fill(0, i0, n);
  let i = i0;
  for (; i + 3 < n; i += 4) fusedRows4(A, n, i, v, w, u, p);
  for (; i < n; i++) fusedRow(A, n, i, v, w, u, p);
}

/** fusedPass on the four rows i .. i+3: their rank-2 update and their contributions to p, sharing loads. */
function fusedRows4(
  A: Float64Array,
  n: number,
  i: number,
  v: Float64Array,
  w: Float64Array,
  u: Float64Array,
  p: Float64Array,
): void {
  const r0 = i * n,
    r1 = r0 + n,
    r2 = r1 + n,
    r3 = r2 + n;
  const v0 = v[i],
    w0 = w[i],
    u0 = u[i],
    v1 = v[i + 1],
    w1 = w[i + 1],
    u1 = u[i + 1];
  const v2 = v[i + 2],
    w2 = w[i + 2],
    u2 = u[i + 2],
    v3 = v[i + 3],
    w3 = w[i + 3],
    u3 = u[i + 3];
  // The 4×4 diagonal block (upper part), element by element.
  let acc0 = 0,
    acc1 = 0,
    acc2 = 0,
    acc3 = 0;
  for (let q = 0; q < 4; q++) {
    const rq = r0 + q * n,
      vq = v[i + q],
      wq = w[i + q],
      uq = u[i + q];
    let accq = 0;
    for (let t = q; t < 4; t++) {
      const j = i + t;
      const x = A[rq + j] - vq * w[j] - wq * v[j];
      A[rq + j] = x;
      accq += x * u[j];
      if (t > q) p[j] += x * uq;
    }
    if (q === 0) acc0 = accq;
    else if (q === 1) acc1 = accq;
    else if (q === 2) acc2 = accq;
    else acc3 = accq;
  }
  for (let j = i + 4; j < n; j++) {
    const vj = v[j],
      wj = w[j],
      uj = u[j];
    const x0 = A[r0 + j] - v0 * wj - w0 * vj;
    const x1 = A[r1 + j] - v1 * wj - w1 * vj;
    const x2 = A[r2 + j] - v2 * wj - w2 * vj;
    const x3 = A[r3 + j] - v3 * wj - w3 * vj;
    A[r0 + j] = x0;
    A[r1 + j] = x1;
    A[r2 + j] = x2;
    A[r3 + j] = x3;
    acc0 += x0 * uj;
    acc1 += x1 * uj;
    acc2 += x2 * uj;
    acc3 += x3 * uj;
    p[j] += x0 * u0 + x1 * u1 + x2 * u2 + x3 * u3;
  }
  p[i] += acc0;
  p[i + 1] += acc1;
  p[i + 2] += acc2;
  p[i + 3] += acc3;
}

/**
 * Z ← Q Z for an n×cols row-major matrix Z (in place), Q from {@link tridiagonalize}. Blocks of NB reflectors
 * are applied as I − Y T Yᵀ (compact WY), so the work is two matrix products per block. Where WebAssembly SIMD
 * exists, Z stays in the module's memory for the whole product (./wasmApplyQ).
 */
export function applyQ(t: Tridiagonal, z: Float64Array, cols: number): void {
  const { n } = t;
  const nr = n - 2; // reflectors H_0 .. H_{n-3}
  if (nr <= 0 || cols <= 0) return;
  if (n >= 64 && wasmApplyQ(t, z, cols)) return;
  const yt = new Float64Array(NB * n),
    y = new Float64Array(NB * n),
    T = new Float64Array(NB * NB);
  const W = new Float64Array(NB * cols),
    W2 = new Float64Array(NB * cols);
  // Q Z = B_0 (B_1 ( ⋯ (B_last Z))): the last block goes first.
  for (let k0 = Math.floor((nr - 1) / NB) * NB; k0 >= 0; k0 -= NB) {
    const nb = Math.min(NB, nr - k0);
    const m = n - k0 - 1; // rows k0+1 .. n-1 are touched
    writeReflectorBlock(t, k0, nb, { yt, ytOff: 0, ytStride: m, y, yOff: 0, yStride: nb, T, tOff: 0 });
    // W = Yᵀ Z_sub ; W = T W ; Z_sub −= Y W.
    const zOff = (k0 + 1) * cols;
    W.fill(0, 0, nb * cols);
    gemmNN(nb, cols, m, 1, yt, 0, m, z, zOff, cols, W, 0, cols);
    W2.fill(0, 0, nb * cols);
    gemmNN(nb, cols, nb, 1, T, 0, nb, W, 0, cols, W2, 0, cols);
    gemmNN(m, cols, nb, -1, y, 0, nb, W2, 0, cols, z, zOff, cols);
  }
}
