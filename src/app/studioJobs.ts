/**
 * The studio's longer jobs on the open model and rows: fine-tuning a plan, automatic ranks for a budget,
 * rank sweeps, latency, and training a zoo model on the open rows. Each starts a long job (a new one
 * supersedes the running one) and reports progress.
 */
import { tailSplit, prepareSplits, type PreparedSplits } from '../core/pipeline/splits';
import type { UniformPlan } from '../core/compress/plan';
import { StudioError } from '../core/errors';
import { TRAIN_DEFAULTS, type ModelSpec } from '../core/model/spec';
import { autoRanks } from './autoRank';
import { throwIfCancelled } from './jobs';
import { compressModel, ensureStatistics } from './pipeline';
import { seriesOf } from '../core/compress/methods';
import type { EpochLog, RunnableModel } from './runtime';
import type { Studio } from './studio';
import { runSweep } from './sweep';
import {
  planKey,
  type AutoRankInfo,
  type FineTuneSettings,
  type LatencyInfo,
  type ModelInfo,
  type PlanResult,
  type Progress,
  type SweepPointInfo,
  type SweepRequest,
  type TrainEpochInfo,
  type TrainRequest,
} from './types';

const epochInfo = (e: EpochLog): TrainEpochInfo => ({
  epoch: e.epoch,
  trainLoss: e.trainLoss,
  validAuc: e.validAuc,
  validLogloss: e.validLogloss,
});

/** Runs a long job: one at a time, cancellable through its signal. */
async function longJob<T>(s: Studio, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = s.ws.jobs.startLong();
  try {
    return await work(signal);
  } finally {
    s.ws.jobs.endLong(signal);
  }
}

/** Compresses by the plan and fine-tunes on the training rows (the best validation check kept). */
export function fineTunePlan(
  s: Studio,
  plan: UniformPlan,
  settings: FineTuneSettings,
  onEpoch?: (e: TrainEpochInfo) => void,
  onProgress?: (p: Progress) => void,
): Promise<PlanResult & { bestEpoch: number }> {
  const { meta, rows, c, model } = s.ws.ready();
  if (!model.fineTune)
    throw new StudioError('INVALID_ARGUMENT', `${s.ws.modelName} cannot be fine-tuned in this runtime.`);
  s.requirePrepared();
  return longJob(s, async (signal) => {
    const [train, valid] = tailSplit(rows.train, 0.1);
    const steps = settings.epochs * Math.ceil(train.rows / settings.batchSize);
    let done = 0;
    const out = await compressModel(
      c,
      meta.encoding,
      { calibration: rows.train, train, valid },
      {
        plan,
        signal,
        fineTune: { epochs: settings.epochs, learningRate: settings.learningRate, batchSize: settings.batchSize },
        onStep: () => onProgress?.({ stage: 'fine-tuning', done: ++done, total: steps, unit: 'steps' }),
        onEpoch: (e) => onEpoch?.(epochInfo(e)),
      },
    );
    const result = await s.score(out.model, plan, out.built.params, { fused: out.built.fused.length });
    s.tuned?.model.dispose();
    const tuned = { ...result, bestEpoch: out.fineTune?.bestEpoch ?? 0 };
    s.tuned = { key: planKey(plan), at: s.ws.generation, model: out.model, result: tuned, settings };
    return tuned;
  });
}

/** Per-layer ranks for a parameter budget (the plan's method), checked on validation rows. */
export async function chooseRanks(s: Studio, method: string, budget: number): Promise<AutoRankInfo> {
  const { meta, rows, c } = s.ws.ready();
  s.requirePrepared();
  const [, valid] = tailSplit(rows.train, 0.1);
  const r = await autoRanks(c, method, meta.encoding, valid, budget);
  return {
    plan: r.chosen.plan,
    chosen: r.chosen.label,
    budget: r.budget,
    candidates: r.candidates.map(({ label, params, validAuc }) => ({ label, params, validAuc })),
  };
}

/** A rank sweep on the test rows; each point is reported as it finishes. */
export async function sweep(
  s: Studio,
  request: SweepRequest,
  onPoint?: (p: SweepPointInfo) => void,
  onProgress?: (p: Progress) => void,
): Promise<SweepPointInfo[]> {
  const { meta, rows, c } = s.ws.ready();
  s.requirePrepared();
  return longJob(s, async (signal) => {
    for (const id of new Set(request.methods.map((m) => seriesOf(m).method.id))) {
      await ensureStatistics(c, meta.encoding, rows.train, id, { signal });
    }
    const base = await s.baselineScores();
    return runSweep(c, meta.encoding, rows.test, base, {
      ...request,
      calibration: rows.train,
      signal,
      onPoint: (p, done, total) => {
        onPoint?.(p);
        onProgress?.({ stage: 'sweep', done, total, unit: 'points' });
      },
    });
  });
}

/** Timed runs per model and batch size in the studio's latency chart (its median and spread). */
export const LATENCY_RUNS = 7;

const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * Inference latency of the original and the plan's model at batch 1 and 2048: LATENCY_RUNS timed runs of each
 * after a warm-up, the two models taking turns run by run (a burst of load elsewhere hits both alike); the
 * median with every run's time, for the spread.
 */
export async function latency(s: Studio, plan: UniformPlan): Promise<LatencyInfo[]> {
  const { model, meta, rows } = s.ws.ready();
  return longJob(s, async (signal) => {
    const small = (await s.buildPlan(plan, signal)).model;
    try {
      const out: LatencyInfo[] = [];
      for (const batchSize of [1, 2048]) {
        const runs = { original: [] as number[], compressed: [] as number[] };
        for (let r = 0; r < LATENCY_RUNS; r++) {
          for (const [m, times] of [
            [model, runs.original],
            [small, runs.compressed],
          ] as const) {
            throwIfCancelled(signal);
            const opts = { runs: 1, warmup: r === 0 ? 1 : 0, callsPerRun: batchSize === 1 ? 20 : 1 };
            times.push(...(await m.throughput(meta.encoding, rows.test, batchSize, opts)).msPerBatchRuns);
          }
        }
        const rowsPerBatch = Math.min(batchSize, rows.test.rows);
        const [a, b] = [medianOf(runs.original), medianOf(runs.compressed)];
        out.push({
          batchSize,
          originalMsPerBatch: a,
          compressedMsPerBatch: b,
          originalRowsPerSec: (rowsPerBatch / a) * 1000,
          compressedRowsPerSec: (rowsPerBatch / b) * 1000,
          originalRuns: runs.original,
          compressedRuns: runs.compressed,
        });
      }
      return out;
    } finally {
      small.dispose();
    }
  });
}

/** What a runtime needs to train a zoo model on prepared splits. */
export interface ZooTraining {
  kind: TrainRequest['kind'];
  splits: PreparedSplits;
  architecture: Pick<ModelSpec, 'embeddingDim' | 'tower' | 'crossLayers' | 'dropout'>;
  options: {
    epochs: number;
    /** Absent: the kind's default (TRAIN_DEFAULTS). */
    batchSize?: number;
    learningRate?: number;
    seed: number;
    signal?: AbortSignal;
    onStep?: () => void;
    onEpoch?: (e: EpochLog) => void;
  };
  trainFile: string;
  testFile?: string;
}

/** Trains a zoo model (with its encoding in its metadata) and returns it loaded. */
export type ZooTrainer = (t: ZooTraining) => Promise<RunnableModel>;

/** Trains a zoo model on the open rows; it becomes the open model. */
export async function trainModel(
  s: Studio,
  trainer: ZooTrainer,
  request: TrainRequest,
  onEpoch?: (e: TrainEpochInfo) => void,
  onProgress?: (p: Progress) => void,
): Promise<ModelInfo> {
  // A new model is trained on the files read as each file says, with the user's schema edits (as
  // `ctr-studio train` reads it), not as the open model's encoding needs them.
  const sp = await s.ws.readForTraining(onProgress);
  return longJob(s, async (signal) => {
    const splits = prepareSplits(
      sp.train.sample,
      sp.train.data.schema,
      { raw: sp.test.sample, schema: sp.test.data.schema },
      { validFraction: 0.1, minCount: 10 },
    );
    const batchSize = request.batchSize ?? TRAIN_DEFAULTS[request.kind].batchSize;
    const totalSteps = request.epochs * Math.ceil(splits.train.rows / batchSize);
    let stepsDone = 0;
    const model = await trainer({
      kind: request.kind,
      splits,
      architecture: { embeddingDim: request.embeddingDim, tower: request.tower, crossLayers: 3, dropout: 0 },
      options: {
        epochs: request.epochs,
        batchSize,
        learningRate: request.learningRate ?? TRAIN_DEFAULTS[request.kind].learningRate,
        seed: request.seed,
        signal,
        onStep: () => onProgress?.({ stage: 'training', done: ++stepsDone, total: totalSteps, unit: 'steps' }),
        onEpoch: (e) => onEpoch?.(epochInfo(e)),
      },
      trainFile: sp.train.name,
      testFile: sp.test.name,
    });
    s.ws.installData(sp); // the rows it was trained on, read as the new model reads them
    return s.ws.adopt(model, `${request.kind} trained on ${sp.train.name}`);
  });
}
