/** The numbers that matter, side by side: original vs compressed parameters, test AUC (DeLong interval), log loss. */
import type { BaselineInfo, PlanResult } from '../engine/protocol';
import { formatAuc, formatInt, formatLoss, formatSigned } from './format';
import { ScoreWarnings } from './ScoreWarnings';

interface Props {
  baseline: BaselineInfo | null;
  plannedParams: number | null;
  originalParams: number | null;
  result: PlanResult | null;
  /** True when result belongs to an older plan (a newer one is being scored). */
  stale: boolean;
}

export function SummaryBar({ baseline, plannedParams, originalParams, result, stale }: Props) {
  if (result?.reconstruction)
    return (
      <DataFreeSummary plannedParams={plannedParams} originalParams={originalParams} result={result} stale={stale} />
    );
  return (
    <section className="summary" data-testid="summary">
      <ParamsMetric plannedParams={plannedParams} originalParams={originalParams} />
      <div className={`metric${stale ? ' stale' : ''}`}>
        <span className="label">Test AUC, compressed</span>
        <span className="value" data-testid="compressed-auc">
          {result ? formatAuc(result.auc) : '—'}
        </span>
        <span className="sub">
          original {baseline ? formatAuc(baseline.auc) : '—'}
          {baseline?.full && (
            <span data-testid="full-auc">
              {' '}
              · {formatAuc(baseline.full.auc)} on all {formatInt(baseline.full.rows)} rows
            </span>
          )}
        </span>
      </div>
      <div className={`metric${stale ? ' stale' : ''}`}>
        <span className="label">AUC change (95% DeLong)</span>
        <span className="value" data-testid="auc-diff">
          {result ? formatSigned(result.delong.diff) : '—'}
        </span>
        <span className="sub" data-testid="auc-interval">
          {result ? `[${formatSigned(result.delong.low)}, ${formatSigned(result.delong.high)}]` : ''}
        </span>
      </div>
      <div className={`metric${stale ? ' stale' : ''}`}>
        <span className="label">Log loss</span>
        <span className="value">{result ? formatLoss(result.logloss) : '—'}</span>
        <span className="sub">original {baseline ? formatLoss(baseline.logloss) : '—'}</span>
      </div>
      <ScoreWarnings warnings={[...new Set([...(baseline?.warnings ?? []), ...(result?.warnings ?? [])])]} />
    </section>
  );
}

/** Without rows to score: parameters and how far the replaced layers are from the originals. */
function DataFreeSummary({
  plannedParams,
  originalParams,
  result,
  stale,
}: {
  plannedParams: number | null;
  originalParams: number | null;
  result: PlanResult;
  stale: boolean;
}) {
  const r = result.reconstruction!;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return (
    <section className="summary" data-testid="summary">
      <ParamsMetric plannedParams={plannedParams} originalParams={originalParams} />
      <div className={`metric${stale ? ' stale' : ''}`}>
        <span className="label">Reconstruction error, mean (data-free)</span>
        <span className="value" data-testid="reconstruction-mean">
          {pct(r.mean)}
        </span>
        <span className="sub">worst layer {pct(r.worst)}</span>
      </div>
      <div className="metric data-free-note" data-testid="data-free">
        <span className="label">Data-free compression</span>
        <span className="sub">
          No rows this model can score: Dense layers by SVD of their weights, tables by AFM with every id weighted
          alike. Drop data with the model&apos;s columns to switch to data-aware AFM and AUC.
        </span>
      </div>
    </section>
  );
}

/** The plan's parameter count against the original's, updated the moment a slider moves. */
function ParamsMetric({
  plannedParams,
  originalParams,
}: {
  plannedParams: number | null;
  originalParams: number | null;
}) {
  const ratio = plannedParams !== null && originalParams ? plannedParams / originalParams : null;
  return (
    <div className="metric">
      <span className="label">Parameters</span>
      <span className="value" data-testid="planned-params">
        {plannedParams !== null ? formatInt(plannedParams) : '—'}
      </span>
      <span className="sub">
        of {originalParams !== null ? formatInt(originalParams) : '—'}
        {ratio !== null ? ` (${(100 * ratio).toFixed(1)}%, ${(1 / ratio).toFixed(2)}× smaller)` : ''}
      </span>
    </div>
  );
}
