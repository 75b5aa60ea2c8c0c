/**
 * Moments from block sums of shifted rows: a runtime forms, per block of rows, Σ (x − s) and Σ (x − s)(x − s)ᵀ
 * in float32 (a fast matrix product) around a shift s, the block's own column mean rounded to float32; this
 * module turns them into the block's {@link Moments} in Float64, which the caller merges (Chan's update, exact
 * to Float64 rounding). Pure module.
 *
 * Why the shift: the float32 product's error is relative to the magnitude of what it multiplies. With s at
 * the block's mean, that is the spread of the data, not its mean, so a column at 1e6 + N(0, 1) costs no more
 * accuracy than one at N(0, 1); and no block pays for a mean that drifts from block to block (a shift fixed
 * once would: M2 = Σ (x − s)² − n (μ − s)² cancels when |μ − s| exceeds the spread).
 *
 * Error bound. Let u = 2⁻²⁴ (float32 unit roundoff), k the most rows one float32 sum runs over (the runtime
 * sums products and column sums over pieces of ≤ k rows, each rounded to float32 once, and this module adds
 * the pieces in Float64, whose error O(n·ε₆₄) is negligible), γ_k = k·u / (1 − k·u), and
 * A_ii = Σ_blocks Σ_r (x_ri − s_i)², about M2_ii with each block's s at its mean. With c = fl(x − s) (relative
 * error ≤ u per entry):
 *   |M2_ij (computed) − M2_ij (exact)| ≤ (3γ_k + 2u) · √(A_ii A_jj),
 * by Cauchy–Schwarz on Σ|c_ri||c_rj| and (Σ_r |c_ri|)² ≤ n Σ_r c_ri². So the covariance error is relative to
 * the spread around the shift, and A_ii stays within a small factor of M2_ii when the shift is near the mean.
 */
import { StudioError } from '../errors';
import type { Moments } from './moments';

/** Float32 unit roundoff. */
export const U32 = 2 ** -24;

/** One block's moments, and Σ (x − s)² per column (the A_ii of the bound) for the error bound. */
export interface BlockMoments {
  moments: Moments;
  spread: Float64Array;
}

/**
 * The moments of one block of `rows` rows from its float32 sums around its own shift s (near the block's mean):
 * `block` holds `parts` dim×dim products Σ (x − s)(x − s)ᵀ (row-major, one per piece of rows), `parts` rows of
 * dim column sums Σ (x − s), then the dim values of s. Adding the pieces here, in Float64, keeps float32
 * rounding to one sum of k rows. A non-finite value (a NaN or infinity in the rows) is an INVALID_ARGUMENT error.
 */
export function blockMoments(dim: number, rows: number, block: ArrayLike<number>, parts = 1): BlockMoments {
  const nn = dim * dim;
  if (!(rows > 0) || block.length < parts * (nn + dim) + dim)
    throw new StudioError('INVALID_ARGUMENT', `${parts} blocks of sums need ${parts * (nn + dim) + dim} values.`);
  const s2 = new Float64Array(nn);
  const d = new Float64Array(dim);
  for (let p = 0; p < parts; p++) {
    const off = p * nn;
    for (let i = 0; i < nn; i++) s2[i] += block[off + i];
  }
  for (let j = 0, end = parts * dim; j < end; j++) d[j % dim] += block[parts * nn + j];
  const shift = Array.from({ length: dim }, (_, j) => block[parts * (nn + dim) + j]);
  return momentsFromSums(dim, rows, { s2, ld: dim, upperOnly: false, colSums: d, shift });
}

/**
 * The same from sums already added up in Float64: `s2` the ld×ld products Σ (x − s)(x − s)ᵀ of rows padded to ld
 * columns (only entries j ≥ i read when `upperOnly`, as ./float32Gram forms them; otherwise both triangles,
 * averaged), `colSums` the dim column sums Σ (x − s), `shift` s.
 */
export function momentsFromSums(
  dim: number,
  rows: number,
  sums: { s2: Float64Array; ld: number; upperOnly: boolean; colSums: ArrayLike<number>; shift: ArrayLike<number> },
): BlockMoments {
  const { s2, ld, upperOnly, colSums, shift } = sums;
  const d = new Float64Array(dim); // μ − s
  const mean = new Float64Array(dim);
  const spread = new Float64Array(dim);
  let bad = false;
  for (let j = 0; j < dim; j++) {
    d[j] = colSums[j] / rows;
    mean[j] = shift[j] + d[j];
    spread[j] = s2[j * ld + j];
    if (!Number.isFinite(mean[j]) || !Number.isFinite(spread[j])) bad = true;
  }
  if (bad) throw new StudioError('INVALID_ARGUMENT', 'The rows contain a non-finite value (NaN or infinity).');
  // M2 = Σ (x − s)(x − s)ᵀ − n (μ − s)(μ − s)ᵀ, symmetrised (float32 products need not be exactly symmetric).
  const m2 = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = (upperOnly ? s2[i * ld + j] : 0.5 * (s2[i * ld + j] + s2[j * ld + i])) - rows * d[i] * d[j];
      m2[i * dim + j] = v;
      m2[j * dim + i] = v;
    }
  }
  return { moments: { dim, count: rows, mean, m2 }, spread };
}

/** The bound above for entry (i, j) of M2, from the summed spreads A: (3γ_k + 2u)·√(A_ii A_jj). */
export function shiftedGramBound(spread: Float64Array, k: number, i: number, j: number): number {
  const ku = k * U32;
  const gamma = ku / (1 - ku);
  return (3 * gamma + 2 * U32) * Math.sqrt(spread[i] * spread[j]);
}
