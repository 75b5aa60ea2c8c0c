/**
 * One compression from start to finish, as the command line, the report and the studio run it: statistics
 * (one pass, or sequential), decompositions, the rewritten model, and optionally fine-tuning on the
 * training rows.
 */
import type { EncodedBatch, FeatureEncoding, RowSource } from '../core/data';
import type { BuiltModel } from '../core/compress/compressor';
import { getMethod, statisticsNeeded } from '../core/compress/methods';
import type { ResolvedLayer, UniformPlan } from '../core/compress/plan';
import { StudioError } from '../core/errors';
import type { ModelCompressor } from './modelCompressor';
import type { EpochLog, FineTuneOptions, FineTuneResult, RunnableModel, StatisticsOptions } from './runtime';

/** The fine-tuning defaults (the paper gives no recipe; it suggests Adam 1e-3, batch 256, one epoch). */
export const DEFAULT_FINE_TUNE: Omit<FineTuneOptions, 'signal' | 'onEpoch' | 'onStep'> = {
  epochs: 1,
  learningRate: 1e-3,
  batchSize: 256,
  checksPerEpoch: 4,
  // In epochs: four checks without a gain. Fine-tuning keeps judging on AUC, the figure a compression is held to.
  patience: 1,
  seed: 42,
  monitor: 'auc',
};

export interface CompressionRows {
  /** Rows for statistics (streamed sources are read once per pass; several are shards). */
  calibration: RowSource | RowSource[];
  /** Rows to fine-tune on, and the validation slice that picks the best checkpoint. */
  train?: EncodedBatch;
  valid?: EncodedBatch;
}

export interface CompressionJob {
  plan: UniformPlan;
  fuse?: boolean;
  /** Fine-tune after compressing (null/absent: no fine-tuning). Required for an activation between factors. */
  fineTune?: Partial<FineTuneOptions> | null;
  /** Build the activation variant without fine-tuning (the studio shows its starting point before tuning). */
  allowUntunedActivation?: boolean;
  signal?: AbortSignal;
  onStatistics?: StatisticsOptions['onProgress'];
  onEpoch?: (log: EpochLog) => void;
  onStep?: (p: { epoch: number; step: number; steps: number; loss: number }) => void;
}

export interface CompressionOutcome<P = unknown> {
  /** The compressed (and fine-tuned) model; the caller disposes it. */
  model: RunnableModel<P>;
  /** The model as built, before any fine-tuning. */
  built: BuiltModel<P>;
  resolved: ResolvedLayer[];
  fineTune: FineTuneResult | null;
  timings: { statisticsMs: number; decompositionMs: number; rewriteMs: number; fineTuneMs: number };
}

/** Statistics the plan's method needs and the compressor does not hold yet. */
export async function ensureStatistics(
  c: ModelCompressor,
  encoding: FeatureEncoding,
  calibration: RowSource | RowSource[],
  methodId: string,
  opts: StatisticsOptions = {},
): Promise<void> {
  const needs = statisticsNeeded([methodId]);
  if (needs.has('activations') && !c.has('activations')) await c.collect(encoding, calibration, opts);
  if (needs.has('gradients') && !c.has('gradients')) await c.addGradients(encoding, calibration, opts);
}

export async function compressModel<P>(
  c: ModelCompressor<P>,
  encoding: FeatureEncoding,
  rows: CompressionRows,
  job: CompressionJob,
): Promise<CompressionOutcome<P>> {
  const { plan } = job;
  if (plan.activation && !job.fineTune && !job.allowUntunedActivation) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      'An activation between the factors changes what the model computes, so it must be fine-tuned; ' +
        'turn fine-tuning on.',
    );
  }
  if (job.fineTune && (!rows.train || !rows.valid)) {
    throw new StudioError('INVALID_ARGUMENT', 'Fine-tuning needs training rows; provide a training file.');
  }
  if (job.fineTune && !c.model.fineTune) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `${c.model.name} cannot be fine-tuned here; compress it without fine-tuning.`,
    );
  }
  const before = { statisticsMs: c.statisticsMs, decompositionMs: c.timings.decompositionMs };
  await ensureStatistics(c, encoding, rows.calibration, plan.method, {
    signal: job.signal,
    onProgress: job.onStatistics,
  });
  const resolved = c.uniformPlan(plan);
  const sequential = plan.statistics === 'sequential' && getMethod(plan.method).sequential;
  const own = sequential
    ? await c.sequentialDecompositions(encoding, rows.calibration, resolved, { signal: job.signal })
    : undefined;
  c.replacements(resolved, own); // compute (and cache) the decompositions: the compressor times them
  const decompositionMs = c.timings.decompositionMs - before.decompositionMs;
  const tRewrite = performance.now();
  const built = c.build(resolved, { fuse: job.fuse ?? true, decompositions: own });
  const model = await c.load(built);
  const rewriteMs = performance.now() - tRewrite;
  let tuned: FineTuneResult | null = null;
  const tFt = performance.now();
  if (job.fineTune) {
    try {
      tuned = await model.fineTune!(encoding, rows.train!, rows.valid!, {
        ...job.fineTune,
        signal: job.signal,
        onEpoch: job.onEpoch,
        onStep: job.onStep,
      });
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  return {
    model,
    built,
    resolved,
    fineTune: tuned,
    timings: {
      statisticsMs: c.statisticsMs - before.statisticsMs,
      decompositionMs,
      rewriteMs,
      fineTuneMs: job.fineTune ? performance.now() - tFt : 0,
    },
  };
}
