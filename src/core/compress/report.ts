/** Sweep points, and sweep reports as files a user can keep: JSON (everything) and CSV (one row per point). Pure. */

/** Paired DeLong test of AUC(compressed) − AUC(original) on the same rows. */
export interface DeLongSummary {
  diff: number;
  se: number;
  low: number;
  high: number;
  p: number;
}

/** What a sweep compares: a series id, a method with one-pass or sequential statistics (see ./methods). */
export type SweepMethod = string;

/** One compressed model of a sweep, scored on the test rows against the original. */
export interface SweepPoint {
  method: SweepMethod;
  /** Dense rank; null keeps the Dense layers. */
  denseRank: number | null;
  /** Embedding rank; null keeps the tables. */
  embeddingRank: number | null;
  params: number;
  /** params / original params. */
  paramRatio: number;
  auc: number;
  logloss: number;
  delong: DeLongSummary;
  /** Sentences about a degenerate comparison with the original (constant or saturated scores); empty if none. */
  warnings?: string[];
  /** Layers kept although the plan asked to compress them (rank above break-even). */
  kept: string[];
  /** Time to build and load the compressed model, and to score the test rows. */
  buildMs: number;
  scoreMs: number;
}

const CSV_COLUMNS = [
  'method',
  'dense_rank',
  'embedding_rank',
  'params',
  'param_ratio',
  'auc',
  'logloss',
  'auc_diff',
  'auc_diff_se',
  'auc_diff_low95',
  'auc_diff_high95',
  'p_value',
];

/** One CSV row per sweep point ("keep" where a kind of layer was not compressed). */
export function sweepCsv(
  points: Pick<
    SweepPoint,
    'method' | 'denseRank' | 'embeddingRank' | 'params' | 'paramRatio' | 'auc' | 'logloss' | 'delong'
  >[],
): string {
  const rows = points.map((p) =>
    [
      p.method,
      p.denseRank ?? 'keep',
      p.embeddingRank ?? 'keep',
      p.params,
      p.paramRatio.toFixed(6),
      p.auc.toFixed(6),
      p.logloss.toFixed(6),
      p.delong.diff.toFixed(6),
      p.delong.se.toFixed(6),
      p.delong.low.toFixed(6),
      p.delong.high.toFixed(6),
      p.delong.p.toFixed(6),
    ].join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
