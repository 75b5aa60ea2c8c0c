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
import { denseSvd, tableSvd } from './svd';
import type { CompressionMethod } from './types';

/** √I per part, with a floor of a thousandth of the mean so that every part keeps a positive weight. */
export function fisherScales(fisher: Float64Array | undefined, n: number, layer: string, method = 'SVD'): Float64Array {
  if (!fisher || fisher.length !== n) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `Fisher-weighted ${method} needs gradient statistics of layer ${layer}; provide training rows first.`,
    );
  }
  const mean = fisher.reduce((a, b) => a + b, 0) / n;
  const floor = mean > 0 ? 1e-3 * mean : 1;
  return fisher.map((v) => Math.sqrt(Math.max(v, 0) + floor));
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
  dense: (layer, w, stats, maxRank) =>
    denseSvd(layer, 'fisher-svd', w, maxRank, { cols: fisherScales(stats.fisher, w.dOut, layer) }),
  table: (layer, t, stats, maxRank) =>
    tableSvd(layer, 'fisher-svd', t, maxRank, { rows: fisherScales(stats.fisher, t.vocab, layer) }),
};
