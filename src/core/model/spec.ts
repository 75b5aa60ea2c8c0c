/**
 * What a zoo model is, as plain data: the architecture and sizes the builder in src/tf/zoo turns into a
 * tfjs LayersModel. Stored in model.json's userDefinedMetadata so a saved model says how it was made.
 */
export const MODEL_KINDS = ['deepfm', 'dcnv2', 'widedeep', 'dnn', 'lr'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface ModelSpec {
  kind: ModelKind;
  /** One embedding table per categorical field; vocabSize includes id 0 (out of vocabulary). */
  fields: { name: string; vocabSize: number }[];
  /** Width of the numeric input (2 per numeric field: value and missing indicator); 0 = no numeric input. */
  numericWidth: number;
  /** Embedding dimension per field (paper's Criteo setup: 16). */
  embeddingDim: number;
  /** Hidden widths of the deep tower (paper's Criteo setup: 400-400-400). */
  tower: number[];
  /** Number of DCNv2 cross layers (full d×d matrices). */
  crossLayers: number;
  /** Dropout rate after each hidden tower layer (0 = none). */
  dropout: number;
  /** Seed of every initializer. */
  seed: number;
}

export const DEFAULT_SPEC: Omit<ModelSpec, 'kind' | 'fields' | 'numericWidth'> = {
  embeddingDim: 16,
  tower: [400, 400, 400],
  crossLayers: 3,
  dropout: 0,
  seed: 42,
};

/**
 * Training defaults per kind: Adam's learning rate and the rows per step. Logistic regression (convex, one
 * weight per id) takes steps ten times larger on batches eight times larger, from a bias at the training click
 * rate: on a log with 0.5% clicks it reaches a better test AUC in a fifth of the epochs, and the same AUC on the
 * demo rows. The deep models keep Adam 1e-3 on 256 rows from a logit of about 0, which did better on rare
 * clicks than a start at the click rate (their early steps, all pushing the logit down, act as a warm-up).
 */
export const TRAIN_DEFAULTS: Record<ModelKind, { learningRate: number; batchSize: number }> = {
  deepfm: { learningRate: 1e-3, batchSize: 256 },
  dcnv2: { learningRate: 1e-3, batchSize: 256 },
  widedeep: { learningRate: 1e-3, batchSize: 256 },
  dnn: { learningRate: 1e-3, batchSize: 256 },
  lr: { learningRate: 1e-2, batchSize: 2048 },
};

/** Human name of each model kind, for help texts and the studio. */
export const MODEL_TITLES: Record<ModelKind, string> = {
  deepfm: 'DeepFM',
  dcnv2: 'DCNv2',
  widedeep: 'Wide & Deep',
  dnn: 'DNN',
  lr: 'Logistic regression',
};

/** Name of a model input for a field: tfjs layer names allow only [A-Za-z0-9_.-/]. */
export function inputNameForField(field: string): string {
  const clean = field.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z]/.test(clean) ? clean : `f_${clean}`;
}

/** Name of the numeric input. */
export const NUMERIC_INPUT = 'numeric';
/** Name of the layer whose output is the model's logit (the final sigmoid follows it). */
export const LOGIT_LAYER = 'logit';
/** Name of the output layer (sigmoid probability). */
export const OUTPUT_LAYER = 'prediction';
