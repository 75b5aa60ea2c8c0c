/** Sweep reports as files a user can keep: JSON (everything) and CSV (one row per point). Pure. */
export interface SweepReportPoint {
  method: string;
  denseRank: number | null;
  embeddingRank: number | null;
  params: number;
  paramRatio: number;
  auc: number;
  logloss: number;
  delong: { diff: number; se: number; low: number; high: number; p: number };
}

const CSV_COLUMNS = ['method', 'dense_rank', 'embedding_rank', 'params', 'param_ratio', 'auc', 'logloss', 'auc_diff', 'auc_diff_se', 'auc_diff_low95', 'auc_diff_high95', 'p_value'];

/** One CSV row per sweep point ("keep" where a kind of layer was not compressed). */
export function sweepCsv(points: SweepReportPoint[]): string {
  const rows = points.map((p) => [
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
  ].join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}
