/**
 * Thin singular value decomposition A = U diag(s) Vᵀ (the SVD baseline). Pure module.
 *
 * Method ("Gram-preconditioned one-sided Jacobi"), on the tall orientation m ≥ n (a wide A is transposed):
 *  1. V from the eigenvectors of the small Gram matrix AᵀA (n×n): fast, but alone it would lose accuracy:
 *     it decides singular values only to ε‖A‖²/σ and leaves A v_i non-orthogonal for small σ_i.
 *  2. W = A V. Its columns are orthogonal up to those small-σ errors; s_i = ‖w_i‖ is accurate to ε‖A‖
 *     (absolute, like LAPACK's dgesvd), whatever σ_i is.
 *  3. One-sided Jacobi rotations (Hestenes) on the columns of W (and of V) for exactly the pairs whose
 *     cosine exceeds √m·ε, found by screening WᵀW. Well-conditioned inputs need none or few.
 *  4. U = W / s. Columns whose s is at rounding level (rank deficiency) get an orthonormal completion instead.
 * Result: U and V orthonormal to working precision, ‖A − U S Vᵀ‖ ≈ ε‖A‖, singular values with absolute error
 * about ε‖A‖. Cost ≈ one n×n symmetric eigen-decomposition plus a few m·n² products.
 */
import { StudioError } from '../errors';
import { createRng } from '../random';
import { symEig } from './eigen';
import { EPS, checkMatrix, dot, gemmNN, gemmTN, gram, matmul, maxAbs, transpose, type NumArray } from './matrix';

/** Thin SVD of a rows×cols matrix, r = min(rows, cols). */
export interface Svd {
  /** rows×r row-major, orthonormal columns (left singular vectors). */
  u: Float64Array;
  /** r singular values, descending, ≥ 0. */
  s: Float64Array;
  /** r×cols row-major, orthonormal rows (right singular vectors). */
  vt: Float64Array;
  /** Numerical rank: singular values above max(rows, cols)·ε·s[0]. */
  rank: number;
}

/** Thin SVD of the row-major rows×cols matrix `a` (not modified). */
export function svd(a: NumArray, rows: number, cols: number): Svd {
  for (const [what, x] of [
    ['rows', rows],
    ['cols', cols],
  ] as const) {
    if (!Number.isInteger(x) || x < 0)
      throw new StudioError('INVALID_ARGUMENT', `SVD ${what} must be a non-negative integer, got ${x}.`);
  }
  checkMatrix('The matrix to decompose', a, rows * cols);
  if (rows >= cols) {
    const b = a instanceof Float64Array ? a.subarray(0, rows * cols) : Float64Array.from(a.subarray(0, rows * cols));
    return tallSvd(b, rows, cols);
  }
  // A = (Aᵀ)ᵀ = (U' S V'ᵀ)ᵀ = V' S U'ᵀ.
  const t = tallSvd(transpose(a, rows, cols), cols, rows);
  const r = rows;
  return { u: transpose(t.vt, r, rows), s: t.s, vt: transpose(t.u, cols, r), rank: t.rank };
}

/** SVD for m ≥ n. */
function tallSvd(b: Float64Array, m: number, n: number): Svd {
  const s = new Float64Array(n);
  const scale = maxAbs(b);
  if (n === 0) return { u: new Float64Array(0), s, vt: new Float64Array(0), rank: 0 };
  if (scale === 0) {
    const vt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) vt[i * n + i] = 1;
    return { u: completeBasis(new Float64Array(0), m, 0, n), s, vt, rank: 0 };
  }
  // Work on A / max|a_ij| so that AᵀA can neither overflow nor underflow.
  const bs = new Float64Array(m * n);
  const inv = 1 / scale;
  for (let i = 0; i < bs.length; i++) bs[i] = b[i] * inv;

  const eig = symEig(gram(bs, m, n), n, { transposed: true });
  const w = matmul(bs, eig.vectors, m, n, n); // W = A V (m×n)
  const vt = eig.vectorsT as Float64Array; // row i = v_i
  const wt = transpose(w, m, n); // row i = w_i, contiguous for rotations

  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(dot(m, wt, i * m, wt, i * m));
  let smax = 0;
  for (let i = 0; i < n; i++) smax = Math.max(smax, norms[i]);
  const tolRank = Math.max(m, n) * EPS * smax;
  const tolCos = Math.max(4, Math.sqrt(m)) * EPS;

  // Screen all pairs at once from WᵀW (each entry is accurate relative to ‖w_i‖‖w_j‖).
  const h = gram(w, m, n);
  const involved: number[] = [];
  for (let i = 0; i < n; i++) {
    if (norms[i] <= tolRank) continue;
    for (let j = 0; j < n; j++) {
      if (j === i || norms[j] <= tolRank) continue;
      if (Math.abs(h[i * n + j]) > tolCos * norms[i] * norms[j]) {
        involved.push(i);
        break;
      }
    }
  }
  if (involved.length > 1) jacobi(wt, vt, involved, m, n, tolCos, tolRank, h);

  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(dot(m, wt, i * m, wt, i * m));
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => norms[y] - norms[x]);
  let rank = 0;
  const vtOut = new Float64Array(n * n);
  const ut = new Float64Array(n * m); // rows = left singular vectors, in output order
  for (let k = 0; k < n; k++) {
    const i = order[k];
    s[k] = norms[i] * scale;
    vtOut.set(vt.subarray(i * n, i * n + n), k * n);
    if (norms[i] > tolRank) {
      rank++;
      const f = 1 / norms[i];
      for (let c = 0; c < m; c++) ut[k * m + c] = wt[i * m + c] * f;
    }
  }
  const u = completeBasis(transpose(ut.subarray(0, rank * m), rank, m), m, rank, n);
  return { u, s, vt: vtOut, rank };
}

/**
 * Cyclic one-sided Jacobi on the rows `idx` of wt (m columns each), rotating the same rows of vt (n
 * columns), until every pair has |cos| ≤ tolCos. Rows at rounding level are left alone.
 * Inner products come from H = the Gram matrix of those rows: fresh at the start of each sweep (taken from
 * `h0` at first, then recomputed only for rows rotated since, which after the first sweep are few), and
 * kept current within a sweep by applying each rotation to H as well. A pair is rotated only when its
 * cosine is too large, so the cost is that of the rotations actually needed, not of all k²/2 pairs.
 */
function jacobi(
  wt: Float64Array,
  vt: Float64Array,
  idx: number[],
  m: number,
  n: number,
  tolCos: number,
  tolRank: number,
  h0: Float64Array,
): void {
  const k = idx.length;
  const H = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) H[a * k + b] = h0[idx[a] * n + idx[b]];
  const stale = new Uint8Array(k);
  const tol2 = tolRank * tolRank;
  for (let sweep = 0; sweep < 40; sweep++) {
    if (sweep > 0) refresh(H, stale, wt, idx, m);
    let rotations = 0;
    for (let a = 0; a < k - 1; a++) {
      for (let b = a + 1; b < k; b++) {
        const alpha = H[a * k + a],
          beta = H[b * k + b],
          gamma = H[a * k + b];
        if (alpha <= tol2 || beta <= tol2) continue;
        if (Math.abs(gamma) <= tolCos * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        rotations++;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t),
          s = c * t;
        rotate(wt, idx[a] * m, idx[b] * m, m, c, s);
        rotate(vt, idx[a] * n, idx[b] * n, n, c, s);
        // The same rotation on rows and columns a, b of H.
        rotate(H, a * k, b * k, k, c, s);
        for (let l = 0; l < k; l++) {
          H[l * k + a] = H[a * k + l];
          H[l * k + b] = H[b * k + l];
        }
        H[a * k + a] = alpha - t * gamma;
        H[b * k + b] = beta + t * gamma;
        H[a * k + b] = H[b * k + a] = 0;
        stale[a] = stale[b] = 1;
      }
    }
    if (rotations === 0) return;
  }
}

/** Recomputes the rows and columns of H marked stale from the current rows of wt, then clears the marks. */
function refresh(H: Float64Array, stale: Uint8Array, wt: Float64Array, idx: number[], m: number): void {
  const k = idx.length;
  const rows: number[] = [];
  for (let a = 0; a < k; a++) if (stale[a]) rows.push(a);
  stale.fill(0);
  if (rows.length === 0) return;
  if (rows.length * 4 > k) {
    // Most rows changed: one Gram product is faster than separate dot products.
    const ws = new Float64Array(k * m);
    for (let a = 0; a < k; a++) ws.set(wt.subarray(idx[a] * m, idx[a] * m + m), a * m);
    H.set(gram(transpose(ws, k, m), m, k));
    return;
  }
  for (const a of rows) {
    for (let b = 0; b < k; b++) {
      const x = dot(m, wt, idx[a] * m, wt, idx[b] * m);
      H[a * k + b] = x;
      H[b * k + a] = x;
    }
  }
}

/** (x, y) ← (c x − s y, s x + c y) for the rows x = a[p..p+len), y = a[q..q+len). */
function rotate(a: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const x = a[p + i],
      y = a[q + i];
    a[p + i] = c * x - s * y;
    a[q + i] = s * x + c * y;
  }
}

/**
 * Extends the m×k orthonormal columns `q` to m×r (r ≤ m) with further orthonormal columns: seeded random
 * vectors, projected off the existing columns and orthonormalised through their Gram matrix, twice (the
 * second pass removes what the first left, as in CholeskyQR2).
 */
function completeBasis(q: Float64Array, m: number, k: number, r: number): Float64Array {
  const out = new Float64Array(m * r);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) out[i * r + j] = q[i * k + j];
  const d = r - k;
  if (d <= 0) return out;
  const rng = createRng(0x5eed + m * 31 + r);
  let x: Float64Array = new Float64Array(m * d);
  for (let i = 0; i < x.length; i++) x[i] = rng() - 0.5;
  for (let pass = 0; pass < 2; pass++) {
    if (k > 0) {
      // x −= Q (Qᵀ x)
      const qtx = new Float64Array(k * d);
      gemmTN(k, d, m, 1, q, 0, k, x, 0, d, qtx, 0, d);
      gemmNN(m, d, k, -1, q, 0, k, qtx, 0, d, x, 0, d);
    }
    // x ← x V Λ^{-1/2} with XᵀX = V Λ Vᵀ: orthonormal columns spanning the same space.
    const e = symEig(gram(x, m, d), d);
    const vs = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const lam = e.values[j];
        vs[i * d + j] = lam > 0 ? e.vectors[i * d + j] / Math.sqrt(lam) : 0;
      }
    }
    x = matmul(x, vs, m, d, d);
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) out[i * r + k + j] = x[i * d + j];
  return out;
}
