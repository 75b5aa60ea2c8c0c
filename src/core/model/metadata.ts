/**
 * What CTR Studio stores in a model.json's userDefinedMetadata (plain JSON; tfjs warns above 1 MB): the fitted
 * feature encoding (so a saved model can score raw rows), how the model was made, and its measured quality.
 */
import type { FeatureEncoding } from '../data';
import { StudioError } from '../errors';
import type { ModelSpec } from './spec';
import { readRecipe, type CompressionRecipe } from '../compress/recipe';

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
  compression?: CompressionRecipe;
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

/** Key of the recipe in a model without CTR Studio's encoding (a model made elsewhere, compressed data-free). */
export const RECIPE_ONLY_KEY = `${METADATA_KEY}Compression`;

/** The compression recipe a model carries, checked (null when it has none). */
export function recipeOf(
  userDefinedMetadata: Record<string, unknown> | undefined,
  fileName: string,
): CompressionRecipe | null {
  const own = userDefinedMetadata?.[METADATA_KEY] as { compression?: unknown } | undefined;
  return readRecipe(own?.compression ?? userDefinedMetadata?.[RECIPE_ONLY_KEY], fileName);
}
