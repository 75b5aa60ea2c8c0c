/**
 * What every compression method produces: a decomposition of one layer, computed once, from which a
 * replacement (two thin factors) of any rank up to its maxRank is a slice. Also the weights and statistics a
 * method reads, and small helpers the methods share. Pure: typed arrays in, typed arrays out.
 *
 * Conventions: a Dense kernel W is [dIn, dOut] row-major and maps a row x to y = xW + b; an embedding table E
 * is [vocab, dim].
 */
import { covariance, gemmTN, matmul, mirrorUpper, type Moments } from '../linalg';

/** The factors replacing one layer (computed elsewhere, by a compression method). */
export type Replacement =
  | {
      kind: 'dense';
      layer: string;
      rank: number;
      /** x · kernel[dIn, k] + bias[k], linear unless activationBetween is set. */
      first: { kernel: Float32Array; bias: Float32Array };
      /**
       * An activation on the first factor's output (AFM + activation, e.g. 'relu'): not function-preserving,
       * the model must be fine-tuned afterwards.
       */
      activationBetween?: string;
      /** h · kernel[k, dOut] + bias[dOut], then the layer's original activation. */
      second: { kernel: Float32Array; bias: Float32Array };
    }
  | {
      kind: 'embedding';
      layer: string;
      rank: number;
      /** New table [vocab, k]. */
      table: Float32Array;
      /** e ≈ z · kernel[k, dim] + bias[dim]. */
      up: { kernel: Float32Array; bias: Float32Array };
    };

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

/** What rows tell a method about one layer (each kind is present when some method asked for it). */
export interface LayerStatisticsView {
  /** Moments of a Dense layer's inputs over the calibration rows. */
  inputs?: Moments;
  /** How often each id of a table was looked up in the calibration rows. */
  idCounts?: Float64Array;
  /**
   * Gradient statistics: Σ over calibration batches of squared loss gradients of the layer's weights, summed
   * per output (Dense: one value per column of the kernel) or per id (table: one value per row).
   */
  fisher?: Float64Array;
}

/** One layer's decomposition: everything needed to emit a replacement of any rank up to maxRank. */
export interface Decomposition {
  layer: string;
  kind: 'dense' | 'embedding';
  /** Id of the method that made it (see ./methods). */
  method: string;
  /** Highest rank this decomposition can emit. */
  maxRank: number;
  /**
   * Variance captured by each component, descending: eigenvalues of the output covariance (AFM), σ² of the
   * (weighted) weights for SVD-like methods.
   */
  spectrum: Float64Array;
  /** Emits the replacement at rank k (1 ≤ k ≤ maxRank). */
  slice(k: number): Replacement;
  /** Output mean and principal directions (width × cols, column j = component j), in Float64, when known. */
  basis?: { mean: Float64Array; vectors: Float64Array; cols: number };
}

export function f64(a: Float32Array | Float64Array): Float64Array {
  return a instanceof Float64Array ? a : Float64Array.from(a);
}

/** Copies the first k columns of a row-major rows×cols matrix (as float32). */
export function leadingColumns(a: Float64Array, rows: number, cols: number, k: number): Float32Array {
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = a[r * cols + j];
  return out;
}

/** Transposes the first k columns of a row-major rows×cols matrix into a k×rows matrix (float32). */
export function leadingColumnsT(a: Float64Array, rows: number, cols: number, k: number): Float32Array {
  const out = new Float32Array(k * rows);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[j * rows + r] = a[r * cols + j];
  return out;
}

export function checkRank(k: number, max: number, layer: string): void {
  if (!Number.isInteger(k) || k < 1 || k > max)
    throw new RangeError(`Rank ${k} is outside 1..${max} for layer ${layer}.`);
}

/** Mean and covariance of a Dense layer's pre-activation outputs, from the moments of its inputs. */
export function outputMoments(w: DenseWeights, inputs: Moments): { mean: Float64Array; cov: Float64Array } {
  const W = f64(w.kernel);
  const mean = matmul(inputs.mean, W, 1, w.dIn, w.dOut);
  if (w.bias) for (let j = 0; j < w.dOut; j++) mean[j] += w.bias[j];
  const cx = covariance(inputs);
  // Wᵀ (C_x W): symmetric, so the second product forms the upper triangle only.
  const cw = matmul(cx, W, w.dIn, w.dIn, w.dOut);
  const cov = new Float64Array(w.dOut * w.dOut);
  gemmTN(w.dOut, w.dOut, w.dIn, 1, W, 0, w.dOut, cw, 0, w.dOut, cov, 0, w.dOut, true);
  mirrorUpper(cov, w.dOut);
  return { mean, cov };
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
