/** Inference latency of the original and the compressed model, one panel per batch size, with the speedup. */
import { memo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Label,
  LabelList,
  Rectangle,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { BarShapeProps, LabelProps, TooltipContentProps } from 'recharts';
import type { LatencyInfo, Method } from '../../engine/protocol';
import { formatInt } from '../format';
import type { LegendItem } from './ChartLegend';
import { ChartFrame } from './ChartFrame';
import { ChartTooltip } from './ChartTooltip';
import {
  AXIS_LABEL,
  CHART_HEIGHT,
  COMPRESSED_COLOR,
  GRID_COLOR,
  methodColor,
  methodLabel,
  ORIGINAL_COLOR,
  TICK,
  niceAxis,
  stepFormatter,
} from './theme';

export interface LatencyChartProps {
  latency: LatencyInfo[];
  /** Method of the compressed model, for its color and label (LatencyInfo does not say). */
  method?: Method;
}

interface BarDatum {
  name: 'original' | 'compressed';
  ms: number;
  rowsPerSec: number;
  speedup?: number;
  color: string;
}

/** Milliseconds with 3 significant digits: 0.412, 4.12, 41.2, 412. */
export function formatMsShort(ms: number): string {
  if (ms >= 100) return Math.round(ms).toLocaleString('en-US');
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

export const formatSpeedup = (x: number): string => `×${x.toFixed(2)}`;

function LatencyTooltip({ active, payload, batchSize }: TooltipContentProps & { batchSize: number }) {
  const b = payload?.[0]?.payload as BarDatum | undefined;
  if (!active || !b) return null;
  return (
    <ChartTooltip
      heading={`${b.name === 'original' ? 'Original' : 'Compressed'}, batch of ${formatInt(batchSize)}`}
      rows={[
        { label: 'Latency', value: `${formatMsShort(b.ms)} ms per batch`, color: b.color },
        { label: 'Throughput', value: `${formatInt(b.rowsPerSec)} rows/s` },
        ...(b.speedup !== undefined ? [{ label: 'Speedup', value: formatSpeedup(b.speedup) }] : []),
      ]}
    />
  );
}

/** Each bar in its own color (original gray, compressed in the method's color). */
function BarShape(props: BarShapeProps) {
  const d = props.payload as BarDatum | undefined;
  return (
    <Rectangle
      x={props.x}
      y={props.y}
      width={props.width}
      height={props.height}
      radius={[3, 3, 0, 0]}
      fill={d?.color ?? ORIGINAL_COLOR}
    />
  );
}

/** "41.7 ms" above each bar (a custom label: the default one wraps to the bar's width). */
function BarLabel(props: LabelProps) {
  const { x, y, width, value, index } = props;
  if (typeof x !== 'number' || typeof y !== 'number' || typeof width !== 'number' || typeof value !== 'number')
    return null;
  return (
    <text x={x + width / 2} y={y - 5} textAnchor="middle" fontSize={11} fill="#334e68" data-index={index}>
      {formatMsShort(value)} ms
    </text>
  );
}

function Panel({ info, color }: { info: LatencyInfo; color: string }) {
  const speedup = info.originalMsPerBatch / info.compressedMsPerBatch;
  const bars: BarDatum[] = [
    { name: 'original', ms: info.originalMsPerBatch, rowsPerSec: info.originalRowsPerSec, color: ORIGINAL_COLOR },
    { name: 'compressed', ms: info.compressedMsPerBatch, rowsPerSec: info.compressedRowsPerSec, speedup, color },
  ];
  const y = niceAxis(
    bars.map((b) => b.ms),
    5,
    { includeZero: true, pad: 0.12 },
  );
  return (
    <div className="chart-panel" data-testid={`latency-batch-${info.batchSize}`}>
      <p className="chart-panel-title">
        Batch of {formatInt(info.batchSize)} {info.batchSize === 1 ? 'row' : 'rows'}: <b>{formatSpeedup(speedup)}</b>
      </p>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT - 22}>
        <BarChart data={bars} margin={{ top: 18, right: 8, bottom: 4, left: 14 }} barCategoryGap="28%">
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis dataKey="name" type="category" tick={TICK} tickLine={false} />
          <YAxis
            type="number"
            domain={y?.domain}
            ticks={y?.ticks}
            tickFormatter={stepFormatter(y?.ticks)}
            tick={TICK}
            width={44}
          >
            <Label
              value="Latency (ms per batch)"
              angle={-90}
              position="insideLeft"
              offset={-6}
              style={{ ...AXIS_LABEL, textAnchor: 'middle' }}
            />
          </YAxis>
          <Tooltip
            content={(props) => <LatencyTooltip {...props} batchSize={info.batchSize} />}
            cursor={{ fill: 'rgba(16,42,67,0.05)' }}
            isAnimationActive={false}
          />
          <Bar dataKey="ms" isAnimationActive={false} shape={BarShape}>
            <LabelList dataKey="ms" content={BarLabel} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export const LatencyChart = memo(function LatencyChart({ latency, method }: LatencyChartProps) {
  const color = method ? methodColor(method) : COMPRESSED_COLOR;
  const sorted = [...latency].sort((a, b) => a.batchSize - b.batchSize);
  const legend: LegendItem[] = [
    { label: 'original', color: ORIGINAL_COLOR, mark: 'box' },
    { label: method ? `compressed (${methodLabel(method)})` : 'compressed', color, mark: 'box' },
  ];
  const empty =
    sorted.length === 0 ? 'No latency measured yet: time the current plan to compare it with the original.' : null;
  return (
    <ChartFrame testId="chart-latency" title="Inference latency" emptyMessage={empty} legend={legend}>
      <div className="chart-panels">
        {sorted.map((info) => (
          <Panel key={info.batchSize} info={info} color={color} />
        ))}
      </div>
    </ChartFrame>
  );
});
