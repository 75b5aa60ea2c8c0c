/**
 * The plot of the rank/parameters chart: per method a line of parameters (thousands) by dense rank, dashed
 * where it repeats an earlier method's, and a dashed line at the original's count.
 */
import { CartesianGrid, Label, Line, LineChart, ResponsiveContainer, Tooltip, YAxis } from 'recharts';
import { formatInt } from '../format';
import { yAxisTitle } from './axisLabels';
import { originalLine, rankXAxis } from './rankChartParts';
import { rankParamsLineStyle } from './rankParamsData';
import { RankParamsTooltip } from './RankParamsTooltip';
import type { RankRow } from './sweepRows';
import { CHART_HEIGHT, GRID_COLOR, methodColor, methodLabel, TICK, stepFormatter, type NiceAxis } from './theme';

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
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 22, left: 14 }}>
        <CartesianGrid stroke={GRID_COLOR} vertical={false} />
        {rankXAxis()}
        <YAxis
          interval={0}
          type="number"
          domain={y?.domain}
          ticks={y?.ticks}
          tickFormatter={stepFormatter(y?.ticks)}
          tick={TICK}
          width={52}
        >
          <Label {...yAxisTitle('Parameters (thousands)')} />
        </YAxis>
        <Tooltip
          content={(props) => <RankParamsTooltip {...props} baselineParams={baselineParams} />}
          isAnimationActive={false}
        />
        {present.map((m) => (
          <Line
            key={m}
            dataKey={m}
            name={methodLabel(m)}
            stroke={methodColor(m)}
            {...rankParamsLineStyle(methodColor(m), same.has(m))}
            connectNulls
            isAnimationActive={false}
          />
        ))}
        {baselineParams !== null && originalLine(baselineParams / 1000, formatInt(baselineParams))}
      </LineChart>
    </ResponsiveContainer>
  );
}
