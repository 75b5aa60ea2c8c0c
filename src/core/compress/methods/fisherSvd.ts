/**
 * Fisher-weighted SVD (Hsu et al., "Language model compression with weighted low-rank factorization",
 * ICLR 2022): truncated SVD of the weights after scaling each part of them by how much the loss depends on
 * it, so the factors keep what matters for the predictions rather than what is large. The weights are the
 * empirical Fisher information from loss gradients on the calibration rows, summed per output of a Dense
 * layer (a column of its kernel) and per id of a table (a row): with D = diag(√I), a kernel W becomes
 * SVD_k(W D) D⁻¹ and a table E becomes D⁻¹ SVD_k(D E), which minimise ‖(W − W_k) D‖ and ‖D (E − E_k)‖. A
 * weight never seen by a gradient still gets a small floor (1e-3 of the mean), so D stays invertible.
 */
import { StudioError } from '../../errors';
import { checkRank, type Decomposition, type DenseWeights, type TableWeights } from '../decomposition';
import { svdFactors } from './svd';
import type { CompressionMethod } from './types';

/** √I per part, with a floor of a thousandth of the mean so that every part keeps a positive weight. */
function scales(fisher: Float64Array | undefined, n: number, layer: string): Float64Array {
  if (!fisher || fisher.length !== n) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `Fisher-weighted SVD needs gradient statistics of layer ${layer}; provide training rows first.`,
    );
  }
  const mean = fisher.reduce((a, b) => a + b, 0) / n;
  const floor = mean > 0 ? 1e-3 * mean : 1;
  return fisher.map((v) => Math.sqrt(Math.max(v, 0) + floor));
}

function denseFisher(layer: string, w: DenseWeights, fisher: Float64Array | undefined, maxRank: number): Decomposition {
  const d = scales(fisher, w.dOut, layer);
  const scaled = new Float32Array(w.kernel.length);
  for (let i = 0; i < w.dIn; i++)
    for (let j = 0; j < w.dOut; j++) scaled[i * w.dOut + j] = w.kernel[i * w.dOut + j] * d[j];
  const f = svdFactors(scaled, w.dIn, w.dOut, maxRank);
  return {
    layer,
    kind: 'dense',
    method: 'fisher-svd',
    maxRank: f.max,
    spectrum: f.spectrum,
    slice(k) {
      checkRank(k, f.max, layer);
      const right = f.right(k);
      for (let r = 0; r < k; r++) for (let j = 0; j < w.dOut; j++) right[r * w.dOut + j] /= d[j];
      return {
        kind: 'dense',
        layer,
        rank: k,
        first: { kernel: f.left(k), bias: new Float32Array(k) },
        second: { kernel: right, bias: w.bias ? Float32Array.from(w.bias) : new Float32Array(w.dOut) },
      };
    },
  };
}

function tableFisher(layer: string, t: TableWeights, fisher: Float64Array | undefined, maxRank: number): Decomposition {
  const d = scales(fisher, t.vocab, layer);
  const scaled = new Float32Array(t.table.length);
  for (let i = 0; i < t.vocab; i++)
    for (let j = 0; j < t.dim; j++) scaled[i * t.dim + j] = t.table[i * t.dim + j] * d[i];
  const f = svdFactors(scaled, t.vocab, t.dim, maxRank);
  return {
    layer,
    kind: 'embedding',
    method: 'fisher-svd',
    maxRank: f.max,
    spectrum: f.spectrum,
    slice(k) {
      checkRank(k, f.max, layer);
      const left = f.left(k);
      for (let i = 0; i < t.vocab; i++) for (let c = 0; c < k; c++) left[i * k + c] /= d[i];
      return {
        kind: 'embedding',
        layer,
        rank: k,
        table: left,
        up: { kernel: f.right(k), bias: new Float32Array(t.dim) },
      };
    },
  };
}

export const fisherSvd: CompressionMethod = {
  id: 'fisher-svd',
  label: 'Fisher SVD',
  summary:
    'SVD of the weights weighted by how much the loss on your rows depends on each output and id ' +
    '(Fisher information from gradients; Hsu et al., ICLR 2022).',
  color: '#059669',
  needs: 'gradients',
  dataFree: { dense: false, table: false },
  sequential: false,
  activation: false,
  denseWidth: (dIn, dOut) => Math.min(dIn, dOut),
  dense: (layer, w, stats, maxRank) => denseFisher(layer, w, stats.fisher, maxRank),
  table: (layer, t, stats, maxRank) => tableFisher(layer, t, stats.fisher, maxRank),
};
