/**
 * Mini-batch training of a CTR model: Adam on binary cross-entropy (from logits, for stability), seeded
 * shuffling, evaluation on a validation slice after each epoch (or several times per epoch), early stopping,
 * and the best check's weights restored at the end.
 *
 * Early stopping judges on the validation log loss by default, AUC breaking ties. On rare clicks (0.1-1%)
 * the validation slice holds a handful of clicks, so its AUC jumps by several points from one check to the
 * next on noise alone, while the log loss is averaged over every row and moves smoothly; the log loss is
 * also what training minimises, so it keeps falling while the model is still learning the click rate. AUC only
 * breaks ties (log losses within a relative 1e-4), where the better ranking, the studio's headline, should win.
 * Patience counts epochs of data since the last real gain, whatever the number of checks per epoch.
 */
import type { EpochLog } from '../app/runtime';
import { tf } from './tfjs';
import type { LayersModel, Tensor } from './tfjs';
import type { EncodedBatch, FeatureEncoding } from '../core/data';
import { auc, logLoss } from '../core/metrics';
import { createRng, shuffledIndices } from '../core/random';
import { StudioError } from '../core/errors';
import { makeInputs, makeLabels, planFeed, type FeedPlan } from './feed';
import { logitModel, predictProbs } from './predict';
import { yieldToEventLoop } from '../core/yield';

export interface TrainOptions {
  /** Most epochs to run (early stopping may end sooner). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /**
   * Epochs of data without a gain of the monitored metric before stopping, counted from the last check that
   * gained (so 2 means two whole epochs, however many checks each epoch has).
   */
  patience: number;
  /** Validation checks per epoch (the best checkpoint is picked among them). */
  checksPerEpoch: number;
  /**
   * Also check the starting weights (epoch 0), so training never returns a model worse on the validation
   * rows than the one it started from (fine-tuning a compressed model).
   */
  checkInitial?: boolean;
  /**
   * Metric on the validation rows that picks the best check; the other one breaks ties (log loss: within a
   * relative 1e-4, the higher AUC wins; AUC: at an equal AUC, the lower log loss).
   */
  monitor: 'auc' | 'logloss';
  /** L2 penalty on every trainable weight (0 = none). */
  l2: number;
  seed: number;
  signal?: AbortSignal;
  /** Called after each epoch. */
  onEpoch?: (log: EpochLog) => void;
  /** Called after each step with the fraction of the run done (by epochs) and the running loss. */
  onStep?: (progress: { epoch: number; step: number; steps: number; loss: number }) => void;
}

export const DEFAULT_TRAIN: Omit<TrainOptions, 'signal' | 'onEpoch' | 'onStep'> = {
  epochs: 40,
  batchSize: 256,
  learningRate: 1e-3,
  patience: 2,
  checksPerEpoch: 1,
  monitor: 'logloss',
  l2: 0,
  seed: 42,
};

export type { EpochLog };

export interface TrainResult {
  epochs: EpochLog[];
  /** Epoch (possibly fractional) whose weights the model holds now. */
  bestEpoch: number;
  ms: number;
}

/** Relative change of the validation log loss within which two checks count as equally good. */
const LOGLOSS_TIE = 1e-4;

/** Whether check `a` really gains on the best check `b` by the monitored metric (more than a tie). */
function gains(monitor: TrainOptions['monitor'], a: EpochLog, b: EpochLog | null): boolean {
  if (!b) return true;
  return monitor === 'auc' ? a.validAuc > b.validAuc : a.validLogloss < b.validLogloss * (1 - LOGLOSS_TIE);
}

/** Whether check `a` ties the best check `b` on the monitored metric and wins on the other one. */
function winsTie(monitor: TrainOptions['monitor'], a: EpochLog, b: EpochLog): boolean {
  return monitor === 'auc'
    ? a.validAuc === b.validAuc && a.validLogloss < b.validLogloss
    : a.validLogloss <= b.validLogloss * (1 + LOGLOSS_TIE) && a.validAuc > b.validAuc;
}

/** Throws DATA_ONE_CLASS when the validation rows are all clicks or all non-clicks (AUC is then undefined). */
function checkBothClasses(valid: EncodedBatch): void {
  const clicks = valid.labels.reduce((s, l) => s + l, 0);
  if (clicks === 0 || clicks === valid.rows) {
    throw new StudioError(
      'DATA_ONE_CLASS',
      `The ${valid.rows} validation rows (the last part of the training rows) are all ` +
        `${clicks === 0 ? 'non-clicks' : 'clicks'}, so AUC cannot pick the best epoch; ` +
        `give more training rows, or rows with both clicks and non-clicks near the end.`,
    );
  }
}

/** One optimizer step on the rows `idx` of `train` (cross-entropy from logits plus the L2 penalty); its loss. */
async function trainStep(
  optimizer: tf.Optimizer,
  net: LayersModel,
  vars: tf.Variable[],
  l2: number,
  plan: FeedPlan,
  train: EncodedBatch,
  idx: Int32Array,
): Promise<number> {
  const inputs = makeInputs(plan, train, idx);
  const labels = makeLabels(train, idx);
  const loss = optimizer.minimize(
    () => {
      const logits = net.apply(inputs, { training: true }) as Tensor;
      let l = tf.losses.sigmoidCrossEntropy(labels, logits);
      if (l2 > 0) l = tf.add(l, tf.mul(l2, tf.addN(vars.map((v) => tf.sum(tf.square(v))))));
      return l as tf.Scalar;
    },
    true,
    vars,
  )!;
  const lossValue = (await loss.data())[0];
  loss.dispose();
  labels.dispose();
  inputs.forEach((t) => t.dispose());
  return lossValue;
}

/** Trains model in place on train rows, early-stopping on valid rows. */
export async function trainModel(
  model: LayersModel,
  encoding: FeatureEncoding,
  train: EncodedBatch,
  valid: EncodedBatch,
  options: Partial<TrainOptions> = {},
): Promise<TrainResult> {
  const opts = { ...DEFAULT_TRAIN, ...options };
  const t0 = performance.now();
  checkBothClasses(valid);
  const plan = planFeed(model, encoding);
  const net = logitModel(model);
  const optimizer = tf.train.adam(opts.learningRate);
  const rng = createRng(opts.seed);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const logs: EpochLog[] = [];
  // The best check so far and its weights (an object, so the check closure's writes are seen after the loop).
  const kept: { best: EpochLog | null; weights: Tensor[] | null } = { best: null, weights: null };
  /** Epoch (fractional) of the last check that gained on the best so far. */
  let lastGain = 0;
  const steps = Math.ceil(train.rows / opts.batchSize);
  try {
    const checkEvery = Math.max(1, Math.ceil(steps / opts.checksPerEpoch));
    let lossSum = 0;
    let lossRows = 0;
    let te = performance.now();
    /** Scores the validation rows, keeps the best weights; true when patience has run out. */
    const check = async (epoch: number): Promise<boolean> => {
      const probs = await predictProbs(model, encoding, valid);
      const log: EpochLog = {
        epoch,
        trainLoss: lossRows > 0 ? lossSum / lossRows : NaN,
        validAuc: auc(valid.labels, probs),
        validLogloss: logLoss(valid.labels, probs),
        ms: performance.now() - te,
      };
      lossSum = 0;
      lossRows = 0;
      te = performance.now();
      logs.push(log);
      opts.onEpoch?.(log);
      const gained = gains(opts.monitor, log, kept.best);
      if (gained) lastGain = epoch;
      if (gained || winsTie(opts.monitor, log, kept.best!)) {
        kept.best = log;
        kept.weights?.forEach((w) => w.dispose());
        kept.weights = model.getWeights().map((w) => w.clone());
      }
      return epoch - lastGain >= opts.patience - 1e-9;
    };
    if (opts.checkInitial) await check(0);
    training: for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const order = shuffledIndices(train.rows, rng);
      for (let s = 0; s < steps; s++) {
        if (s % 4 === 0) await yieldToEventLoop(); // let a cancel in
        if (opts.signal?.aborted) throw new StudioError('CANCELLED', 'Training was cancelled.');
        const idx = order.subarray(s * opts.batchSize, Math.min(train.rows, (s + 1) * opts.batchSize));
        const lossValue = await trainStep(optimizer, net, vars, opts.l2, plan, train, idx);
        lossSum += lossValue * idx.length;
        lossRows += idx.length;
        opts.onStep?.({ epoch, step: s + 1, steps, loss: lossValue });
        if ((s + 1) % checkEvery !== 0 && s + 1 !== steps) continue;
        if (await check(Number((epoch - 1 + (s + 1) / steps).toFixed(3)))) break training;
      }
    }
    if (kept.weights) model.setWeights(kept.weights);
  } finally {
    kept.weights?.forEach((w) => w.dispose());
    optimizer.dispose();
  }
  return { epochs: logs, bestEpoch: kept.best?.epoch ?? 0, ms: performance.now() - t0 };
}
