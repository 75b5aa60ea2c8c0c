/**
 * One compression from start to finish, as the CLI, the report and the studio run it: statistics (one pass,
 * or sequential), decompositions, the rewritten model, and optionally fine-tuning on the training rows.
 */
import type { EncodedBatch, FeatureEncoding } from '../core/data';
import { StudioError } from '../core/errors';
import type { UniformPlan } from '../core/compress/plan';
import type { BuiltModel, Compressor, ResolvedLayer } from './compressor';
import { fineTune, type FineTuneOptions } from './finetune';
import { concatSources, type RowSource, type StatisticsOptions } from './stats';
import type { EpochLog, TrainResult } from './train';
import type { LayersModel } from './tfjs';

export interface CompressionRows {
  /** Rows for AFM statistics (streamed sources are read once per pass; several are shards). */
  calibration: RowSource | RowSource[];
  /** Rows to fine-tune on, and the validation slice that picks the best checkpoint. */
  train?: EncodedBatch;
  valid?: EncodedBatch;
}

export interface CompressionJob {
  plan: UniformPlan;
  fuse?: boolean;
  /** Fine-tune after compressing (null/absent: no fine-tuning). Required for AFM + activation. */
  fineTune?: Partial<FineTuneOptions> | null;
  /** Build AFM + activation without fine-tuning (the studio shows its starting point before tuning). */
  allowUntunedActivation?: boolean;
  signal?: AbortSignal;
  onStatistics?: StatisticsOptions['onProgress'];
  onEpoch?: (log: EpochLog) => void;
  onStep?: (p: { epoch: number; step: number; steps: number; loss: number }) => void;
}

export interface CompressionOutcome {
  /** The compressed (and fine-tuned) model; the caller disposes it. */
  model: LayersModel;
  /** The model as built, before any fine-tuning. */
  built: BuiltModel;
  resolved: ResolvedLayer[];
  fineTune: TrainResult | null;
  timings: { statisticsMs: number; decompositionMs: number; rewriteMs: number; fineTuneMs: number };
}

export async function compressModel(
  c: Compressor,
  encoding: FeatureEncoding,
  rows: CompressionRows,
  job: CompressionJob,
): Promise<CompressionOutcome> {
  const { plan } = job;
  if (plan.activation && !job.fineTune && !job.allowUntunedActivation) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      'AFM + activation changes what the model computes, so it must be fine-tuned; turn fine-tuning on.',
    );
  }
  if (job.fineTune && (!rows.train || !rows.valid))
    throw new StudioError('INVALID_ARGUMENT', 'Fine-tuning needs training rows; provide a training file.');
  const before = { ...c.timings };
  if (plan.method === 'afm' && !c.statistics) {
    await c.collect(encoding, rows.calibration, { signal: job.signal, onProgress: job.onStatistics });
  }
  const resolved = c.uniformPlan(plan);
  const own =
    plan.method === 'afm' && plan.statistics === 'sequential'
      ? await c.sequentialDecompositions(
          encoding,
          Array.isArray(rows.calibration) ? concatSources(rows.calibration) : rows.calibration,
          resolved,
          { signal: job.signal },
        )
      : undefined;
  c.replacements(resolved, own); // compute (and cache) the decompositions: the compressor times them
  const decompositionMs = c.timings.decompositionMs - before.decompositionMs;
  const tRewrite = performance.now();
  const built = c.build(resolved, { fuse: job.fuse ?? true, decompositions: own });
  const model = await c.load(built);
  const rewriteMs = performance.now() - tRewrite;
  let tuned: TrainResult | null = null;
  const tFt = performance.now();
  if (job.fineTune) {
    try {
      tuned = await fineTune(model, encoding, rows.train!, rows.valid!, {
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
      statisticsMs: c.timings.statisticsMs - before.statisticsMs,
      decompositionMs,
      rewriteMs,
      fineTuneMs: job.fineTune ? performance.now() - tFt : 0,
    },
  };
}
