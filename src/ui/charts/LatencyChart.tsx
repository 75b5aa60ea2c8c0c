/**
 * Inference latency of the original and the compressed model, one panel per batch size, with the speedup: each bar
 * the median of the timed runs, its whisker their range (min–max).
 */
import { memo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
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
  /** Median milliseconds per batch. */
  ms: number;
  /** Fastest and slowest run, and how far each lies from the median (the whisker). */
  min: number;
  max: number;
  spread: [number, number];
  runs: number;
  rowsPerSec: number;
  speedup?: number;
  color: string;
}

/** A bar: the median of the runs, and their range. */
function barOf(name: BarDatum['name'], ms: number, runs: number[], rowsPerSec: number, color: string): BarDatum {
  const min = runs.length ? Math.min(...runs) : ms;
  const max = runs.length ? Math.max(...runs) : ms;
  return { name, ms, min, max, spread: [ms - min, max - ms], runs: runs.length, rowsPerSec, color };
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
        { label: 'Median', value: `${formatMsShort(b.ms)} ms per batch`, color: b.color },
        { label: `Range, ${b.runs} runs`, value: `${formatMsShort(b.min)}–${formatMsShort(b.max)} ms` },
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

/** "41.7 ms" above each bar's whisker (a custom label: the default one wraps to the bar's width). */
function BarLabel(props: LabelProps & { bars: BarDatum[] }) {
  const { x, y, width, height, value, index, bars } = props;
  if (typeof x !== 'number' || typeof y !== 'number' || typeof width !== 'number' || typeof value !== 'number')
    return null;
  // The whisker reaches the slowest run: lift the label above it (the bar's pixels per ms place it).
  const b = typeof index === 'number' ? bars[index] : undefined;
  const perMs = typeof height === 'number' && value > 0 ? height / value : 0;
  const top = y - (b ? (b.max - b.ms) * perMs : 0);
  return (
    <text x={x + width / 2} y={top - 5} textAnchor="middle" fontSize={11} fill="#334e68" data-index={index}>
      {formatMsShort(value)} ms
    </text>
  );
}

function Panel({ info, color }: { info: LatencyInfo; color: string }) {
  const speedup = info.originalMsPerBatch / info.compressedMsPerBatch;
  const bars: BarDatum[] = [
    barOf('original', info.originalMsPerBatch, info.originalRuns, info.originalRowsPerSec, ORIGINAL_COLOR),
    {
      ...barOf('compressed', info.compressedMsPerBatch, info.compressedRuns, info.compressedRowsPerSec, color),
      speedup,
    },
  ];
  const y = niceAxis(
    bars.flatMap((b) => [b.ms, b.max]),
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
          <XAxis interval={0} dataKey="name" type="category" tick={TICK} tickLine={false} />
          <YAxis
            interval={0}
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
            <ErrorBar dataKey="spread" width={8} strokeWidth={1.5} stroke="#334e68" direction="y" />
            <LabelList dataKey="ms" content={(props) => <BarLabel {...props} bars={bars} />} />
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
  const runs = sorted[0]?.originalRuns.length ?? 0;
  const empty =
    sorted.length === 0 ? 'No latency measured yet: time the current plan to compare it with the original.' : null;
  return (
    <ChartFrame
      testId="chart-latency"
      title="Inference latency"
      emptyMessage={empty}
      legend={legend}
      caption={runs ? `Bars: the median of ${runs} timed runs each; whiskers: the fastest and slowest run.` : undefined}
    >
      <div className="chart-panels">
        {sorted.map((info) => (
          <Panel key={info.batchSize} info={info} color={color} />
        ))}
      </div>
    </ChartFrame>
  );
});
