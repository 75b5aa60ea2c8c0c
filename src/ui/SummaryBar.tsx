/** The numbers that matter, side by side: original vs compressed parameters, test AUC (DeLong interval), log loss. */
import { memo } from 'react';
import type { BaselineInfo, PlanResult } from '../engine/protocol';
import { AucChange } from './AucChange';
import { formatAuc, formatInt, formatLoss } from './format';
import { ScoreWarnings } from './ScoreWarnings';

interface Props {
  baseline: BaselineInfo | null;
  plannedParams: number | null;
  originalParams: number | null;
  result: PlanResult | null;
  /** The fine-tuned result of this very plan, when there is one: the headline then shows it (what export uses). */
  tuned: PlanResult | null;
  /** True when result belongs to an older plan (a newer one is being scored). */
  stale: boolean;
}

export const SummaryBar = memo(function SummaryBar({
  baseline,
  plannedParams,
  originalParams,
  result,
  tuned,
  stale,
}: Props) {
  if (result?.reconstruction)
    return (
      <DataFreeSummary plannedParams={plannedParams} originalParams={originalParams} result={result} stale={stale} />
    );
  const shown = tuned ?? result;
  return (
    <section className="summary" data-testid="summary" aria-label="Results">
      <ParamsMetric plannedParams={plannedParams} originalParams={originalParams} />
      <div className={`metric${stale ? ' stale' : ''}${tuned ? ' tuned' : ''}`}>
        <span className="label" data-testid="auc-label">
          {tuned ? 'Test AUC, compressed and fine-tuned' : 'Test AUC, compressed'}
        </span>
        <span className="value" data-testid="compressed-auc">
          {shown ? formatAuc(shown.auc) : '—'}
        </span>
        <span className="sub">
          original {baseline ? formatAuc(baseline.auc) : '—'}
          {tuned && result && <span data-testid="untuned-auc"> · before fine-tuning {formatAuc(result.auc)}</span>}
          {baseline?.full && (
            <span data-testid="full-auc">
              {' '}
              · {formatAuc(baseline.full.auc)} on all {formatInt(baseline.full.rows)} rows
            </span>
          )}
        </span>
      </div>
      <AucChange delong={shown ? shown.delong : null} stale={stale} />
      <div className={`metric${stale ? ' stale' : ''}`}>
        <span className="label">Log loss{tuned ? ', fine-tuned' : ''}</span>
        <span className="value">{shown ? formatLoss(shown.logloss) : '—'}</span>
        <span className="sub">original {baseline ? formatLoss(baseline.logloss) : '—'}</span>
      </div>
      <p className="explain summary-explain">
        <b>95% DeLong interval</b>: the range the AUC change would fall in 95 times out of 100, from a paired test on
        the same test rows; a change whose whole interval is below zero is a real loss, one whose interval spans zero is
        within noise.
      </p>
      <ScoreWarnings warnings={[...new Set([...(baseline?.warnings ?? []), ...(result?.warnings ?? [])])]} />
    </section>
  );
});

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
