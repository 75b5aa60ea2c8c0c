/** Serialization names of the project's custom tfjs layers (registered by src/tf/layers), as plain data. */

/** The factorization-machine interaction (DeepFM's FM part). */
export const FM_CLASS_NAME = 'FMInteraction';

/** Helper layers for ONNX operators without a standard tfjs layer (models imported from ONNX). */
export const ONNX_LAYER_CLASS_NAMES = {
  reduce: 'OnnxReduce',
  constantOp: 'OnnxConstantOp',
  binary: 'OnnxBinary',
  slice: 'OnnxSlice',
} as const;

/** Every custom layer class a model file may name. */
export const CUSTOM_LAYER_CLASSES: readonly string[] = [FM_CLASS_NAME, ...Object.values(ONNX_LAYER_CLASS_NAMES)];
