/**
 * The pure graph part of the compressor: read a layers-model topology and its weights, list what can be
 * factored, and rewrite the model with ready-made factors. No tfjs, no React.
 */
export {
  type TensorRef,
  type LayerNode,
  type Consumer,
  type LayerGraph,
  parseTopology,
  serializeTopology,
  isShared,
  isModelOutput,
  modelConfigOf,
} from './topology';
export { type Weight, decodeWeights, encodeWeights, sizeOf } from './weights';
export { buildInventory, listLayers, totalParams, weightName } from './inventory';
export {
  type DenseShape,
  type EmbeddingShape,
  type DenseInfo,
  type EmbeddingInfo,
  type LayerInfo,
  type PlannedRank,
  factoredParams,
  factoredDenseParams,
  factoredEmbeddingParams,
  denseBreakEven,
  embeddingBreakEven,
} from '../compress/inventory';
export { LayersTarget, type LayerShapes } from './target';
export { type BranchVerdict, type FusionPlan, planFusion, edgeKey, keepsUp } from './fusion';
export type { FoldMap, RowSource } from './fold';
export { type Replacement, type RewriteOptions, type RewriteResult, rewriteModel } from './rewrite';
export { plannedParams } from './accounting';
