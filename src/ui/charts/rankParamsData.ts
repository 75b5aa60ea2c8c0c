/**
 * What the rank/parameters chart plots: the sweep points at one embedding rank as rows (each method's count in
 * thousands), the axis, which series repeat an earlier one (drawn dashed), the legend and the empty message.
 */
import type { SweepPointInfo } from '../../engine/protocol';
import type { LegendItem } from './ChartLegend';
import { sweepEmptyMessage, sweepRows, type RankRow, type SweepRows } from './sweepRows';
import { methodColor, methodLabel, niceAxis, ORIGINAL_COLOR, type NiceAxis } from './theme';

/** For each series whose counts equal an earlier series' at every shared rank, that earlier series. */
function repeats(rows: RankRow[], present: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  present.forEach((m, i) => {
    const earlier = present.slice(0, i).find((e) => {
      const both = rows.filter((r) => r.points[m] && r.points[e]);
      return both.length > 0 && both.every((r) => r.points[m]!.params === r.points[e]!.params);
    });
    if (earlier) out.set(m, earlier);
  });
  return out;
}

export interface RankParamsData {
  sweep: SweepRows;
  /** The parameters axis (thousands, from zero), covering every point and the original. */
  y: NiceAxis | null;
  /** Series that repeat an earlier one, mapped to it. */
  same: Map<string, string>;
  legend: LegendItem[];
  /** Shown instead of the plot when there are no points to draw. */
  empty: string | null;
}

/** The rank/parameters chart's rows, axis, repeated series, legend and empty message. */
export function rankParamsData(
  points: SweepPointInfo[],
  baselineParams: number | null,
  embeddingRank: number | null,
): RankParamsData {
  const sweep = sweepRows(points, embeddingRank, (row, p) => {
    row[p.method] = p.params / 1000;
  });
  const { shown, rows, present } = sweep;
  const y = niceAxis(
    [...shown.map((p) => p.params / 1000), ...(baselineParams !== null ? [baselineParams / 1000] : [])],
    6,
    { includeZero: true },
  );
  // Methods at the same ranks usually have the same count: a line that repeats an earlier one is drawn dashed
  // over it, and the legend says so.
  const same = repeats(rows, present);
  const legend: LegendItem[] = [
    ...present.map(
      (m): LegendItem => ({
        label: same.has(m) ? `${methodLabel(m)} (same as ${methodLabel(same.get(m)!)})` : methodLabel(m),
        color: methodColor(m),
        mark: same.has(m) ? 'dashed' : 'line',
      }),
    ),
    ...(baselineParams !== null ? [{ label: 'original', color: ORIGINAL_COLOR, mark: 'dashed' } as LegendItem] : []),
  ];
  return { sweep, y, same, legend, empty: sweepEmptyMessage(sweep, points, 'parameters') };
}

/** How a method's line is drawn: thinner and dashed over the series it repeats, else solid. */
export function rankParamsLineStyle(repeat: boolean): { strokeWidth: number; dash?: string; dotRadius: number } {
  return repeat ? { strokeWidth: 2, dash: '6 4', dotRadius: 2.5 } : { strokeWidth: 2.5, dotRadius: 3.5 };
}
