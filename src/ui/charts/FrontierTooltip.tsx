/** The frontier chart's tooltip: the original, the current plan, or a sweep point's ranks, size and AUC change. */
import { formatAuc, formatInt } from '../format';
import { ChartTooltip, type TooltipRow } from './ChartTooltip';
import type { FrontierDatum } from './frontierData';
import { formatDelta, formatPercent, methodColor, methodLabel, rankLabel } from './theme';

/** The numbers of the point under the pointer. */
export function FrontierTooltip({ datum: d }: { datum: FrontierDatum }) {
  if (d.kind === 'original') {
    const b = d.baseline;
    return (
      <ChartTooltip
        heading="Original model"
        rows={[
          { label: 'Parameters', value: formatInt(b.params) },
          { label: 'AUC', value: formatAuc(b.auc) },
        ]}
      />
    );
  }
  if (d.kind === 'current') {
    return (
      <ChartTooltip
        heading="Current plan"
        rows={[
          { label: 'Parameters', value: formatInt(d.params) },
          { label: 'AUC', value: formatAuc(d.auc) },
        ]}
      />
    );
  }
  const p = d.point;
  const rows: TooltipRow[] = [
    { label: 'Dense rank', value: rankLabel(p.denseRank) },
    { label: 'Embedding rank', value: rankLabel(p.embeddingRank) },
    { label: 'Parameters', value: `${formatInt(p.params)} (${formatPercent(p.paramRatio)})` },
    { label: 'AUC', value: formatAuc(p.auc) },
    { label: 'Δ AUC', value: formatDelta(p.delong.diff) },
    { label: 'Δ 95% interval', value: `${formatDelta(p.delong.low)} … ${formatDelta(p.delong.high)}` },
  ];
  return (
    <ChartTooltip
      heading={
        <>
          <span className="chart-swatch" style={{ background: methodColor(d.method) }} />
          {methodLabel(d.method)}
        </>
      }
      rows={rows}
    />
  );
}
