/**
 * What the rank/AUC chart plots: the sweep points at one embedding rank as rows (each method's AUC and its
 * DeLong 95% band), the AUC axis, the legend and the message when there is nothing to draw.
 */
import type { BaselineInfo, SweepPointInfo } from '../../engine/protocol';
import type { LegendItem } from './ChartLegend';
import { sweepEmptyMessage, sweepRows, type SweepRows } from './sweepRows';
import { methodColor, methodLabel, niceAxis, ORIGINAL_COLOR, type NiceAxis } from './theme';

/** The 95% interval of a point's AUC: the original's AUC plus the DeLong interval of the difference. */
export function aucInterval(p: SweepPointInfo, baseline: BaselineInfo | null): [number, number] {
  const base = baseline ? baseline.auc : p.auc - p.delong.diff;
  return [base + p.delong.low, base + p.delong.high];
}

export interface RankAucData {
  sweep: SweepRows;
  /** The AUC axis, covering every point, its band and the original. */
  y: NiceAxis | null;
  legend: LegendItem[];
  /** Shown instead of the plot when there are no points to draw. */
  empty: string | null;
}

/** The rank/AUC chart's rows (`<method>` = AUC, `<method>Band` = its interval), axis, legend and empty message. */
export function rankAucData(
  points: SweepPointInfo[],
  baseline: BaselineInfo | null,
  embeddingRank: number | null,
): RankAucData {
  const sweep = sweepRows(points, embeddingRank, (row, p) => {
    row[p.method] = p.auc;
    row[`${p.method}Band`] = aucInterval(p, baseline);
  });
  const { shown, present } = sweep;
  const y = niceAxis(
    [...shown.flatMap((p) => [p.auc, ...aucInterval(p, baseline)]), ...(baseline ? [baseline.auc] : [])],
    6,
  );
  const legend: LegendItem[] = [
    ...present.map((m): LegendItem => ({ label: methodLabel(m), color: methodColor(m), mark: 'line' })),
    ...(present.length > 0 ? [{ label: '95% interval (DeLong)', color: '#486581', mark: 'band' } as LegendItem] : []),
    ...(baseline ? [{ label: 'original', color: ORIGINAL_COLOR, mark: 'dashed' } as LegendItem] : []),
  ];
  return { sweep, y, legend, empty: sweepEmptyMessage(sweep, points, 'AUC') };
}
