/**
 * The plot of the rank/AUC chart: per method a line of test AUC by dense rank over its shaded 95% band, and a
 * dashed line at the original's AUC. Hand-drawn SVG: recharts spent 50–100 ms redrawing it per sweep point.
 */
import { useCallback, useMemo } from 'react';
import type { BaselineInfo } from '../../engine/protocol';
import { formatAuc } from '../format';
import { OriginalLine, RankXAxis, rankMargin, rankTargets, rankXs, ranksPhrase } from './rankChartParts';
import { RankAucTooltip } from './RankAucTooltip';
import { BandArea } from './svg/BandArea';
import { GridLines } from './svg/GridLines';
import type { PlotArea } from './svg/layout';
import { LineSeries } from './svg/LineSeries';
import { linearScale } from './svg/scale';
import { SideAxis } from './svg/SideAxis';
import { SvgPlot } from './svg/SvgPlot';
import type { RankRow } from './sweepRows';
import { CHART_HEIGHT, methodColor, methodLabel, type NiceAxis } from './theme';

interface Props {
  rows: RankRow[];
  /** Methods with points, in chart order. */
  present: string[];
  baseline: BaselineInfo | null;
  y: NiceAxis | null;
}

/** AUC lines and bands by dense rank, with the original's AUC. */
export function RankAucPlot({ rows, present, baseline, y }: Props) {
  const ticks = y?.ticks ?? [];
  const draw = useCallback(
    (area: PlotArea) => {
      if (!y) return null;
      const sy = linearScale(y.domain, [area.bottom, area.top]);
      const xs = rankXs(rows, area);
      return (
        <>
          <GridLines area={area} ys={y.ticks.map(sy)} />
          <SideAxis
            area={area}
            side="left"
            ticks={y.ticks.map((t) => ({ at: sy(t), label: formatAuc(t) }))}
            title="Test AUC"
          />
          <RankXAxis rows={rows} area={area} />
          {present.map((m) => (
            <BandArea
              key={`${m}-band`}
              name={m}
              color={methodColor(m)}
              points={rows.map((r, i) => {
                const band = r[`${m}Band`] as [number, number] | undefined;
                return band ? { x: xs[i], top: sy(band[1]), bottom: sy(band[0]) } : null;
              })}
            />
          ))}
          {present.map((m) => (
            <LineSeries
              key={m}
              name={m}
              color={methodColor(m)}
              points={rows.map((r, i) => (typeof r[m] === 'number' ? { x: xs[i], y: sy(r[m] as number) } : null))}
            />
          ))}
          {baseline && <OriginalLine area={area} y={sy(baseline.auc)} text={formatAuc(baseline.auc)} />}
        </>
      );
    },
    [rows, present, baseline, y],
  );
  const hover = useMemo(
    () => ({
      mode: 'x' as const,
      targets: (area: PlotArea) => rankTargets(rows, area),
      tooltip: (i: number) => <RankAucTooltip row={rows[i]} baseline={baseline} />,
    }),
    [rows, baseline],
  );
  const label =
    `Test AUC of ${present.map(methodLabel).join(', ')} ${ranksPhrase(rows)}, with 95% intervals` +
    (baseline ? `; the original's AUC is ${formatAuc(baseline.auc)}.` : '.');
  return (
    <SvgPlot label={label} height={CHART_HEIGHT} margin={rankMargin(ticks.map(formatAuc))} draw={draw} hover={hover} />
  );
}
