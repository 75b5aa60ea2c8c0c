/** Test AUC against the dense rank, one line per method, with the DeLong 95% band and the original's AUC. */
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Label,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { TooltipContentProps } from 'recharts';
import type { BaselineInfo, SweepPointInfo } from '../../engine/protocol';
import { formatAuc } from '../format';
import { ChartFrame } from './ChartFrame';
import type { LegendItem } from './ChartLegend';
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
  formatDelta,
  niceAxis,
} from './theme';
import { rankHeading, sweepEmptyMessage, sweepRows, type RankRow } from './sweepRows';

export interface RankAucChartProps {
  points: SweepPointInfo[];
  baseline: BaselineInfo | null;
  /** Only the points with this embedding rank are drawn (null = embeddings kept). */
  embeddingRank: number | null;
}

/** The 95% interval of a point's AUC: the original's AUC plus the DeLong interval of the difference. */
export function aucInterval(p: SweepPointInfo, baseline: BaselineInfo | null): [number, number] {
  const base = baseline ? baseline.auc : p.auc - p.delong.diff;
  return [base + p.delong.low, base + p.delong.high];
}

function RankAucTooltip({ active, payload, baseline }: TooltipContentProps & { baseline: BaselineInfo | null }) {
  const row = payload?.[0]?.payload as RankRow | undefined;
  if (!active || !row) return null;
  const rows: TooltipRow[] = [];
  for (const m of METHODS) {
    const p = row.points[m];
    if (!p) continue;
    const [lo, hi] = aucInterval(p, baseline);
    rows.push({ label: `${methodLabel(m)} AUC`, value: formatAuc(p.auc), color: methodColor(m) });
    rows.push({ label: '95% interval', value: `${formatAuc(lo)} – ${formatAuc(hi)}` });
    rows.push({ label: 'Δ AUC', value: formatDelta(p.delong.diff) });
  }
  if (baseline) rows.push({ label: 'Original AUC', value: formatAuc(baseline.auc), color: ORIGINAL_COLOR });
  return <ChartTooltip heading={rankHeading(row)} rows={rows} />;
}

export function RankAucChart({ points, baseline, embeddingRank }: RankAucChartProps) {
  const sweep = sweepRows(points, embeddingRank, (row, p) => {
    row[p.method] = p.auc;
    row[`${p.method}Band`] = aucInterval(p, baseline);
  });
  const { shown, rows, present, embLabel } = sweep;
  const y = niceAxis(
    [...shown.flatMap((p) => [p.auc, ...aucInterval(p, baseline)]), ...(baseline ? [baseline.auc] : [])],
    6,
  );
  const empty = sweepEmptyMessage(sweep, points, 'AUC');

  const legend: LegendItem[] = [
    ...present.map((m): LegendItem => ({ label: methodLabel(m), color: methodColor(m), mark: 'line' })),
    ...(present.length > 0 ? [{ label: '95% interval (DeLong)', color: '#486581', mark: 'band' } as LegendItem] : []),
    ...(baseline ? [{ label: 'original', color: ORIGINAL_COLOR, mark: 'dashed' } as LegendItem] : []),
  ];

  return (
    <ChartFrame
      testId="chart-rank-auc"
      title={
        <>
          Test AUC by dense rank <small>{embLabel}</small>
        </>
      }
      emptyMessage={empty}
      legend={legend}
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 22, left: 14 }}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis dataKey="rank" type="category" tick={TICK} tickLine={false} interval={0}>
            <Label value="Dense rank (components)" position="bottom" offset={4} style={AXIS_LABEL} />
          </XAxis>
          <YAxis
            type="number"
            domain={y?.domain}
            ticks={y?.ticks}
            tickFormatter={formatAuc}
            tick={TICK}
            width={52}
            allowDataOverflow
          >
            <Label
              value="Test AUC"
              angle={-90}
              position="insideLeft"
              offset={-8}
              style={{ ...AXIS_LABEL, textAnchor: 'middle' }}
            />
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
          {baseline && (
            <ReferenceLine
              y={baseline.auc}
              stroke={ORIGINAL_COLOR}
              strokeDasharray={ORIGINAL_DASH}
              ifOverflow="extendDomain"
            >
              <Label
                value={`original ${formatAuc(baseline.auc)}`}
                position="insideBottomLeft"
                style={{ fontSize: 11, fill: ORIGINAL_COLOR }}
              />
            </ReferenceLine>
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
