/**
 * Rank sweeps: for each series (a method, optionally with sequential statistics) and each (dense rank,
 * embedding rank) pair, build the compressed model from the cached decompositions and score it on the test
 * rows against the original (same rows, paired DeLong). This is the data the studio charts and
 * `ctr-studio sweep` reports.
 */
import type { EncodedBatch, FeatureEncoding, RowSource } from '../core/data';
import { seriesOf } from '../core/compress/methods';
import type { SweepPoint } from '../core/compress/report';
import { StudioError } from '../core/errors';
import { auc, delong, evaluationWarnings, logLoss } from '../core/metrics';
import { yieldToEventLoop } from '../core/yield';
import type { ModelCompressor } from './modelCompressor';

export type { SweepPoint };

export interface SweepOptions {
  /** Series ids (see methods.allSeries). */
  methods: string[];
  /** Calibration rows, needed by sequential series (one forward pass per compressed Dense layer and point). */
  calibration?: RowSource;
  /** Dense ranks to try; null keeps the Dense layers. */
  denseRanks: (number | null)[];
  /** Embedding ranks to try; null keeps the tables. */
  embeddingRanks: (number | null)[];
  /** Explicit (dense, embedding) pairs instead of the grid of the two lists. */
  pairs?: { denseRank: number | null; embeddingRank: number | null }[];
  fuse?: boolean;
  signal?: AbortSignal;
  onPoint?: (point: SweepPoint, done: number, total: number) => void;
}

export interface Baseline {
  params: number;
  probs: Float32Array;
  auc: number;
  logloss: number;
  /** Sentences about degenerate scores of the original model (constant, saturated); empty when healthy. */
  warnings: string[];
}

/** How the warnings about a comparison name the two models. */
const ORIGINAL = 'the original model';
const COMPRESSED = 'the compressed model';

/** The original model's scores on the test rows: AUC, log loss and warnings about degenerate scores. */
export function baselineOf(params: number, labels: Float32Array, probs: Float32Array): Baseline {
  const a = auc(labels, probs);
  const warnings = evaluationWarnings(labels, { name: ORIGINAL, probabilities: probs });
  return { params, probs, auc: a, logloss: logLoss(labels, probs), warnings };
}

/**
 * The warnings about a compressed model scored against the original (its own scores and the comparison), less
 * those about the original alone, which the baseline carries.
 */
export function comparisonWarnings(
  labels: Float32Array,
  baseline: Baseline,
  probs: Float32Array,
  d: { diff: number; low: number; high: number },
): string[] {
  return evaluationWarnings(
    labels,
    { name: ORIGINAL, probabilities: baseline.probs },
    { name: COMPRESSED, probabilities: probs },
    d,
  ).filter((w) => !baseline.warnings.includes(w));
}

/** Scores the original model once: the reference every sweep point is compared with. */
export async function scoreBaseline(
  c: ModelCompressor,
  encoding: FeatureEncoding,
  test: EncodedBatch,
): Promise<Baseline> {
  return baselineOf(c.originalParams, test.labels, await c.model.probabilities(encoding, test));
}

/** Runs the sweep; points arrive through onPoint as they finish, and are returned in order. */
export async function runSweep(
  c: ModelCompressor,
  encoding: FeatureEncoding,
  test: EncodedBatch,
  baseline: Baseline,
  opts: SweepOptions,
): Promise<SweepPoint[]> {
  const pairs =
    opts.pairs ??
    opts.denseRanks.flatMap((denseRank) => opts.embeddingRanks.map((embeddingRank) => ({ denseRank, embeddingRank })));
  const grid = opts.methods.flatMap((method) => pairs.map((p) => ({ method, ...p })));
  const points: SweepPoint[] = [];
  for (const g of grid) {
    await yieldToEventLoop(); // let a cancel or a newer request in
    if (opts.signal?.aborted) throw new StudioError('CANCELLED', 'The sweep was cancelled.');
    const t0 = performance.now();
    const series = seriesOf(g.method);
    const plan = c.uniformPlan({
      denseRank: g.denseRank,
      embeddingRank: g.embeddingRank,
      method: series.method.id,
      statistics: series.sequential ? 'sequential' : 'one-pass',
    });
    if (series.sequential && !opts.calibration) {
      throw new StudioError('INVALID_ARGUMENT', 'Sequential statistics need the calibration rows.');
    }
    const own = series.sequential
      ? await c.sequentialDecompositions(encoding, opts.calibration!, plan, { signal: opts.signal })
      : undefined;
    const built = c.build(plan, { fuse: opts.fuse, decompositions: own });
    const model = await c.load(built);
    const t1 = performance.now();
    try {
      const probs = await model.probabilities(encoding, test);
      const t2 = performance.now();
      const d = delong(test.labels, baseline.probs, probs);
      const point: SweepPoint = {
        ...g,
        params: built.params,
        paramRatio: built.params / baseline.params,
        auc: d.aucB,
        logloss: logLoss(test.labels, probs),
        delong: { diff: d.diff, se: d.se, low: d.low, high: d.high, p: d.p },
        warnings: comparisonWarnings(test.labels, baseline, probs, d),
        kept: plan.filter((p) => p.method === 'keep' && p.note?.startsWith('rank')).map((p) => p.layer),
        buildMs: t1 - t0,
        scoreMs: t2 - t1,
      };
      points.push(point);
      opts.onPoint?.(point, points.length, grid.length);
    } finally {
      model.dispose();
    }
  }
  return points;
}
