/**
 * Pieces the two rank charts (AUC and parameters by dense rank) share: where each swept rank sits on the x
 * axis, that axis, the dashed line at the original model's value, the margins and the hover targets.
 */
import { BottomAxis } from './svg/BottomAxis';
import { type Margin, type PlotArea, X_AXIS_SPACE, yAxisMargin } from './svg/layout';
import { ReferenceLine } from './svg/ReferenceLine';
import { bandCentres, textWidth, thinLabels, type Pt } from './svg/scale';
import type { RankRow } from './sweepRows';
import { ORIGINAL_COLOR, ORIGINAL_DASH, TICK } from './theme';

/** The x of each row's rank: the centre of its band, as a category axis places it. */
export const rankXs = (rows: RankRow[], area: PlotArea): number[] => bandCentres(rows.length, area.left, area.right);

/** The category axis of the swept dense ranks, as many labelled as fit side by side. */
export function RankXAxis({ rows, area }: { rows: RankRow[]; area: PlotArea }) {
  const xs = rankXs(rows, area);
  const ticks = rows.map((r, i) => ({ at: xs[i], label: r.rank }));
  const widest = Math.max(0, ...ticks.map((t) => textWidth(t.label, TICK.fontSize)));
  const spacing = rows.length > 0 ? area.width / rows.length : 0;
  return (
    <BottomAxis area={area} ticks={thinLabels(ticks, widest, spacing)} title="Dense rank (components)" marks={false} />
  );
}

/** The dashed line at the original model's value (pixel `y`), labelled `original <text>`. */
export function OriginalLine({ area, y, text }: { area: PlotArea; y: number; text: string }) {
  return <ReferenceLine area={area} y={y} label={`original ${text}`} color={ORIGINAL_COLOR} dash={ORIGINAL_DASH} />;
}

/** A rank chart's margins: its y tick labels on the left, room for the last rank's label on the right. */
export function rankMargin(yLabels: string[]): Margin {
  return { top: 10, right: 16, bottom: X_AXIS_SPACE, left: yAxisMargin(yLabels) };
}

/** Where the pointer finds each rank: its x (the cursor is a vertical line there). */
export const rankTargets = (rows: RankRow[], area: PlotArea): Pt[] =>
  rankXs(rows, area).map((x) => ({ x, y: area.top }));

/** "at dense ranks 4, 8, 16 and keep" for a chart's accessible name. */
export function ranksPhrase(rows: RankRow[]): string {
  const ranks = rows.map((r) => r.rank);
  if (ranks.length <= 1) return `at dense rank ${ranks[0] ?? 'none'}`;
  return `at dense ranks ${ranks.slice(0, -1).join(', ')} and ${ranks[ranks.length - 1]}`;
}
