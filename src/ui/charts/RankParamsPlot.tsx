/**
 * The plot of the rank/parameters chart: per method a line of parameters (thousands) by dense rank, dashed
 * where it repeats an earlier method's, and a dashed line at the original's count. Hand-drawn SVG: recharts
 * spent 50–100 ms redrawing it per sweep point.
 */
import { useCallback, useMemo } from 'react';
import { formatInt } from '../format';
import { OriginalLine, RankXAxis, rankMargin, rankTargets, rankXs, ranksPhrase } from './rankChartParts';
import { rankParamsLineStyle } from './rankParamsData';
import { RankParamsTooltip } from './RankParamsTooltip';
import { GridLines } from './svg/GridLines';
import type { PlotArea } from './svg/layout';
import { LineSeries } from './svg/LineSeries';
import { linearScale } from './svg/scale';
import { SideAxis } from './svg/SideAxis';
import { SvgPlot } from './svg/SvgPlot';
import type { RankRow } from './sweepRows';
import { CHART_HEIGHT, methodColor, methodLabel, stepFormatter, type NiceAxis } from './theme';

interface Props {
  rows: RankRow[];
  /** Methods with points, in chart order. */
  present: string[];
  /** Series that repeat an earlier one (drawn dashed). */
  same: Map<string, string>;
  /** Parameters of the original model (null = not known yet). */
  baselineParams: number | null;
  y: NiceAxis | null;
}

/** Parameter lines by dense rank, with the original's count. */
export function RankParamsPlot({ rows, present, same, baselineParams, y }: Props) {
  const ticks = y?.ticks ?? [];
  const format = stepFormatter(y?.ticks);
  const draw = useCallback(
    (area: PlotArea) => {
      if (!y) return null;
      const sy = linearScale(y.domain, [area.bottom, area.top]);
      const xs = rankXs(rows, area);
      const tickFormat = stepFormatter(y.ticks);
      return (
        <>
          <GridLines area={area} ys={y.ticks.map(sy)} />
          <SideAxis
            area={area}
            side="left"
            ticks={y.ticks.map((t) => ({ at: sy(t), label: tickFormat(t) }))}
            title="Parameters (thousands)"
          />
          <RankXAxis rows={rows} area={area} />
          {present.map((m) => (
            <LineSeries
              key={m}
              name={m}
              color={methodColor(m)}
              {...rankParamsLineStyle(same.has(m))}
              points={rows.map((r, i) => (typeof r[m] === 'number' ? { x: xs[i], y: sy(r[m] as number) } : null))}
            />
          ))}
          {baselineParams !== null && (
            <OriginalLine area={area} y={sy(baselineParams / 1000)} text={formatInt(baselineParams)} />
          )}
        </>
      );
    },
    [rows, present, same, baselineParams, y],
  );
  const hover = useMemo(
    () => ({
      mode: 'x' as const,
      targets: (area: PlotArea) => rankTargets(rows, area),
      tooltip: (i: number) => <RankParamsTooltip row={rows[i]} baselineParams={baselineParams} />,
    }),
    [rows, baselineParams],
  );
  const label =
    `Parameters of ${present.map(methodLabel).join(', ')} ${ranksPhrase(rows)}` +
    (baselineParams !== null ? `; the original has ${formatInt(baselineParams)}.` : '.');
  return (
    <SvgPlot label={label} height={CHART_HEIGHT} margin={rankMargin(ticks.map(format))} draw={draw} hover={hover} />
  );
}
