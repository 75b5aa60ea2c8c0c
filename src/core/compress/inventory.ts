/**
 * The compressible layers of a model, whatever its format: Dense (matrix) and Embedding (table) layers with
 * their sizes, parameter counts and break-even ranks (biases counted, always). The format readers
 * (src/core/layers for tfjs, src/core/onnx for ONNX graphs) list them; everything else works on these.
 */

/** Where an embedding's up-projection can fold, for one consumer of the table's output. */
export interface BranchVerdict {
  /** The layer reading the embedding's output ('(model output)' for the model's own output). */
  consumer: string;
  /** True when the up-projection folds into Dense layers on this branch. */
  fusable: boolean;
  /** The Dense layers whose kernels absorb the up-projection (when fusable). */
  into: string[];
  /** The layer in the way when not fusable, its class, and why. */
  blockedBy?: { layer: string; className: string; reason: string };
}

/** Dense layer sizes: y = activation(x · kernel[dIn, dOut] + bias). */
export interface DenseShape {
  dIn: number;
  dOut: number;
  useBias: boolean;
  activation: string;
}

/** Embedding table sizes: vocab rows of dim values. */
export interface EmbeddingShape {
  vocab: number;
  dim: number;
}

interface Common {
  name: string;
  /** The name the model's file gave the layer, where it differs (a Keras name tfjs cannot carry, a nested layer). */
  fileName?: string;
  /** Parameters now (weights + bias). */
  params: number;
  /** Largest rank whose factored form has strictly fewer parameters; 0 when none does. */
  breakEvenRank: number;
  compressible: boolean;
  /** Why not, when not compressible (one sentence fragment, e.g. "shared by 2 call sites"). */
  reason?: string;
}

/** A Dense layer in the inventory. */
export type DenseInfo = Common & { kind: 'dense'; shape: DenseShape };
/** An Embedding layer in the inventory, with its consumers' fusion verdicts. */
export type EmbeddingInfo = Common & { kind: 'embedding'; shape: EmbeddingShape; fusion: BranchVerdict[] };
/** One factorable layer. */
export type LayerInfo = DenseInfo | EmbeddingInfo;

/** Parameters of a Dense factored at rank k: k(dIn + 1) + dOut(k + 1), both factors with biases. */
export function factoredDenseParams(dIn: number, dOut: number, k: number): number {
  return k * (dIn + 1) + dOut * (k + 1);
}

/** Parameters of an embedding factored at rank k: the vocab × k table plus the up-projection k × dim + dim. */
export function factoredEmbeddingParams(vocab: number, dim: number, k: number): number {
  return vocab * k + k * dim + dim;
}

/** Largest k with k(dIn + 1) + dOut(k + 1) < dOut·dIn (+ dOut with a bias); 0 when there is none. */
export function denseBreakEven(dIn: number, dOut: number, useBias: boolean): number {
  const original = dOut * dIn + (useBias ? dOut : 0);
  // k(dIn + dOut + 1) < original − dOut  ⇔  k ≤ (original − dOut − 1) / (dIn + dOut + 1)
  return Math.max(0, Math.floor((original - dOut - 1) / (dIn + dOut + 1)));
}

/** Largest k with vocab·k + k·dim + dim < vocab·dim; 0 when there is none. */
export function embeddingBreakEven(vocab: number, dim: number): number {
  return Math.max(0, Math.floor((vocab * dim - dim - 1) / (vocab + dim)));
}

/** Parameters of an inventory layer factored at rank k (without any fusion). */
export function factoredParams(layer: LayerInfo, rank: number): number {
  return layer.kind === 'dense'
    ? factoredDenseParams(layer.shape.dIn, layer.shape.dOut, rank)
    : factoredEmbeddingParams(layer.shape.vocab, layer.shape.dim, rank);
}

/** One planned factorization: layer name and rank. */
export interface PlannedRank {
  layer: string;
  rank: number;
}
