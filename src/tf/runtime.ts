/**
 * The tfjs runtime as the application layer sees it: models opened by the format registry loaded as
 * TfjsModel (in the browser, after moving off WebGPU when a weight would not fit one GPU buffer: the
 * worker hands in that check), and zoo models trained on prepared splits.
 */
import type { ZooTrainer } from '../app/studioJobs';
import type { ModelLoader } from '../app/workspace';
import { StudioError } from '../core/errors';
import type { ModelArtifacts } from '../core/layers/artifacts';
import { METADATA_KEY } from '../core/model/metadata';
import type { OpenedModel } from '../formats';
import { saveModelToArtifacts } from './modelio';
import { TfjsModel } from './runnable';
import { tf } from './tfjs';
import { trainZooModel } from './trainZoo';

/** The largest weight as float32 (on the GPU every weight is float32, whatever it is stored as). */
function largestWeight(artifacts: ModelArtifacts): { name: string; bytes: number } {
  const gpuBytes = (w: ModelArtifacts['weightSpecs'][number]) => 4 * w.shape.reduce((x, y) => x * y, 1);
  return artifacts.weightSpecs.reduce((a, w) => (gpuBytes(w) > a.bytes ? { name: w.name, bytes: gpuBytes(w) } : a), {
    name: '',
    bytes: 0,
  });
}

/**
 * Loads tfjs layers-models; `fitBackend` (the browser's) may switch the backend first, when the model's
 * largest weight would not fit it, and returns the sentence that says so.
 */
export function tfjsLoader(
  opts: { fitBackend?: (largestBytes: number, largestName: string) => Promise<string | null> } = {},
): ModelLoader {
  return async (opened: OpenedModel) => {
    if (opened.kind !== 'layers') {
      throw new StudioError('INTERNAL', `The tfjs runtime cannot run a model of kind ${opened.kind}.`);
    }
    let notice: string | undefined;
    if (opts.fitBackend) {
      const largest = largestWeight(opened.artifacts);
      notice = (await opts.fitBackend(largest.bytes, largest.name)) ?? undefined;
    }
    const model = await TfjsModel.load(opened.artifacts, opened.name);
    return { model, ...(notice ? { notice } : {}), backend: tf.getBackend() };
  };
}

/** Trains a zoo model with tfjs; the result carries its encoding and training record in its metadata. */
export const trainZoo: ZooTrainer = async (t) => {
  const { model, meta } = await trainZooModel(t);
  const artifacts = await saveModelToArtifacts(model, { [METADATA_KEY]: meta });
  model.dispose();
  return TfjsModel.load(artifacts, `${t.kind} trained on ${t.trainFile}`);
};
