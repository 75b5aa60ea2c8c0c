/**
 * Eigen-decomposition of a symmetric tridiagonal matrix: implicit QL for small blocks, Cuppen's divide and
 * conquer (with the Gu–Eisenstat eigenvector formula, as LAPACK dstedc) for large ones. Pure module.
 *
 * Eigenvectors are kept TRANSPOSED (row i of `zt` = eigenvector i) so that every Givens rotation and every
 * gather touches contiguous rows, and the merge step is one row-major matrix product.
 */
import { StudioError } from '../errors';
import { EPS, gemmNN } from './matrix';
import { solveSecular } from './secular';

/** Blocks up to this order are solved by implicit QL directly. */
const LEAF = 32;

/**
 * Implicit QL on the tridiagonal block [s, s+m) of (d, e): eigenvalues ascending into d[s..s+m), eigenvectors
 * into rows s..s+m-1, columns s..s+m-1 of the n×n row-major `zt` (which must hold the identity there).
 * e[i] couples i and i+1; the coupling e[s+m-1] to the next block is ignored.
 */
export function tridiagQL(d: Float64Array, e: Float64Array, zt: Float64Array, n: number, s: number, m: number): void {
  const dd = d.subarray(s, s + m);
  const ee = new Float64Array(m);
  for (let i = 0; i < m - 1; i++) ee[i] = e[s + i];
  for (let l = 0; l < m; l++) {
    let iter = 0;
    for (;;) {
      let k = l;
      for (; k < m - 1; k++) {
        const sum = Math.abs(dd[k]) + Math.abs(dd[k + 1]);
        if (Math.abs(ee[k]) <= EPS * sum) break;
      }
      if (k === l) break;
      if (++iter > 60)
        throw new StudioError(
          'INTERNAL',
          'The tridiagonal eigensolver did not converge (60 QL iterations): please report the matrix.',
        );
      // Wilkinson-like shift from the leading 2×2 block, then chase the bulge from k up to l.
      let g = (dd[l + 1] - dd[l]) / (2 * ee[l]);
      let r = Math.hypot(g, 1);
      g = dd[k] - dd[l] + ee[l] / (g + (g >= 0 ? r : -r));
      let sn = 1,
        cs = 1,
        p = 0;
      let i = k - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = sn * ee[i],
          b = cs * ee[i];
        r = Math.hypot(f, g);
        ee[i + 1] = r;
        if (r === 0) {
          dd[i + 1] -= p;
          ee[k] = 0;
          underflow = true;
          break;
        }
        sn = f / r;
        cs = g / r;
        g = dd[i + 1] - p;
        r = (dd[i] - g) * sn + 2 * cs * b;
        p = sn * r;
        dd[i + 1] = g + p;
        g = cs * r - b;
        // Rotate eigenvectors i and i+1 (two contiguous rows).
        const ri = (s + i) * n + s,
          rj = ri + n;
        for (let c = 0; c < m; c++) {
          const x = zt[ri + c],
            y = zt[rj + c];
          zt[rj + c] = sn * x + cs * y;
          zt[ri + c] = cs * x - sn * y;
        }
      }
      if (underflow) continue;
      dd[l] -= p;
      ee[l] = g;
      ee[k] = 0;
    }
  }
  sortBlock(d, zt, n, s, m);
}

/** Sorts eigenvalues d[s..s+m) ascending, permuting the matching rows of zt (block columns only). */
function sortBlock(d: Float64Array, zt: Float64Array, n: number, s: number, m: number): void {
  for (let i = 0; i < m - 1; i++) {
    let k = i;
    for (let j = i + 1; j < m; j++) if (d[s + j] < d[s + k]) k = j;
    if (k === i) continue;
    const t = d[s + i];
    d[s + i] = d[s + k];
    d[s + k] = t;
    const ri = (s + i) * n + s,
      rk = (s + k) * n + s;
    for (let c = 0; c < m; c++) {
      const x = zt[ri + c];
      zt[ri + c] = zt[rk + c];
      zt[rk + c] = x;
    }
  }
}

/**
 * All eigenpairs of the symmetric tridiagonal matrix (d, e) of order n: on return d holds the eigenvalues
 * ascending and row i of the n×n `zt` the unit eigenvector of d[i]. e[i] couples i and i+1; d and e are
 * overwritten. Scale the matrix to norm about 1 first: tolerances here are absolute.
 */
export function tridiagEig(d: Float64Array, e: Float64Array, n: number): Float64Array {
  const zt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) zt[i * n + i] = 1;
  if (n === 0) return zt;
  // Split where the coupling is negligible: independent blocks, each solved on its own.
  let s = 0;
  for (let i = 0; i < n; i++) {
    const last = i === n - 1 || Math.abs(e[i]) <= EPS * Math.sqrt(Math.abs(d[i])) * Math.sqrt(Math.abs(d[i + 1]));
    if (!last) continue;
    if (i < n - 1) e[i] = 0;
    divide(d, e, zt, n, s, i + 1 - s);
    s = i + 1;
  }
  // Blocks are each sorted; one global sort of (value, row) pairs puts them in order.
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  let sorted = true;
  for (let i = 0; i < n; i++) if (order[i] !== i) sorted = false;
  if (sorted) return zt;
  const zs = new Float64Array(n * n),
    ds = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ds[i] = d[order[i]];
    zs.set(zt.subarray(order[i] * n, order[i] * n + n), i * n);
  }
  d.set(ds);
  return zs;
}

/** Divide and conquer on block [s, s+m): tear at the middle coupling, solve both halves, merge. */
function divide(d: Float64Array, e: Float64Array, zt: Float64Array, n: number, s: number, m: number): void {
  if (m <= LEAF) {
    tridiagQL(d, e, zt, n, s, m);
    return;
  }
  const n1 = m >> 1;
  const beta = e[s + n1 - 1];
  // T = diag(T1', T2') + |β| u uᵀ with u = e_{n1-1} + sign(β) e_{n1}.
  d[s + n1 - 1] -= Math.abs(beta);
  d[s + n1] -= Math.abs(beta);
  divide(d, e, zt, n, s, n1);
  divide(d, e, zt, n, s + n1, m - n1);
  merge(d, zt, n, s, n1, m - n1, beta);
}

/**
 * Merges two solved halves: eigenpairs of D + ρ z zᵀ (LAPACK dlaed2/dlaed3 logic), then new eigenvectors =
 * (rank-one eigenvectors)ᵀ × (old eigenvector rows), exploiting that old rows of the first half are zero in
 * the second half's columns and vice versa.
 */
function merge(d: Float64Array, zt: Float64Array, n: number, s: number, n1: number, n2: number, beta: number): void {
  const m = n1 + n2;
  const sign = beta >= 0 ? 1 : -1;
  // z = Qᵀu, normalised (‖z‖² = 2 before), and ρ scaled to match.
  const z = new Float64Array(m);
  const INV_SQRT2 = Math.SQRT1_2;
  for (let j = 0; j < n1; j++) z[j] = zt[(s + j) * n + s + n1 - 1] * INV_SQRT2;
  for (let j = n1; j < m; j++) z[j] = sign * zt[(s + j) * n + s + n1] * INV_SQRT2;
  const rho = 2 * Math.abs(beta);
  // Support of each old row: 1 = first half only, 2 = second half only, 3 = both (after a deflating rotation).
  const support = new Uint8Array(m);
  for (let j = 0; j < m; j++) support[j] = j < n1 ? 1 : 2;
  const dv = new Float64Array(m);
  for (let j = 0; j < m; j++) dv[j] = d[s + j];
  const order = mergeOrder(dv, n1, m);
  const { keep, dropped } = deflate(z, dv, zt, support, order, rho, n, s, m);
  const K = keep.length;
  const lam = new Float64Array(K);
  const newRows = new Float64Array(K * m);
  if (K > 0) {
    const dl = new Float64Array(K),
      zl = new Float64Array(K);
    for (let i = 0; i < K; i++) {
      dl[i] = dv[keep[i]];
      zl[i] = z[keep[i]];
    }
    // ut (K×K): row i = eigenvector i of diag(dl) + ρ zl zlᵀ.
    const ut = solveSecular(dl, zl, rho, lam);
    multiplyHalves(ut, K, keep, support, zt, n, s, n1, m, newRows);
  }
  writeMerged(d, zt, n, s, m, lam, newRows, K, dropped, dv);
}

/** The order that merges the two ascending halves dv[0..n1) and dv[n1..m) into one ascending sequence. */
function mergeOrder(dv: Float64Array, n1: number, m: number): Int32Array {
  const order = new Int32Array(m);
  let a = 0,
    b = n1,
    k = 0;
  while (a < n1 && b < m) order[k++] = dv[a] <= dv[b] ? a++ : b++;
  while (a < n1) order[k++] = a++;
  while (b < m) order[k++] = b++;
  return order;
}

/**
 * Deflation of the merge: rows with a tiny z component, or with a d value close to the previous one (a rotation
 * of the two rows of zt zeroes one z component), are dropped with their eigenpair final; z, dv, zt and support
 * are updated in place. Returns the local rows kept for the secular equation (ascending d) and the dropped ones.
 */
function deflate(
  z: Float64Array,
  dv: Float64Array,
  zt: Float64Array,
  support: Uint8Array,
  order: Int32Array,
  rho: number,
  n: number,
  s: number,
  m: number,
): { keep: number[]; dropped: number[] } {
  let dmax = 0,
    zmax = 0;
  for (let j = 0; j < m; j++) {
    dmax = Math.max(dmax, Math.abs(dv[j]));
    zmax = Math.max(zmax, Math.abs(z[j]));
  }
  const tol = 8 * EPS * Math.max(dmax, zmax);

  // Deflation: tiny z components, or two close d values (a rotation zeroes one z component).
  const keep: number[] = []; // local rows kept for the secular equation, ascending d
  const dropped: number[] = []; // local rows whose eigenpair is final
  let pj = -1;
  for (let t = 0; t < m; t++) {
    const nj = order[t];
    if (rho * Math.abs(z[nj]) <= tol) {
      dropped.push(nj);
      continue;
    }
    if (pj < 0) {
      pj = nj;
      continue;
    }
    let sn = z[pj],
      cs = z[nj];
    const tau = Math.hypot(cs, sn);
    const gap = dv[nj] - dv[pj];
    cs /= tau;
    sn = -sn / tau;
    if (Math.abs(gap * cs * sn) <= tol) {
      // Rotate rows pj and nj so that z[pj] = 0: pj deflates with a slightly changed value.
      z[nj] = tau;
      z[pj] = 0;
      const rp = (s + pj) * n + s,
        rn = (s + nj) * n + s;
      for (let c = 0; c < m; c++) {
        const x = zt[rp + c],
          y = zt[rn + c];
        zt[rp + c] = cs * x + sn * y;
        zt[rn + c] = cs * y - sn * x;
      }
      support[pj] = support[nj] = support[pj] | support[nj];
      const dp = dv[pj] * cs * cs + dv[nj] * sn * sn;
      dv[nj] = dv[pj] * sn * sn + dv[nj] * cs * cs;
      dv[pj] = dp;
      dropped.push(pj);
      pj = nj;
    } else {
      keep.push(pj);
      pj = nj;
    }
  }
  if (pj >= 0) keep.push(pj);
  return { keep, dropped };
}

/**
 * Writes the merged block in ascending order of value: the K new eigenpairs (lam, rows of newRows) and the
 * dropped ones (dv, old rows of zt), into d[s..s+m) and rows s..s+m-1 of zt.
 */
function writeMerged(
  d: Float64Array,
  zt: Float64Array,
  n: number,
  s: number,
  m: number,
  lam: Float64Array,
  newRows: Float64Array,
  K: number,
  dropped: number[],
  dv: Float64Array,
): void {
  // Final order: all values ascending; rows from newRows (kept) or the old rows (dropped).
  const total = K + dropped.length;
  const vals = new Float64Array(total);
  for (let i = 0; i < K; i++) vals[i] = lam[i];
  for (let i = 0; i < dropped.length; i++) vals[K + i] = dv[dropped[i]];
  const idx = Array.from({ length: total }, (_, i) => i).sort((x, y) => vals[x] - vals[y]);
  const block = new Float64Array(m * m);
  for (let t = 0; t < total; t++) {
    const src = idx[t];
    if (src < K) block.set(newRows.subarray(src * m, src * m + m), t * m);
    else {
      const r = (s + dropped[src - K]) * n + s;
      block.set(zt.subarray(r, r + m), t * m);
    }
    d[s + t] = vals[src];
  }
  for (let t = 0; t < m; t++) zt.set(block.subarray(t * m, t * m + m), (s + t) * n + s);
}

/**
 * newRows (K×m) = ut · G where G's rows are the kept old eigenvector rows. The first n1 columns only get
 * contributions from rows supported there, the rest likewise: two smaller products instead of one.
 */
function multiplyHalves(
  ut: Float64Array,
  K: number,
  keep: number[],
  support: Uint8Array,
  zt: Float64Array,
  n: number,
  s: number,
  n1: number,
  m: number,
  out: Float64Array,
): void {
  for (const [bit, c0, width] of [
    [1, 0, n1],
    [2, n1, m - n1],
  ] as const) {
    const cols: number[] = [];
    for (let j = 0; j < K; j++) if (support[keep[j]] & bit) cols.push(j);
    const q = cols.length;
    if (q === 0) continue;
    const us = new Float64Array(K * q),
      g = new Float64Array(q * width);
    for (let i = 0; i < K; i++) for (let t = 0; t < q; t++) us[i * q + t] = ut[i * K + cols[t]];
    for (let t = 0; t < q; t++) {
      const r = (s + keep[cols[t]]) * n + s + c0;
      g.set(zt.subarray(r, r + width), t * width);
    }
    gemmNN(K, width, q, 1, us, 0, q, g, 0, width, out, c0, m);
  }
}
