/**
 * The plot of the spectrum chart: one explained-variance line per method against rank, a dashed line at the
 * break-even rank and a solid one at the chosen rank. Hand-drawn SVG: a new model mounts it while training
 * ends, and recharts took 50–100 ms to draw it.
 */
import { useCallback, useMemo } from 'react';
import { spectrumLabelsClash, type SpectrumData } from './spectrumData';
import { SpectrumTooltip } from './SpectrumTooltip';
import { BottomAxis } from './svg/BottomAxis';
import { GridLines } from './svg/GridLines';
import { type PlotArea, X_AXIS_SPACE, xEndMargin, yAxisMargin } from './svg/layout';
import { LineSeries } from './svg/LineSeries';
import { ReferenceLine } from './svg/ReferenceLine';
import { linearScale } from './svg/scale';
import { SideAxis } from './svg/SideAxis';
import { SvgPlot } from './svg/SvgPlot';
import { CHART_HEIGHT, methodColor, methodLabel, MUTED_COLOR } from './theme';

interface Props {
  spectrum: SpectrumData;
  /** The chosen rank (null = the layer is kept). */
  rank: number | null;
  /** Above this rank the factored layer would be larger than the original. */
  breakEvenRank: number;
}

const RANK_COLOR = '#102a43';
const PERCENT_TICKS = [0, 25, 50, 75, 100];

/** The explained-variance lines with the break-even and chosen ranks marked. */
export function SpectrumPlot({ spectrum: { mine, maxRank, rows, xTicks }, rank, breakEvenRank }: Props) {
  const xMax = Math.max(1, maxRank);
  const draw = useCallback(
    (area: PlotArea) => {
      const sx = linearScale([0, xMax], [area.left, area.right]);
      const sy = linearScale([0, 100], [area.bottom, area.top]);
      const clash = spectrumLabelsClash(rank, breakEvenRank, maxRank);
      return (
        <>
          <GridLines area={area} ys={PERCENT_TICKS.map(sy)} />
          <SideAxis
            area={area}
            side="left"
            ticks={PERCENT_TICKS.map((t) => ({ at: sy(t), label: String(t) }))}
            title="Explained variance (%)"
          />
          <BottomAxis
            area={area}
            ticks={xTicks.map((t) => ({ at: sx(t), label: String(t) }))}
            title="Rank (components)"
          />
          {mine.map((s) => (
            <LineSeries
              key={s.method}
              name={s.method}
              color={methodColor(s.method)}
              dotRadius={0}
              points={s.explained.map((f, k) => ({ x: sx(k), y: sy(f * 100) }))}
            />
          ))}
          {breakEvenRank > 0 && breakEvenRank <= maxRank && (
            <ReferenceLine
              area={area}
              x={sx(breakEvenRank)}
              label={`break-even ${breakEvenRank}`}
              color={MUTED_COLOR}
              dash="3 3"
              labelStyle={{ fill: '#486581' }}
              labelBelow={clash}
            />
          )}
          {rank !== null && rank <= maxRank && (
            <ReferenceLine
              area={area}
              x={sx(rank)}
              label={`rank ${rank}`}
              color={RANK_COLOR}
              strokeWidth={1.5}
              labelStyle={{ fontWeight: 600 }}
            />
          )}
        </>
      );
    },
    [mine, maxRank, xMax, xTicks, rank, breakEvenRank],
  );
  const hover = useMemo(
    () => ({
      mode: 'x' as const,
      targets: (area: PlotArea) => {
        const sx = linearScale([0, xMax], [area.left, area.right]);
        return rows.map((r) => ({ x: sx(r.rank), y: area.top }));
      },
      tooltip: (i: number) => <SpectrumTooltip row={rows[i]} />,
    }),
    [rows, xMax],
  );
  const label =
    `Explained variance of ${mine.map((s) => methodLabel(s.method)).join(', ')} against rank 0 to ${maxRank}` +
    (rank !== null ? `, at the chosen rank ${rank}` : '') +
    (breakEvenRank > 0 ? `; break-even rank ${breakEvenRank}.` : '.');
  const margin = {
    top: 16,
    right: xEndMargin(String(xTicks[xTicks.length - 1] ?? '')),
    bottom: X_AXIS_SPACE,
    left: yAxisMargin(PERCENT_TICKS.map(String)),
  };
  return <SvgPlot label={label} height={CHART_HEIGHT - 36} margin={margin} draw={draw} hover={hover} />;
}
