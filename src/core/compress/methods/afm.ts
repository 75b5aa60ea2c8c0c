/**
 * Atomic Feature Mimicking (AFM): PCA of each layer's outputs on the calibration rows. A Dense layer keeps
 * the top eigenvectors U of its output covariance: rank k gives first = (W U_k, b U_k) and
 * second = (U_kᵀ, (I − U_k U_kᵀ) μ), the layer itself at k = dOut. A table keeps the top eigenvectors of the
 * id-frequency-weighted covariance of its rows: (E − μ) U_k and the up-projection (U_kᵀ, μ). Among all rank-k
 * affine replacements AFM minimises the squared error of the outputs on those rows.
 */
import { StudioError } from '../../errors';
import {
  addBatch,
  covariance,
  createMoments,
  lazySymEig,
  matmul,
  symEig,
  type LazySymEig,
  type Moments,
} from '../../linalg';
import {
  checkRank,
  f64,
  leadingColumns,
  leadingColumnsT,
  outputMoments,
  type Decomposition,
  type DenseWeights,
  type TableWeights,
} from '../decomposition';
import type { CompressionMethod, DenseReplacement } from './types';

/**
 * AFM for a Dense layer: the top eigenvectors U of the output covariance. Rank k gives
 * first = (W U_k, b U_k), second = (U_kᵀ, (I − U_k U_kᵀ) μ): at k = dOut it is the layer itself. The spectrum is
 * computed at once; eigenvectors and the products with them only for the ranks sliced (see lazySymEig).
 */
function denseAfm(layer: string, w: DenseWeights, inputs: Moments, maxRank: number): Decomposition {
  const { mean, cov } = outputMoments(w, inputs);
  return afmOfEigen(layer, w, mean, lazySymEig(cov, w.dOut, maxRank));
}

/** The leading eigenvectors of a Dense layer's output covariance, computed elsewhere (precomputed work). */
export interface GivenEigen {
  /** All dOut eigenvalues, descending. */
  values: Float64Array;
  /** dOut × cols, row-major: column j for values[j]. */
  vectors: Float64Array;
  cols: number;
}

/**
 * AFM of a Dense layer from eigenvectors computed elsewhere (the demo's, shipped with it): the decomposition
 * computing them here gives, without the eigensolver; a rank past the columns given computes them then.
 */
export function denseAfmFromEigen(
  layer: string,
  w: DenseWeights,
  inputs: Moments,
  maxRank: number,
  given: GivenEigen,
): Decomposition {
  const limit = Math.max(0, Math.min(w.dOut, maxRank));
  if (given.values.length !== w.dOut || given.vectors.length !== w.dOut * given.cols || given.cols > limit) {
    throw new StudioError('INVALID_ARGUMENT', `The eigenvectors given for ${layer} do not fit its ${w.dOut} outputs.`);
  }
  let computed: LazySymEig | null = null;
  const eig: LazySymEig = {
    n: w.dOut,
    values: given.values,
    maxCols: limit,
    columns(k) {
      if (k <= given.cols) return { vectors: given.vectors, cols: given.cols };
      computed ??= lazySymEig(outputMoments(w, inputs).cov, w.dOut, limit);
      return computed.columns(k);
    },
  };
  const mean = matmul(inputs.mean, f64(w.kernel), 1, w.dIn, w.dOut); // as outputMoments forms it
  if (w.bias) for (let j = 0; j < w.dOut; j++) mean[j] += w.bias[j];
  return afmOfEigen(layer, w, mean, eig);
}

/** AFM of a Dense layer from its output mean and the eigen-decomposition of its output covariance. */
function afmOfEigen(layer: string, w: DenseWeights, mean: Float64Array, eig: LazySymEig): Decomposition {
  const cols = eig.maxCols;
  const W = f64(w.kernel);
  const bias = w.bias ? f64(w.bias) : null;
  type Formed = { U: Float64Array; c: number; WU: Float64Array; bU: Float64Array };
  let formed: Formed = { U: new Float64Array(0), c: 0, WU: new Float64Array(0), bU: new Float64Array(0) };
  let muU: Float64Array = new Float64Array(0);
  /** U (dOut × c), W U, b U and μ U for the leading c ≥ k columns. */
  const factors = (k: number) => {
    const { vectors: U, cols: c } = eig.columns(k);
    if (c !== formed.c) {
      formed = {
        U,
        c,
        WU: matmul(W, U, w.dIn, w.dOut, c),
        bU: bias ? matmul(bias, U, 1, w.dOut, c) : new Float64Array(c),
      };
      muU = matmul(mean, U, 1, w.dOut, c);
    }
    return formed;
  };
  return {
    layer,
    kind: 'dense',
    method: 'afm',
    maxRank: cols,
    spectrum: eig.values.map((v) => Math.max(0, v)),
    get basis() {
      const { vectors, cols: c } = eig.columns(cols);
      return { mean, vectors, cols: c };
    },
    slice(k) {
      checkRank(k, cols, layer);
      const { U, c, WU, bU } = factors(k);
      const secondBias = new Float32Array(w.dOut);
      for (let j = 0; j < w.dOut; j++) {
        let proj = 0;
        for (let q = 0; q < k; q++) proj += U[j * c + q] * muU[q];
        secondBias[j] = mean[j] - proj;
      }
      return {
        kind: 'dense',
        layer,
        rank: k,
        first: { kernel: leadingColumns(WU, w.dIn, c, k), bias: Float32Array.from(bU.subarray(0, k)) },
        second: { kernel: leadingColumnsT(U, w.dOut, c, k), bias: secondBias },
      };
    },
  };
}

/** Frequency-weighted mean and covariance of a table's rows (the statistics of its looked-up outputs). */
export function tableMoments(t: TableWeights, counts: Float64Array): Moments {
  const m = createMoments(t.dim);
  addBatch(m, t.table, t.vocab, counts);
  return m;
}

/**
 * AFM for an embedding table: with μ, C the id-frequency-weighted mean and covariance of its rows and U their
 * top eigenvectors, the table becomes (E − μ) U_k and the up-projection (U_kᵀ, μ).
 */
function embeddingAfm(layer: string, t: TableWeights, counts: Float64Array, maxRank: number): Decomposition {
  const m = tableMoments(t, counts);
  const eig = symEig(covariance(m), t.dim, { vectors: maxRank });
  const cols = eig.cols;
  const centered = new Float64Array(t.vocab * t.dim);
  for (let i = 0; i < t.vocab; i++)
    for (let j = 0; j < t.dim; j++) centered[i * t.dim + j] = t.table[i * t.dim + j] - m.mean[j];
  const projected = matmul(centered, eig.vectors, t.vocab, t.dim, cols); // vocab × cols
  return {
    layer,
    kind: 'embedding',
    method: 'afm',
    maxRank: cols,
    spectrum: eig.values.map((v) => Math.max(0, v)),
    basis: { mean: m.mean, vectors: eig.vectors, cols },
    slice(k) {
      checkRank(k, cols, layer);
      return {
        kind: 'embedding',
        layer,
        rank: k,
        table: leadingColumns(projected, t.vocab, cols, k),
        up: { kernel: leadingColumnsT(eig.vectors, t.dim, cols, k), bias: Float32Array.from(m.mean) },
      };
    },
  };
}

/**
 * AFM + ReLU between the factors, initialised so that it starts as (nearly) the AFM layer itself: each
 * component's score gets a shift of `sigmas` standard deviations above its minimum likely value before the
 * ReLU, and the second factor's bias takes the shift back out. A score below −shift (rare: beyond `sigmas`
 * deviations) is clipped. Fine-tuning then starts from the compressed model's quality, not from a model whose
 * negative principal-component scores were all cut to zero.
 */
export function shiftForRelu(d: Decomposition, r: DenseReplacement, sigmas = 4): DenseReplacement {
  if (!d.basis || d.kind !== 'dense') return { ...r, activationBetween: 'relu' };
  const { mean, vectors, cols } = d.basis;
  const k = r.rank;
  const dOut = mean.length;
  const firstBias = Float32Array.from(r.first.bias);
  const secondBias = Float32Array.from(r.second.bias);
  for (let j = 0; j < k; j++) {
    let scoreMean = 0; // mean of the first factor's output j: μ_y · u_j
    for (let i = 0; i < dOut; i++) scoreMean += mean[i] * vectors[i * cols + j];
    const shift = Math.max(0, sigmas * Math.sqrt(d.spectrum[j]) - scoreMean);
    firstBias[j] += shift;
    for (let i = 0; i < dOut; i++) secondBias[i] -= shift * vectors[i * cols + j];
  }
  return {
    ...r,
    first: { ...r.first, bias: firstBias },
    second: { ...r.second, bias: secondBias },
    activationBetween: 'relu',
  };
}

export const afm: CompressionMethod = {
  id: 'afm',
  label: 'AFM',
  summary: 'Atomic Feature Mimicking: PCA of each layer\u2019s outputs on your rows, the paper\u2019s method.',
  color: '#2563eb',
  needs: 'activations',
  dataFree: { dense: false, table: true },
  sequential: true,
  activation: true,
  denseWidth: (_dIn, dOut) => dOut,
  dense(layer, w, stats, maxRank) {
    if (!stats.inputs) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        'AFM needs statistics from calibration rows; provide training rows first.',
      );
    }
    return denseAfm(layer, w, stats.inputs, maxRank);
  },
  table: (layer, t, stats, maxRank) =>
    embeddingAfm(layer, t, stats.idCounts ?? new Float64Array(t.vocab).fill(1), maxRank),
  withActivation: (d, r, activation) =>
    activation === 'relu' ? shiftForRelu(d, r) : { ...r, activationBetween: activation },
};
