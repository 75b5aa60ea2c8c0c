/** Serialization names of the project's custom tfjs layers (registered by src/tf/layers), as plain data. */

/** The factorization-machine interaction (DeepFM's FM part). */
export const FM_CLASS_NAME = 'FMInteraction';

/**
 * The embedding up-projections of a compressed model that meet at one Concatenate, done as one batched product
 * (CTR Studio's rewrite writes it in place of that Concatenate).
 */
export const FIELD_PROJECTION_CLASS_NAME = 'FieldProjection';

/** Factored embedding tables of one rank looked up at once (CTR Studio's rewrite writes it for them). */
export const FIELD_EMBEDDING_CLASS_NAME = 'FieldEmbedding';

/** Helper layers for ONNX operators without a standard tfjs layer (models imported from ONNX). */
export const ONNX_LAYER_CLASS_NAMES = {
  reduce: 'OnnxReduce',
  constantOp: 'OnnxConstantOp',
  binary: 'OnnxBinary',
  slice: 'OnnxSlice',
} as const;

/** Keras' GRU with reset_after=True (the Keras 2 and 3 default), which tfjs' GRU lacks. */
export const GRU_RESET_AFTER_CLASS = 'GRUResetAfter';

/** Every custom layer class a model file may name. */
export const CUSTOM_LAYER_CLASSES: readonly string[] = [
  FM_CLASS_NAME,
  FIELD_PROJECTION_CLASS_NAME,
  FIELD_EMBEDDING_CLASS_NAME,
  ...Object.values(ONNX_LAYER_CLASS_NAMES),
  GRU_RESET_AFTER_CLASS,
];
