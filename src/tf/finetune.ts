/**
 * Fine-tuning a compressed model end to end on the training rows (the paper gives no recipe; these are the
 * defaults it suggests: Adam 1e-3, batch 256, one epoch), with early stopping on a validation slice. The
 * starting weights count as a checkpoint, so fine-tuning never hands back a model worse on the validation
 * rows than the compressed one it started from.
 */
import type { EncodedBatch, FeatureEncoding } from '../core/data';
import type { LayersModel } from './tfjs';
import { DEFAULT_FINE_TUNE } from '../app/pipeline';
import { trainModel, type TrainOptions, type TrainResult } from './train';

export type FineTuneOptions = Pick<
  TrainOptions,
  'epochs' | 'learningRate' | 'batchSize' | 'patience' | 'checksPerEpoch' | 'seed' | 'monitor'
>;

/** Trains `model` in place from its compressed weights; returns the training log (best check restored). */
export async function fineTune(
  model: LayersModel,
  encoding: FeatureEncoding,
  train: EncodedBatch,
  valid: EncodedBatch,
  options: Partial<FineTuneOptions> & Pick<TrainOptions, 'signal' | 'onEpoch' | 'onStep'> = {},
): Promise<TrainResult> {
  return trainModel(model, encoding, train, valid, { ...DEFAULT_FINE_TUNE, ...options, checkInitial: true });
}
