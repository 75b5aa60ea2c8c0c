/** Forward passes: logits and probabilities of a model over encoded rows, in batches. */
import { tf } from './tfjs';
import type { LayersModel, SymbolicTensor } from './tfjs';
import type { EncodedBatch, FeatureEncoding } from '../core/data';
import { LOGIT_LAYER } from '../core/model/spec';
import { makeInputs, planFeed, type FeedPlan } from './feed';
import { yieldToEventLoop } from '../core/yield';

const logitModels = new WeakMap<LayersModel, LayersModel>();

/**
 * The same model cut at its logit (the input of the final sigmoid). Zoo models name that layer 'logit';
 * for others, a final sigmoid Activation or a Dense with a sigmoid is recognised. Shares weights with model.
 */
export function logitModel(model: LayersModel): LayersModel {
  const cached = logitModels.get(model);
  if (cached) return cached;
  let out: SymbolicTensor | null = null;
  const named = model.layers.find((l) => l.name === LOGIT_LAYER);
  if (named) out = named.output as SymbolicTensor;
  if (!out) {
    const last = model.layers[model.layers.length - 1];
    const cfg = last.getConfig() as { activation?: string };
    if (last.getClassName() === 'Activation' && cfg.activation === 'sigmoid') out = last.input as SymbolicTensor;
  }
  if (!out) throw new Error('The model has no logit layer: its output is not a sigmoid.');
  const cut = tf.model({ inputs: model.inputs, outputs: out });
  logitModels.set(model, cut);
  return cut;
}

export interface ScoreOptions {
  batchSize?: number;
  /** Called after each batch with the number of rows scored so far. */
  onProgress?: (rowsDone: number) => void;
  signal?: AbortSignal;
}

async function runBatches(
  net: LayersModel,
  plan: FeedPlan,
  batch: EncodedBatch,
  opts: ScoreOptions,
): Promise<Float32Array> {
  const size = opts.batchSize ?? 2048;
  const out = new Float32Array(batch.rows);
  for (let start = 0; start < batch.rows; start += size) {
    if (start > 0) await yieldToEventLoop(); // a worker must keep answering (heartbeat, cancel) on long scorings
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    const end = Math.min(batch.rows, start + size);
    const inputs = makeInputs(plan, batch, { start, end });
    const y = net.predict(inputs, { batchSize: end - start }) as tf.Tensor;
    out.set((await y.data()) as Float32Array, start);
    y.dispose();
    inputs.forEach((t) => t.dispose());
    opts.onProgress?.(end);
  }
  return out;
}

/** Logits of every row. */
export async function predictLogits(
  model: LayersModel,
  encoding: FeatureEncoding,
  batch: EncodedBatch,
  opts: ScoreOptions = {},
): Promise<Float32Array> {
  return runBatches(logitModel(model), planFeed(model, encoding), batch, opts);
}

/** Click probabilities of every row (the model's own output). */
export async function predictProbs(
  model: LayersModel,
  encoding: FeatureEncoding,
  batch: EncodedBatch,
  opts: ScoreOptions = {},
): Promise<Float32Array> {
  return runBatches(model, planFeed(model, encoding), batch, opts);
}
