/** The rank/parameters chart's tooltip: at one dense rank, each method's parameter count and share. */
import { formatInt } from '../format';
import { ChartTooltip, type TooltipRow } from './ChartTooltip';
import { rankHeading, type RankRow } from './sweepRows';
import { formatPercent, methodColor, methodLabel, METHODS, ORIGINAL_COLOR } from './theme';

/** Every method's parameters at the rank under the pointer, then the original's. */
export function RankParamsTooltip({ row, baselineParams }: { row: RankRow; baselineParams: number | null }) {
  const rows: TooltipRow[] = [];
  for (const m of METHODS) {
    const p = row.points[m];
    if (p)
      rows.push({
        label: methodLabel(m),
        value: `${formatInt(p.params)} (${formatPercent(p.paramRatio)})`,
        color: methodColor(m),
      });
  }
  if (baselineParams !== null)
    rows.push({ label: 'Original', value: formatInt(baselineParams), color: ORIGINAL_COLOR });
  return <ChartTooltip heading={rankHeading(row)} rows={rows} />;
}
