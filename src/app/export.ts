/**
 * Export: the compressed (or fine-tuned) model's files with its recipe in the metadata, written in its own
 * format, then loaded back exactly as a drop would load them and checked (the same AUC, or without rows the
 * same weights) before they are offered. Used by the studio and by `ctr-studio compress --out`.
 */
import { buildRecipe, type CompressionRecipe, type RecipeInput } from '../core/compress/recipe';
import { describeError, isStudioError, StudioError } from '../core/errors';
import { METADATA_KEY, RECIPE_ONLY_KEY, type StudioMetadata } from '../core/model/metadata';
import { STUDIO_VERSION } from '../core/version';
import { asInputFiles, openModelFiles, payloadWeights, writeModel, type WrittenModel } from '../formats';
import { keepOriginalNames } from '../formats/keras';
import type { RunnableModel } from './runtime';
import type { ModelLoader } from './workspace';

export interface ExportJob {
  /** The model to write (its current weights). */
  model: RunnableModel;
  /** What the recipe records (method, ranks, rows, AUCs, ...), without the version fields. */
  recipe: Omit<RecipeInput, 'studioVersion'>;
  /** The encoding (and how the model was made) that travels with it; null for a model made elsewhere. */
  keep: StudioMetadata | null;
  quantize?: 'float16' | 'uint8';
  /** Also write the model in the other format where it converts (ONNX beside tfjs). */
  alsoOtherFormat?: boolean;
  /** Scores a model on the test rows (AUC); absent without rows: then the weights are compared instead. */
  score?: (m: RunnableModel) => Promise<number>;
  loader: ModelLoader;
}

export interface Exported {
  written: WrittenModel;
  recipe: CompressionRecipe;
  /** AUC of the model before writing, and of the files loaded back (NaN without rows). */
  auc: number;
  reloadedAuc: number;
}

/** Metadata of the written model: the kept encoding with the recipe, or the recipe alone. */
export function exportMetadata(keep: StudioMetadata | null, recipe: CompressionRecipe): Record<string, unknown> {
  if (!keep) return { [RECIPE_ONLY_KEY]: recipe };
  const meta: StudioMetadata = { ...keep, format: 1, studioVersion: STUDIO_VERSION, compression: recipe };
  return { [METADATA_KEY]: meta };
}

async function sameWeights(a: RunnableModel, b: RunnableModel): Promise<boolean> {
  const [x, y] = await Promise.all([a.payload(), b.payload()]);
  const [u, v] = [payloadWeights(a.format, x), payloadWeights(b.format, y)];
  return (
    u.length === v.length && u.every((w, i) => w.length === v[i].length && w.every((value, j) => value === v[i][j]))
  );
}

/** The written files opened as a drop would open them; a failure is ours, and said so. */
async function reopen(job: ExportJob, files: WrittenModel['files']): Promise<RunnableModel> {
  try {
    return (await job.loader(await openModelFiles(asInputFiles(files), 'The exported files'))).model;
  } catch (e) {
    if (isStudioError(e) && e.code === 'CANCELLED') throw e;
    throw new StudioError(
      'INTERNAL',
      `The files CTR Studio wrote for ${job.recipe.source} could not be opened again (${describeError(e).message}); ` +
        'the export was not offered. Please report it with the original model.',
    );
  }
}

export async function exportModel(job: ExportJob): Promise<Exported> {
  const auc = job.score ? await job.score(job.model) : Number.NaN;
  const recipe = buildRecipe({
    ...job.recipe,
    quantization: job.quantize ?? 'none',
    aucAfter: job.score ? auc : job.recipe.aucAfter,
    studioVersion: STUDIO_VERSION,
  });
  const payload = await job.model.payload();
  // The names a Keras file gave its layers (where the model's differ) travel with the export.
  const meta = { ...keepOriginalNames(job.model.userDefinedMetadata), ...exportMetadata(job.keep, recipe) };
  const written = writeModel(job.model.format, payload, meta, {
    quantize: job.quantize,
    onnx: job.alsoOtherFormat,
  });
  // Load the files back exactly as a drop would, and check them.
  // The model's own format only (the other format, when written, is a copy beside it).
  const ownIsOnnx = job.model.format === 'onnx';
  const main = written.files.filter((f) => (f.name === 'model.onnx') === ownIsOnnx);
  const reloaded = await reopen(job, main);
  let reloadedAuc = Number.NaN;
  try {
    if (job.score) reloadedAuc = await job.score(reloaded);
    else if (!job.quantize && !(await sameWeights(job.model, reloaded))) {
      throw new StudioError(
        'INTERNAL',
        "The exported model's weights differ after reloading; the export was not offered.",
      );
    }
  } finally {
    reloaded.dispose();
  }
  if (job.score && !job.quantize && Math.abs(reloadedAuc - auc) > 1e-6) {
    throw new StudioError(
      'INTERNAL',
      `The exported model scores AUC ${reloadedAuc.toFixed(6)} after reloading instead of ${auc.toFixed(6)}; ` +
        'the export was not offered.',
    );
  }
  return { written, recipe, auc, reloadedAuc };
}
