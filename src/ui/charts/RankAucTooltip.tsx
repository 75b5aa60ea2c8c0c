/** The rank/AUC chart's tooltip: at one dense rank, each method's AUC, its 95% interval and its change. */
import type { BaselineInfo } from '../../engine/protocol';
import { formatAuc } from '../format';
import { ChartTooltip, type TooltipRow } from './ChartTooltip';
import { aucInterval } from './rankAucData';
import { rankHeading, type RankRow } from './sweepRows';
import { formatDelta, methodColor, methodLabel, METHODS, ORIGINAL_COLOR } from './theme';

/** Every method's AUC at the rank under the pointer, then the original's. */
export function RankAucTooltip({ row, baseline }: { row: RankRow; baseline: BaselineInfo | null }) {
  const rows: TooltipRow[] = [];
  for (const m of METHODS) {
    const p = row.points[m];
    if (!p) continue;
    const [lo, hi] = aucInterval(p, baseline);
    rows.push({ label: `${methodLabel(m)} AUC`, value: formatAuc(p.auc), color: methodColor(m) });
    rows.push({ label: '95% interval', value: `${formatAuc(lo)} – ${formatAuc(hi)}` });
    rows.push({ label: 'Δ AUC', value: formatDelta(p.delong.diff) });
  }
  if (baseline) rows.push({ label: 'Original AUC', value: formatAuc(baseline.auc), color: ORIGINAL_COLOR });
  return <ChartTooltip heading={rankHeading(row)} rows={rows} />;
}
