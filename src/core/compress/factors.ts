/**
 * The decompositions behind AFM and SVD (see ../shared/notes/method.md), computed once per layer; a
 * replacement for any rank is then a slice of them, so a rank sweep costs one decomposition per layer.
 *
 * Conventions: a tfjs Dense kernel W is [dIn, dOut] row-major and maps a row x to y = xW + b; an embedding
 * table E is [vocab, dim]. Pure: typed arrays in, typed arrays out.
 */
import { addBatch, covariance, createMoments, matmul, matmulTN, svd, symEig, type Moments } from '../linalg';
import type { Replacement } from './graph';

export type Method = 'afm' | 'svd';

/** A Dense layer's weights. */
export interface DenseWeights {
  kernel: Float32Array;
  bias: Float32Array | null;
  dIn: number;
  dOut: number;
}

/** An embedding table's weights. */
export interface TableWeights {
  table: Float32Array;
  vocab: number;
  dim: number;
}

/** One layer's decomposition: everything needed to emit a replacement of any rank up to maxRank. */
export interface Decomposition {
  layer: string;
  kind: 'dense' | 'embedding';
  method: Method;
  /** Highest rank this decomposition can emit. */
  maxRank: number;
  /**
   * Variance of the layer's outputs captured by each component, descending: AFM eigenvalues of the output
   * covariance, or σ² of the weights for SVD (data-blind).
   */
  spectrum: Float64Array;
  /** Emits the replacement at rank k (1 ≤ k ≤ maxRank). */
  slice(k: number): Replacement;
  /** AFM only: the output mean and the eigenvectors (width × cols, column j = component j), in Float64. */
  basis?: { mean: Float64Array; vectors: Float64Array; cols: number };
}

function f64(a: Float32Array | Float64Array): Float64Array {
  return a instanceof Float64Array ? a : Float64Array.from(a);
}

/** Copies the first k columns of a row-major rows×cols matrix (as float32). */
function leadingColumns(a: Float64Array, rows: number, cols: number, k: number): Float32Array {
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = a[r * cols + j];
  return out;
}

/** Transposes the first k columns of a row-major rows×cols matrix into a k×rows matrix (float32). */
function leadingColumnsT(a: Float64Array, rows: number, cols: number, k: number): Float32Array {
  const out = new Float32Array(k * rows);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[j * rows + r] = a[r * cols + j];
  return out;
}

function checkRank(k: number, max: number, layer: string): void {
  if (!Number.isInteger(k) || k < 1 || k > max)
    throw new RangeError(`Rank ${k} is outside 1..${max} for layer ${layer}.`);
}

/** Mean and covariance of a Dense layer's pre-activation outputs, from the moments of its inputs. */
export function outputMoments(w: DenseWeights, inputs: Moments): { mean: Float64Array; cov: Float64Array } {
  const W = f64(w.kernel);
  const mean = matmul(inputs.mean, W, 1, w.dIn, w.dOut);
  if (w.bias) for (let j = 0; j < w.dOut; j++) mean[j] += w.bias[j];
  const cx = covariance(inputs);
  const cov = matmulTN(W, matmul(cx, W, w.dIn, w.dIn, w.dOut), w.dIn, w.dOut, w.dOut); // Wᵀ C_x W
  return { mean, cov };
}

/**
 * AFM for a Dense layer: the top eigenvectors U of the output covariance. Rank k gives
 * first = (W U_k, b U_k), second = (U_kᵀ, (I − U_k U_kᵀ) μ): at k = dOut it is the layer itself.
 */
export function denseAfm(layer: string, w: DenseWeights, inputs: Moments, maxRank = w.dOut): Decomposition {
  const { mean, cov } = outputMoments(w, inputs);
  const eig = symEig(cov, w.dOut, { vectors: maxRank });
  const cols = eig.cols;
  const U = eig.vectors; // dOut × cols
  const WU = matmul(f64(w.kernel), U, w.dIn, w.dOut, cols); // dIn × cols
  const bU = w.bias ? matmul(f64(w.bias), U, 1, w.dOut, cols) : new Float64Array(cols);
  const muU = matmul(mean, U, 1, w.dOut, cols);
  return {
    layer,
    kind: 'dense',
    method: 'afm',
    maxRank: cols,
    spectrum: eig.values.map((v) => Math.max(0, v)),
    basis: { mean, vectors: U, cols },
    slice(k) {
      checkRank(k, cols, layer);
      const secondBias = new Float32Array(w.dOut);
      for (let j = 0; j < w.dOut; j++) {
        let proj = 0;
        for (let c = 0; c < k; c++) proj += U[j * cols + c] * muU[c];
        secondBias[j] = mean[j] - proj;
      }
      return {
        kind: 'dense',
        layer,
        rank: k,
        first: { kernel: leadingColumns(WU, w.dIn, cols, k), bias: Float32Array.from(bU.subarray(0, k)) },
        second: { kernel: leadingColumnsT(U, w.dOut, cols, k), bias: secondBias },
      };
    },
  };
}

/**
 * Truncated-SVD factors of a rows×cols matrix A ≈ (U_k Σ_k) V_kᵀ: the scaled left factor and Vᵀ, sliceable
 * to any rank k ≤ max (the SVD baseline for Dense kernels and embedding tables alike).
 */
function svdFactors(a: Float32Array, rows: number, cols: number, maxRank: number) {
  const s = svd(a, rows, cols);
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
export function denseSvd(layer: string, w: DenseWeights, maxRank = Math.min(w.dIn, w.dOut)): Decomposition {
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
export function embeddingAfm(layer: string, t: TableWeights, counts: Float64Array, maxRank = t.dim): Decomposition {
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

/** SVD baseline for an embedding table: E ≈ (U_k Σ_k) V_kᵀ, no bias. */
export function embeddingSvd(layer: string, t: TableWeights, maxRank = t.dim): Decomposition {
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

/** Cumulative fraction of the spectrum captured by the top k components, for k = 0..length. */
export function cumulativeExplained(spectrum: Float64Array): Float64Array {
  const out = new Float64Array(spectrum.length + 1);
  let total = 0;
  for (const v of spectrum) total += v;
  let acc = 0;
  for (let i = 0; i < spectrum.length; i++) {
    acc += spectrum[i];
    out[i + 1] = total > 0 ? acc / total : 1;
  }
  return out;
}

/**
 * AFM + ReLU between the factors, initialised so that it starts as (nearly) the AFM layer itself: each
 * component's score gets a shift of `sigmas` standard deviations above its minimum likely value before the
 * ReLU, and the second factor's bias takes the shift back out. A score below −shift (rare: beyond `sigmas`
 * deviations) is clipped. Fine-tuning then starts from the compressed model's quality, not from a model whose
 * negative principal-component scores were all cut to zero.
 */
export function shiftForRelu(
  d: Decomposition,
  r: Extract<Replacement, { kind: 'dense' }>,
  sigmas = 4,
): Extract<Replacement, { kind: 'dense' }> {
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
