/**
 * Truncated SVD of the weights, the data-blind baseline: W ≈ (U_k Σ_k) V_kᵀ for a Dense kernel (the bias kept
 * on the second factor) and for an embedding table (no bias). It ignores the rows, so it can never beat AFM
 * on the layer's outputs.
 */
import { svd as svdOf } from '../../linalg';
import { checkRank, leadingColumns, type Decomposition, type DenseWeights, type TableWeights } from '../decomposition';
import type { CompressionMethod } from './types';

/**
 * Truncated-SVD factors of a rows×cols matrix A ≈ (U_k Σ_k) V_kᵀ: the scaled left factor and Vᵀ, sliceable
 * to any rank k ≤ max (the SVD baseline for Dense kernels and embedding tables alike).
 */
export function svdFactors(a: Float32Array, rows: number, cols: number, maxRank: number) {
  const s = svdOf(a, rows, cols);
  const r = s.s.length;
  const US = new Float64Array(rows * r);
  for (let i = 0; i < rows; i++) for (let j = 0; j < r; j++) US[i * r + j] = s.u[i * r + j] * s.s[j];
  return {
    max: Math.min(maxRank, r),
    spectrum: s.s.map((x) => x * x),
    /** U_k Σ_k (rows × k). */
    left: (k: number) => leadingColumns(US, rows, r, k),
    /** V_kᵀ (k × cols). */
    right: (k: number) => Float32Array.from(s.vt.subarray(0, k * cols)),
  };
}

/** SVD baseline for a Dense layer: W ≈ (U_k Σ_k) V_kᵀ, the bias kept on the second factor. Data-blind. */
function denseSvd(layer: string, w: DenseWeights, maxRank: number): Decomposition {
  const f = svdFactors(w.kernel, w.dIn, w.dOut, maxRank);
  return {
    layer,
    kind: 'dense',
    method: 'svd',
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

/** SVD baseline for an embedding table: E ≈ (U_k Σ_k) V_kᵀ, no bias. */
function embeddingSvd(layer: string, t: TableWeights, maxRank: number): Decomposition {
  const f = svdFactors(t.table, t.vocab, t.dim, maxRank);
  return {
    layer,
    kind: 'embedding',
    method: 'svd',
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
  dense: (layer, w, _stats, maxRank) => denseSvd(layer, w, maxRank),
  table: (layer, t, _stats, maxRank) => embeddingSvd(layer, t, maxRank),
};
