/**
 * The rank-one eigenproblem of divide and conquer: eigenpairs of diag(d) + ρ z zᵀ, with d strictly
 * ascending, every z_i ≠ 0 and ρ > 0 (what deflation leaves). Pure module.
 *
 * Each eigenvalue is the root of the secular equation f(λ) = 1/ρ + Σ z_j² / (d_j − λ) in (d_i, d_{i+1})
 * (the last one in (d_K, d_K + ρ‖z‖²]). Roots are found relative to the nearer pole, so that d_j − λ is
 * accurate even when λ nearly equals a pole, by a two-pole rational model (as in LAPACK dlaed4) safeguarded
 * by bisection. The eigenvectors then use z recomputed from the roots (Gu and Eisenstat), which makes them
 * numerically orthogonal even for close eigenvalues.
 */
import { EPS } from './matrix';

/**
 * Eigenvalues of diag(d) + ρ z zᵀ into `lam` (ascending) and the unit eigenvectors as the rows of the
 * returned K×K matrix.
 */
export function solveSecular(d: Float64Array, z: Float64Array, rho: number, lam: Float64Array): Float64Array {
  const K = d.length;
  if (K === 1) {
    lam[0] = d[0] + rho * z[0] * z[0];
    return new Float64Array([1]);
  }
  let zsq = 0;
  for (let j = 0; j < K; j++) zsq += z[j] * z[j];
  const rhoInv = 1 / rho;
  const delta = new Float64Array(K * K); // delta[i·K + j] = d_j − λ_i
  const dd = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    const last = i === K - 1;
    const { origin, lo, hi, tau: start } = secularBracket(d, z, rho, rhoInv, zsq, i);
    const dO = d[origin];
    for (let j = 0; j < K; j++) dd[j] = d[j] - dO;
    // Poles of the model: i and i+1 for inner roots, K-2 and K-1 for the last.
    const pa = last ? i - 1 : i;
    const tau = secularRoot(z, dd, rhoInv, pa, lo, hi, start);
    lam[i] = dO + tau;
    const row = i * K;
    for (let j = 0; j < K; j++) delta[row + j] = dd[j] - tau;
  }
  return guEisenstatVectors(d, z, delta, K);
}

/** Where root i is sought: the nearer pole `origin`, the bracket [lo, hi] and the start tau, relative to it. */
function secularBracket(
  d: Float64Array,
  z: Float64Array,
  rho: number,
  rhoInv: number,
  zsq: number,
  i: number,
): { origin: number; lo: number; hi: number; tau: number } {
  const K = d.length;
  const last = i === K - 1;
  let origin: number, lo: number, hi: number, tau: number;
  if (!last) {
    const gap = d[i + 1] - d[i];
    const mid = 0.5 * gap;
    let f = rhoInv;
    for (let j = 0; j < K; j++) f += (z[j] * z[j]) / (d[j] - d[i] - mid);
    if (f >= 0) {
      origin = i;
      lo = 0;
      hi = mid;
      tau = mid;
    } else {
      origin = i + 1;
      lo = -(gap - mid);
      hi = 0;
      tau = lo;
    }
  } else {
    origin = i;
    lo = 0;
    hi = rho * zsq;
    tau = hi;
  }
  return { origin, lo, hi, tau };
}

/**
 * Root of the secular equation relative to the origin pole (poles dd, model poles pa and pa+1): the two-pole
 * rational model safeguarded by bisection within (lo, hi), starting from tau.
 */
function secularRoot(
  z: Float64Array,
  dd: Float64Array,
  rhoInv: number,
  pa: number,
  lo: number,
  hi: number,
  tau: number,
): number {
  const K = dd.length;
  for (let iter = 0; iter < 200; iter++) {
    let psi = 0,
      dpsi = 0,
      phi = 0,
      dphi = 0,
      erretm = 0;
    for (let j = 0; j <= pa; j++) {
      const t = z[j] / (dd[j] - tau);
      psi += z[j] * t;
      dpsi += t * t;
      erretm -= psi; // psi ≤ 0 here: every pole j ≤ pa lies left of λ
    }
    for (let j = K - 1; j > pa; j--) {
      const t = z[j] / (dd[j] - tau);
      phi += z[j] * t;
      dphi += t * t;
      erretm += Math.abs(phi);
    }
    const f = rhoInv + psi + phi;
    if (f === 0) break;
    if (f < 0) lo = Math.max(lo, tau);
    else hi = Math.min(hi, tau);
    // Rounding-error bound of the computed f, after LAPACK dlaed4: below it, f is zero to working precision.
    erretm = 8 * (Math.abs(phi) + Math.abs(psi)) + erretm + 2 * rhoInv + Math.abs(tau) * (dpsi + dphi);
    if (Math.abs(f) <= EPS * erretm) break;
    if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
    // Model: psi ≈ a1 + b1/(δa − x), phi ≈ a2 + b2/(δb − x), with x the step from tau.
    const da = dd[pa] - tau,
      db = dd[pa + 1] - tau;
    const b1 = dpsi * da * da,
      b2 = dphi * db * db;
    const C = rhoInv + psi - dpsi * da + phi - dphi * db;
    // C (da − x)(db − x) + b1 (db − x) + b2 (da − x) = 0  →  C x² + B x + c0 = 0.
    const B = -(C * (da + db) + b1 + b2);
    const c0 = C * da * db + b1 * db + b2 * da;
    let next = NaN;
    if (C === 0) {
      if (B !== 0) next = tau - c0 / B;
    } else {
      const disc = B * B - 4 * C * c0;
      if (disc >= 0) {
        const q = -0.5 * (B + (B >= 0 ? Math.sqrt(disc) : -Math.sqrt(disc)));
        const x1 = q / C,
          x2 = q !== 0 ? c0 / q : NaN;
        const t1 = tau + x1,
          t2 = tau + x2;
        const in1 = t1 > lo && t1 < hi,
          in2 = t2 > lo && t2 < hi;
        if (in1 && in2) next = Math.abs(x1) < Math.abs(x2) ? t1 : t2;
        else if (in1) next = t1;
        else if (in2) next = t2;
      }
    }
    tau = next > lo && next < hi ? next : 0.5 * (lo + hi);
  }
  return tau;
}

/**
 * Eigenvectors (rows of the returned K×K matrix) from delta[i·K + j] = d_j − λ_i, which is overwritten, using
 * the Gu–Eisenstat recomputed z.
 */
function guEisenstatVectors(d: Float64Array, z: Float64Array, delta: Float64Array, K: number): Float64Array {
  // Gu–Eisenstat: the z for which the computed λ are exact eigenvalues,
  // |ẑ_j|² = −Π_i (d_j − λ_i) / Π_{i≠j} (d_j − d_i) (up to the factor ρ, which normalisation removes).
  // Row-wise accumulation keeps the K² accesses contiguous; each factor is O(1), so no overflow.
  const zh = new Float64Array(K).fill(1);
  for (let i = 0; i < K; i++) {
    const row = i * K,
      di = d[i];
    for (let j = 0; j < i; j++) zh[j] *= delta[row + j] / (d[j] - di);
    zh[i] *= delta[row + i];
    for (let j = i + 1; j < K; j++) zh[j] *= delta[row + j] / (d[j] - di);
  }
  for (let j = 0; j < K; j++) {
    const mag = Math.sqrt(Math.max(0, -zh[j]));
    zh[j] = z[j] >= 0 ? mag : -mag;
  }
  // Eigenvector i: v_j = ẑ_j / (d_j − λ_i), normalised.
  for (let i = 0; i < K; i++) {
    const row = i * K;
    for (let j = 0; j < K; j++) delta[row + j] = zh[j] / delta[row + j];
  }
  return normaliseRows(delta, K);
}

/** Scales each row of the K×K matrix to unit length (in place) and returns it. */
function normaliseRows(a: Float64Array, K: number): Float64Array {
  for (let i = 0; i < K; i++) {
    const row = i * K;
    let s = 0;
    for (let j = 0; j < K; j++) s += a[row + j] * a[row + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < K; j++) a[row + j] *= inv;
  }
  return a;
}
