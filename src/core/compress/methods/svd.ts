/**
 * Truncated SVD of the weights, the data-blind baseline: W ≈ (U_k Σ_k) V_kᵀ for a Dense kernel (the bias kept
 * on the second factor) and for an embedding table (no bias). It ignores the rows, so it can never beat AFM
 * on the layer's outputs.
 */
import { svd as svdOf } from '../../linalg';
import { checkRank, leadingColumns, type Decomposition, type DenseWeights, type TableWeights } from '../decomposition';
import type { CompressionMethod } from './types';

/**
 * Positive weights of the rows and/or columns of A for a weighted SVD: the factors are those of D_r A D_c with
 * the weights divided out again, so their product approximates A where the weights are large.
 */
export interface SvdWeights {
  rows?: Float64Array;
  cols?: Float64Array;
}

/** D_r A D_c in float32 (A itself without weights). */
function weighted(a: Float32Array, rows: number, cols: number, { rows: dr, cols: dc }: SvdWeights): Float32Array {
  if (!dr && !dc) return a;
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[i * cols + j] = a[i * cols + j] * (dr ? dr[i] : 1) * (dc ? dc[j] : 1);
  return out;
}

/**
 * Truncated-SVD factors of a rows×cols matrix A ≈ (U_k Σ_k) V_kᵀ: the scaled left factor and Vᵀ, sliceable
 * to any rank k ≤ max (the SVD baseline for Dense kernels and embedding tables alike). With weights, the SVD
 * is of D_r A D_c, the spectrum is its own and the factors are D_r⁻¹ U_k Σ_k and V_kᵀ D_c⁻¹.
 */
export function svdFactors(a: Float32Array, rows: number, cols: number, maxRank: number, weights: SvdWeights = {}) {
  const s = svdOf(weighted(a, rows, cols, weights), rows, cols);
  const r = s.s.length;
  const US = new Float64Array(rows * r);
  for (let i = 0; i < rows; i++) for (let j = 0; j < r; j++) US[i * r + j] = s.u[i * r + j] * s.s[j];
  const { rows: dr, cols: dc } = weights;
  return {
    max: Math.min(maxRank, r),
    spectrum: s.s.map((x) => x * x),
    /** U_k Σ_k (rows × k). */
    left: (k: number) => {
      const left = leadingColumns(US, rows, r, k);
      if (dr) for (let i = 0; i < rows; i++) for (let c = 0; c < k; c++) left[i * k + c] /= dr[i];
      return left;
    },
    /** V_kᵀ (k × cols). */
    right: (k: number) => {
      const right = Float32Array.from(s.vt.subarray(0, k * cols));
      if (dc) for (let c = 0; c < k; c++) for (let j = 0; j < cols; j++) right[c * cols + j] /= dc[j];
      return right;
    },
  };
}

/** (Weighted) SVD of a Dense kernel: W ≈ (U_k Σ_k) V_kᵀ, the bias kept on the second factor. */
export function denseSvd(
  layer: string,
  method: string,
  w: DenseWeights,
  maxRank: number,
  weights?: SvdWeights,
): Decomposition {
  const f = svdFactors(w.kernel, w.dIn, w.dOut, maxRank, weights);
  return {
    layer,
    kind: 'dense',
    method,
    maxRank: f.max,
    spectrum: f.spectrum,
    slice(k) {
      checkRank(k, f.max, layer);
      return {
        kind: 'dense',
        layer,
        rank: k,
        first: { kernel: f.left(k), bias: new Float32Array(k) },
        second: { kernel: f.right(k), bias: w.bias ? Float32Array.from(w.bias) : new Float32Array(w.dOut) },
      };
    },
  };
}

/** (Weighted) SVD of an embedding table: E ≈ (U_k Σ_k) V_kᵀ, no bias. */
export function tableSvd(
  layer: string,
  method: string,
  t: TableWeights,
  maxRank: number,
  weights?: SvdWeights,
): Decomposition {
  const f = svdFactors(t.table, t.vocab, t.dim, maxRank, weights);
  return {
    layer,
    kind: 'embedding',
    method,
    maxRank: f.max,
    spectrum: f.spectrum,
    slice(k) {
      checkRank(k, f.max, layer);
      return {
        kind: 'embedding',
        layer,
        rank: k,
        table: f.left(k),
        up: { kernel: f.right(k), bias: new Float32Array(t.dim) },
      };
    },
  };
}

export const svd: CompressionMethod = {
  id: 'svd',
  label: 'SVD',
  summary: 'Truncated SVD of the weights: the data-blind baseline, it ignores your rows.',
  color: '#ea580c',
  needs: null,
  dataFree: { dense: true, table: true },
  sequential: false,
  activation: false,
  denseWidth: (dIn, dOut) => Math.min(dIn, dOut),
  dense: (layer, w, _stats, maxRank) => denseSvd(layer, 'svd', w, maxRank),
  table: (layer, t, _stats, maxRank) => tableSvd(layer, 'svd', t, maxRank),
};
