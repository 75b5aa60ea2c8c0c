/**
 * The plot of the rank/AUC chart: per method a line of test AUC by dense rank over its shaded 95% band, and a
 * dashed line at the original's AUC.
 */
import { Area, CartesianGrid, ComposedChart, Label, Line, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import type { BaselineInfo } from '../../engine/protocol';
import { formatAuc } from '../format';
import { yAxisTitle } from './axisLabels';
import { originalLine, rankXAxis } from './rankChartParts';
import { RankAucTooltip } from './RankAucTooltip';
import type { RankRow } from './sweepRows';
import { CHART_HEIGHT, GRID_COLOR, methodColor, methodLabel, TICK, type NiceAxis } from './theme';

interface Props {
  rows: RankRow[];
  /** Methods with points, in chart order. */
  present: string[];
  baseline: BaselineInfo | null;
  y: NiceAxis | null;
}

/** AUC lines and bands by dense rank, with the original's AUC. */
export function RankAucPlot({ rows, present, baseline, y }: Props) {
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 22, left: 14 }}>
        <CartesianGrid stroke={GRID_COLOR} vertical={false} />
        {rankXAxis()}
        <YAxis
          interval={0}
          type="number"
          domain={y?.domain}
          ticks={y?.ticks}
          tickFormatter={formatAuc}
          tick={TICK}
          width={52}
          allowDataOverflow
        >
          <Label {...yAxisTitle('Test AUC')} />
        </YAxis>
        <Tooltip content={(props) => <RankAucTooltip {...props} baseline={baseline} />} isAnimationActive={false} />
        {present.map((m) => (
          <Area
            key={`${m}-band`}
            dataKey={`${m}Band`}
            name={`${methodLabel(m)} 95% interval`}
            stroke="none"
            fill={methodColor(m)}
            fillOpacity={0.12}
            legendType="none"
            connectNulls
            isAnimationActive={false}
            activeDot={false}
          />
        ))}
        {present.map((m) => (
          <Line
            key={m}
            dataKey={m}
            name={methodLabel(m)}
            stroke={methodColor(m)}
            strokeWidth={2}
            dot={{ r: 3, fill: methodColor(m) }}
            connectNulls
            isAnimationActive={false}
          />
        ))}
        {baseline && originalLine(baseline.auc, formatAuc(baseline.auc))}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
