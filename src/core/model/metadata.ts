/**
 * What CTR Studio stores in a model.json's userDefinedMetadata (plain JSON, tfjs-pitfalls #10): the fitted
 * feature encoding (so a saved model can score raw rows), how the model was made, and its measured quality.
 */
import type { FeatureEncoding } from '../data';
import { StudioError } from '../errors';
import type { ModelSpec } from './spec';

export const METADATA_KEY = 'ctrStudio';

export interface StudioMetadata {
  /** Version of this metadata layout. */
  format: 1;
  /** Version of CTR Studio that wrote it. */
  studioVersion: string;
  encoding: FeatureEncoding;
  /** Architecture, for zoo models. */
  spec?: ModelSpec;
  /** How the model was trained, for models trained by CTR Studio. */
  training?: {
    trainFile: string;
    trainRows: number;
    validRows: number;
    options: Record<string, unknown>;
    bestEpoch: number;
    epochs: { epoch: number; trainLoss: number; validAuc: number; validLogloss: number }[];
    seconds: number;
  };
  /** Test-set quality measured when the model was made. */
  evaluation?: { file: string; rows: number; auc: number; logloss: number };
  /** Compression recipe, for compressed models. */
  compression?: Record<string, unknown>;
}

/** Reads CTR Studio's metadata from a model's userDefinedMetadata, or null when it has none. */
export function readMetadata(userDefinedMetadata: Record<string, unknown> | undefined): StudioMetadata | null {
  const meta = userDefinedMetadata?.[METADATA_KEY] as StudioMetadata | undefined;
  return meta && typeof meta === 'object' && meta.encoding ? meta : null;
}

/** Like readMetadata, but a model without an encoding is an error saying what to do. */
export function requireMetadata(
  userDefinedMetadata: Record<string, unknown> | undefined,
  fileName = 'model.json',
): StudioMetadata {
  const meta = readMetadata(userDefinedMetadata);
  if (!meta) {
    throw new StudioError(
      'MODEL_NO_ENCODING',
      `${fileName} carries no CTR Studio feature encoding and no rows were given to ` +
        `bind its inputs to; give rows whose columns are named after its inputs ` +
        `(ctr-studio inspect lists them), or compress it with --data-free.`,
    );
  }
  return meta;
}
