/** AUC against parameters for every sweep point (the compression frontier), the original and the current plan. */
import { CartesianGrid, Label, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ScatterShapeProps, TooltipContentProps } from 'recharts';
import type { BaselineInfo, SweepPointInfo } from '../../engine/protocol';

type Method = string;
import { formatAuc, formatInt } from '../format';
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
  TICK,
  formatDelta,
  formatPercent,
  niceAxis,
  stepFormatter,
  rankLabel,
} from './theme';

export interface FrontierChartProps {
  points: SweepPointInfo[];
  baseline: BaselineInfo | null;
  /** The plan being looked at, highlighted with a ring. */
  current?: { params: number; auc: number } | null;
}

const CURRENT_COLOR = '#111827';
const CURRENT_HALO = '#facc15';

type Datum =
  | { kind: 'point'; method: Method; x: number; y: number; point: SweepPointInfo }
  | { kind: 'original'; x: number; y: number; baseline: BaselineInfo }
  | { kind: 'current'; x: number; y: number; params: number; auc: number };

function MethodDot(props: ScatterShapeProps, method: Method) {
  const { cx, cy } = props;
  if (cx == null || cy == null) return <g />;
  return (
    <circle
      cx={cx}
      cy={cy}
      r={props.isActive ? 5.5 : 4}
      fill={methodColor(method)}
      fillOpacity={0.8}
      stroke="white"
      strokeWidth={1}
    />
  );
}

function OriginalDiamond(props: ScatterShapeProps) {
  const { cx, cy } = props;
  if (cx == null || cy == null) return <g />;
  const s = 7;
  return (
    <g>
      <path
        d={`M${cx} ${cy - s} L${cx + s} ${cy} L${cx} ${cy + s} L${cx - s} ${cy} Z`}
        fill={ORIGINAL_COLOR}
        stroke="white"
        strokeWidth={1}
      />
      <text x={cx - s - 4} y={cy + 4} textAnchor="end" fontSize={11} fill={ORIGINAL_COLOR}>
        original
      </text>
    </g>
  );
}

function CurrentRing(props: ScatterShapeProps) {
  const { cx, cy } = props;
  if (cx == null || cy == null) return <g />;
  return (
    <g pointerEvents="none">
      <circle cx={cx} cy={cy} r={9} fill={CURRENT_HALO} fillOpacity={0.3} stroke={CURRENT_COLOR} strokeWidth={2} />
    </g>
  );
}

function FrontierTooltip({ active, payload }: TooltipContentProps) {
  const d = payload?.[0]?.payload as Datum | undefined;
  if (!active || !d) return null;
  if (d.kind === 'original') {
    const b = d.baseline;
    return (
      <ChartTooltip
        heading="Original model"
        rows={[
          { label: 'Parameters', value: formatInt(b.params) },
          { label: 'AUC', value: formatAuc(b.auc) },
        ]}
      />
    );
  }
  if (d.kind === 'current') {
    return (
      <ChartTooltip
        heading="Current plan"
        rows={[
          { label: 'Parameters', value: formatInt(d.params) },
          { label: 'AUC', value: formatAuc(d.auc) },
        ]}
      />
    );
  }
  const p = d.point;
  const rows: TooltipRow[] = [
    { label: 'Dense rank', value: rankLabel(p.denseRank) },
    { label: 'Embedding rank', value: rankLabel(p.embeddingRank) },
    { label: 'Parameters', value: `${formatInt(p.params)} (${formatPercent(p.paramRatio)})` },
    { label: 'AUC', value: formatAuc(p.auc) },
    { label: 'Δ AUC', value: formatDelta(p.delong.diff) },
    { label: 'Δ 95% interval', value: `${formatDelta(p.delong.low)} … ${formatDelta(p.delong.high)}` },
  ];
  return (
    <ChartTooltip
      heading={
        <>
          <span className="chart-swatch" style={{ background: methodColor(d.method) }} />
          {methodLabel(d.method)}
        </>
      }
      rows={rows}
    />
  );
}

export function FrontierChart({ points, baseline, current }: FrontierChartProps) {
  const byMethod = METHODS.map((m) => ({
    method: m,
    data: points
      .filter((p) => p.method === m)
      .map((p): Datum => ({ kind: 'point', method: m, x: p.params / 1000, y: p.auc, point: p })),
  })).filter((s) => s.data.length > 0);
  const original: Datum[] = baseline
    ? [{ kind: 'original', x: baseline.params / 1000, y: baseline.auc, baseline }]
    : [];
  const cur: Datum[] = current
    ? [{ kind: 'current', x: current.params / 1000, y: current.auc, params: current.params, auc: current.auc }]
    : [];
  const all = [...byMethod.flatMap((s) => s.data), ...original, ...cur];
  const x = niceAxis(
    all.map((d) => d.x),
    6,
    { includeZero: true },
  );
  const y = niceAxis(
    all.map((d) => d.y),
    6,
    { pad: 0.08 },
  );
  const legend: LegendItem[] = [
    ...byMethod.map((s): LegendItem => ({ label: methodLabel(s.method), color: methodColor(s.method), mark: 'dot' })),
    ...(baseline ? [{ label: 'original', color: ORIGINAL_COLOR, mark: 'diamond' } as LegendItem] : []),
    ...(current ? [{ label: 'current plan', color: CURRENT_COLOR, mark: 'ring' } as LegendItem] : []),
  ];
  const empty = points.length === 0 ? 'No sweep yet: run a rank sweep to see AUC against size.' : null;

  return (
    <ChartFrame testId="chart-frontier" title="Test AUC against model size" emptyMessage={empty} legend={legend}>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <ScatterChart margin={{ top: 10, right: 16, bottom: 22, left: 14 }}>
          <CartesianGrid stroke={GRID_COLOR} />
          <XAxis
            type="number"
            dataKey="x"
            domain={x?.domain}
            ticks={x?.ticks}
            tickFormatter={stepFormatter(x?.ticks)}
            tick={TICK}
          >
            <Label value="Parameters (thousands)" position="bottom" offset={4} style={AXIS_LABEL} />
          </XAxis>
          <YAxis
            type="number"
            dataKey="y"
            domain={y?.domain}
            ticks={y?.ticks}
            tickFormatter={formatAuc}
            tick={TICK}
            width={52}
          >
            <Label
              value="Test AUC"
              angle={-90}
              position="insideLeft"
              offset={-8}
              style={{ ...AXIS_LABEL, textAnchor: 'middle' }}
            />
          </YAxis>
          <Tooltip
            content={(props) => <FrontierTooltip {...props} />}
            cursor={{ strokeDasharray: '3 3' }}
            isAnimationActive={false}
          />
          {byMethod.map((s) => (
            <Scatter
              key={s.method}
              name={methodLabel(s.method)}
              data={s.data}
              shape={(p: ScatterShapeProps) => MethodDot(p, s.method)}
              isAnimationActive={false}
            />
          ))}
          {original.length > 0 && (
            <Scatter name="original" data={original} shape={OriginalDiamond} isAnimationActive={false} />
          )}
          {cur.length > 0 && <Scatter name="current plan" data={cur} shape={CurrentRing} isAnimationActive={false} />}
        </ScatterChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
