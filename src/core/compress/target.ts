/**
 * A model as the compression engine sees it, whatever its format: the compressible layers, their weights,
 * the parameter count of any plan, and a rewriter that puts ready-made factors in place. The tfjs layers
 * format (src/core/layers/target.ts) and ONNX graphs (src/core/onnx/native) implement it; the engine
 * (./compressor.ts) never looks inside a model otherwise.
 */
import type { DenseWeights, Replacement, TableWeights } from './decomposition';
import type { LayerInfo, PlannedRank } from './inventory';

/** A rewritten model in its own format, with its parameter accounting. */
export interface Rewritten<P = unknown> {
  /** The new model (tfjs artifacts, ONNX bytes, ...): a new object, the original is never touched. */
  payload: P;
  params: number;
  /** Parameters per original layer after rewriting (the layer and its factors). */
  layerParams: Map<string, number>;
  /** Embedding up-projections folded into the Dense layers that read them. */
  fused: { embedding: string; dense: string }[];
}

export interface CompressionTarget<P = unknown> {
  /** Every Dense and Embedding layer, compressible or not. */
  readonly inventory: LayerInfo[];
  readonly originalParams: number;
  denseWeights(layer: string): DenseWeights;
  tableWeights(layer: string): TableWeights;
  /** Parameters the rewritten model will have for these ranks, counted without building it. */
  plannedParams(ranks: PlannedRank[], opts?: { fuse?: boolean }): number;
  rewrite(replacements: Replacement[], opts: { fuse: boolean }): Rewritten<P>;
  /** A fingerprint of the model (structure and weights), written into statistics files. */
  fingerprint(): string;
}
