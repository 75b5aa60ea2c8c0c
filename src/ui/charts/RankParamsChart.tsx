/** Parameter count against the dense rank, one line per method, with the original's count. */
import {
  CartesianGrid,
  Label,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { TooltipContentProps } from 'recharts';
import type { SweepPointInfo } from '../../engine/protocol';
import { formatInt } from '../format';
import type { LegendItem } from './ChartLegend';
import { ChartFrame } from './ChartFrame';
import { ChartTooltip, type TooltipRow } from './ChartTooltip';
import {
  AXIS_LABEL,
  CHART_HEIGHT,
  GRID_COLOR,
  methodColor,
  methodLabel,
  METHODS,
  ORIGINAL_COLOR,
  ORIGINAL_DASH,
  TICK,
  formatPercent,
  niceAxis,
  stepFormatter,
} from './theme';
import { rankHeading, sweepEmptyMessage, sweepRows, type RankRow } from './sweepRows';

export interface RankParamsChartProps {
  points: SweepPointInfo[];
  /** Parameters of the original model (null = not known yet). */
  baselineParams: number | null;
  /** Only the points with this embedding rank are drawn (null = embeddings kept). */
  embeddingRank: number | null;
}

function RankParamsTooltip({
  active,
  payload,
  baselineParams,
}: TooltipContentProps & { baselineParams: number | null }) {
  const row = payload?.[0]?.payload as RankRow | undefined;
  if (!active || !row) return null;
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

export function RankParamsChart({ points, baselineParams, embeddingRank }: RankParamsChartProps) {
  const sweep = sweepRows(points, embeddingRank, (row, p) => {
    row[p.method] = p.params / 1000;
  });
  const { shown, rows, present, embLabel } = sweep;
  const y = niceAxis(
    [...shown.map((p) => p.params / 1000), ...(baselineParams !== null ? [baselineParams / 1000] : [])],
    6,
    { includeZero: true },
  );
  const empty = sweepEmptyMessage(sweep, points, 'parameters');
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

  return (
    <ChartFrame
      testId="chart-rank-params"
      title={
        <>
          Parameters by dense rank <small>{embLabel}</small>
        </>
      }
      emptyMessage={empty}
      legend={legend}
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 22, left: 14 }}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis dataKey="rank" type="category" tick={TICK} tickLine={false} interval={0}>
            <Label value="Dense rank (components)" position="bottom" offset={4} style={AXIS_LABEL} />
          </XAxis>
          <YAxis
            type="number"
            domain={y?.domain}
            ticks={y?.ticks}
            tickFormatter={stepFormatter(y?.ticks)}
            tick={TICK}
            width={52}
          >
            <Label
              value="Parameters (thousands)"
              angle={-90}
              position="insideLeft"
              offset={-8}
              style={{ ...AXIS_LABEL, textAnchor: 'middle' }}
            />
          </YAxis>
          <Tooltip
            content={(props) => <RankParamsTooltip {...props} baselineParams={baselineParams} />}
            isAnimationActive={false}
          />
          {present.map((m) =>
            same.has(m) ? (
              <Line
                key={m}
                dataKey={m}
                name={methodLabel(m)}
                stroke={methodColor(m)}
                strokeWidth={2}
                strokeDasharray="6 4"
                dot={{ r: 2.5, fill: methodColor(m) }}
                connectNulls
                isAnimationActive={false}
              />
            ) : (
              <Line
                key={m}
                dataKey={m}
                name={methodLabel(m)}
                stroke={methodColor(m)}
                strokeWidth={2.5}
                dot={{ r: 3.5, fill: methodColor(m) }}
                connectNulls
                isAnimationActive={false}
              />
            ),
          )}
          {baselineParams !== null && (
            <ReferenceLine
              y={baselineParams / 1000}
              stroke={ORIGINAL_COLOR}
              strokeDasharray={ORIGINAL_DASH}
              ifOverflow="extendDomain"
            >
              <Label
                value={`original ${formatInt(baselineParams)}`}
                position="insideBottomLeft"
                style={{ fontSize: 11, fill: ORIGINAL_COLOR }}
              />
            </ReferenceLine>
          )}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
