/**
 * How well a replacement reproduces its layer's outputs on the calibration rows, computed exactly from the
 * layer's statistics (no second pass over the data): mean squared error per row, the output variance it is
 * measured against, and their ratio as "explained variance". For AFM the error equals the sum of the dropped
 * eigenvalues; SVD is never better on this measure.
 */
import { covariance, matmul, type Moments } from '../linalg';
import { outputMoments, type DenseWeights, type Replacement, type TableWeights } from './decomposition';

export interface ReplacementError {
  /** Mean over calibration rows of ‖y − y'‖² (pre-activation outputs). */
  meanSquaredError: number;
  /** Trace of the output covariance: the error of replacing every output by its mean. */
  outputVariance: number;
  /** 1 − error / variance (1 = exact). */
  explainedVariance: number;
}

function summary(err: number, variance: number): ReplacementError {
  return {
    meanSquaredError: err,
    outputVariance: variance,
    explainedVariance: variance > 0 ? 1 - err / variance : err === 0 ? 1 : 0,
  };
}

/** E‖xW + b − ((xA + a)B + c)‖² over the rows summarised by `inputs`. */
export function denseReplacementError(
  w: DenseWeights,
  inputs: Moments,
  r: Extract<Replacement, { kind: 'dense' }>,
): ReplacementError {
  const { dIn, dOut } = w;
  const k = r.rank;
  const A = Float64Array.from(r.first.kernel);
  const B = Float64Array.from(r.second.kernel);
  const AB = matmul(A, B, dIn, k, dOut);
  const D = new Float64Array(dIn * dOut);
  for (let i = 0; i < D.length; i++) D[i] = w.kernel[i] - AB[i];
  const aB = matmul(Float64Array.from(r.first.bias), B, 1, k, dOut);
  const e = new Float64Array(dOut);
  for (let j = 0; j < dOut; j++) e[j] = (w.bias ? w.bias[j] : 0) - aB[j] - r.second.bias[j];
  // Second moment S = C + μμᵀ of the inputs; error = tr(DᵀSD) + 2 μD·e + ‖e‖².
  const S = covariance(inputs);
  const mu = inputs.mean;
  for (let i = 0; i < dIn; i++) for (let j = 0; j < dIn; j++) S[i * dIn + j] += mu[i] * mu[j];
  const SD = matmul(S, D, dIn, dIn, dOut);
  let quad = 0;
  for (let i = 0; i < D.length; i++) quad += D[i] * SD[i];
  const muD = matmul(mu, D, 1, dIn, dOut);
  let cross = 0;
  let ee = 0;
  for (let j = 0; j < dOut; j++) {
    cross += muD[j] * e[j];
    ee += e[j] * e[j];
  }
  const { cov } = outputMoments(w, inputs);
  let variance = 0;
  for (let j = 0; j < dOut; j++) variance += cov[j * dOut + j];
  return summary(Math.max(0, quad + 2 * cross + ee), variance);
}

/** Frequency-weighted E‖e_i − (t_i U + μ)‖² over the looked-up rows of an embedding table. */
export function embeddingReplacementError(
  t: TableWeights,
  counts: Float64Array,
  r: Extract<Replacement, { kind: 'embedding' }>,
): ReplacementError {
  const { vocab, dim } = t;
  const k = r.rank;
  let total = 0;
  let err = 0;
  const sum = new Float64Array(dim);
  const sumSq = new Float64Array(dim);
  for (let i = 0; i < vocab; i++) {
    const c = counts[i];
    if (c === 0) continue;
    total += c;
    for (let j = 0; j < dim; j++) {
      let rec = r.up.bias[j];
      for (let q = 0; q < k; q++) rec += r.table[i * k + q] * r.up.kernel[q * dim + j];
      const v = t.table[i * dim + j];
      const d = v - rec;
      err += c * d * d;
      sum[j] += c * v;
      sumSq[j] += c * v * v;
    }
  }
  if (total === 0) return summary(0, 0);
  let variance = 0;
  for (let j = 0; j < dim; j++) variance += sumSq[j] / total - (sum[j] / total) ** 2;
  return summary(err / total, Math.max(0, variance));
}

/**
 * Data-free error of a Dense replacement: how far the factored weights are from the originals, relative to
 * them (‖W − AB‖² + ‖b − (aB + c)‖²) / (‖W‖² + ‖b‖²). It says nothing about the layer's outputs on real rows;
 * it is what can be said without data.
 */
export function denseWeightError(w: DenseWeights, r: Extract<Replacement, { kind: 'dense' }>): number {
  const { dIn, dOut } = w;
  const AB = matmul(Float64Array.from(r.first.kernel), Float64Array.from(r.second.kernel), dIn, r.rank, dOut);
  const aB = matmul(Float64Array.from(r.first.bias), Float64Array.from(r.second.kernel), 1, r.rank, dOut);
  let err = 0;
  let norm = 0;
  for (let i = 0; i < AB.length; i++) {
    err += (w.kernel[i] - AB[i]) ** 2;
    norm += w.kernel[i] ** 2;
  }
  for (let j = 0; j < dOut; j++) {
    const b = w.bias ? w.bias[j] : 0;
    err += (b - aB[j] - r.second.bias[j]) ** 2;
    norm += b * b;
  }
  return norm > 0 ? err / norm : 0;
}
