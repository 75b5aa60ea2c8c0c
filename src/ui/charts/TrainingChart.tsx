/** Live training curves: training log loss (left axis) and validation AUC (right axis) per epoch. */
import { CartesianGrid, ComposedChart, Label, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TooltipContentProps } from 'recharts';
import type { TrainEpochInfo } from '../../engine/protocol';
import { formatAuc, formatLoss } from '../format';
import type { LegendItem } from './ChartLegend';
import { ChartFrame } from './ChartFrame';
import { ChartTooltip } from './ChartTooltip';
import { AXIS_LABEL, CHART_HEIGHT, GRID_COLOR, TICK, niceAxis } from './theme';

export interface TrainingChartProps {
  /** Epochs reported so far (the chart grows as they arrive). */
  epochs: TrainEpochInfo[];
}

const LOSS_COLOR = '#7c3aed';
const AUC_COLOR = '#059669';

function TrainingTooltip({ active, payload }: TooltipContentProps) {
  const e = payload?.[0]?.payload as TrainEpochInfo | undefined;
  if (!active || !e) return null;
  return (
    <ChartTooltip
      heading={`Epoch ${e.epoch}`}
      rows={[
        { label: 'Training log loss', value: formatLoss(e.trainLoss), color: LOSS_COLOR },
        { label: 'Validation AUC', value: formatAuc(e.validAuc), color: AUC_COLOR },
        { label: 'Validation log loss', value: formatLoss(e.validLogloss) },
      ]}
    />
  );
}

export function TrainingChart({ epochs }: TrainingChartProps) {
  const data = [...epochs].sort((a, b) => a.epoch - b.epoch);
  const last = data[data.length - 1];
  const maxEpoch = last ? Math.max(last.epoch, 1) : 1;
  const firstEpoch = data[0]?.epoch ?? 0;
  const xTicks = Array.from({ length: maxEpoch - firstEpoch + 1 }, (_, i) => firstEpoch + i);
  const step = Math.ceil(xTicks.length / 10);
  const loss = niceAxis(
    data.map((e) => e.trainLoss),
    5,
    { pad: 0.1 },
  );
  const auc = niceAxis(
    data.map((e) => e.validAuc),
    5,
    { pad: 0.1 },
  );
  const legend: LegendItem[] = [
    { label: 'training log loss (left)', color: LOSS_COLOR, mark: 'line' },
    { label: 'validation AUC (right)', color: AUC_COLOR, mark: 'line' },
  ];
  const empty = data.length === 0 ? 'Training has not reported an epoch yet.' : null;

  return (
    <ChartFrame
      testId="chart-training"
      title={
        <>
          Training{' '}
          {last && (
            <small>
              epoch {last.epoch}: AUC {formatAuc(last.validAuc)}
            </small>
          )}
        </>
      }
      emptyMessage={empty}
      legend={legend}
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <ComposedChart data={data} margin={{ top: 8, right: 14, bottom: 22, left: 14 }}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis
            type="number"
            dataKey="epoch"
            domain={[firstEpoch, maxEpoch]}
            ticks={xTicks.filter((_, i) => i % step === 0)}
            tick={TICK}
            allowDecimals={false}
          >
            <Label value="Epoch" position="bottom" offset={4} style={AXIS_LABEL} />
          </XAxis>
          <YAxis
            yAxisId="loss"
            type="number"
            domain={loss?.domain}
            ticks={loss?.ticks}
            tickFormatter={formatLoss}
            tick={TICK}
            width={52}
            stroke={LOSS_COLOR}
          >
            <Label
              value="Training loss (log loss)"
              angle={-90}
              position="insideLeft"
              offset={-8}
              style={{ ...AXIS_LABEL, textAnchor: 'middle' }}
            />
          </YAxis>
          <YAxis
            yAxisId="auc"
            orientation="right"
            type="number"
            domain={auc?.domain}
            ticks={auc?.ticks}
            tickFormatter={formatAuc}
            tick={TICK}
            width={52}
            stroke={AUC_COLOR}
          >
            <Label
              value="Validation AUC"
              angle={90}
              position="insideRight"
              offset={-8}
              style={{ ...AXIS_LABEL, textAnchor: 'middle' }}
            />
          </YAxis>
          <Tooltip content={(props) => <TrainingTooltip {...props} />} isAnimationActive={false} />
          <Line
            yAxisId="loss"
            dataKey="trainLoss"
            name="Training log loss"
            stroke={LOSS_COLOR}
            strokeWidth={2}
            dot={{ r: 3, fill: LOSS_COLOR }}
            isAnimationActive={false}
          />
          <Line
            yAxisId="auc"
            dataKey="validAuc"
            name="Validation AUC"
            stroke={AUC_COLOR}
            strokeWidth={2}
            dot={{ r: 3, fill: AUC_COLOR }}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
