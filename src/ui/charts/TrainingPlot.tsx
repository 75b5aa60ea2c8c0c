/** The plot of the training chart: log loss on the left axis and validation AUC on the right, per epoch. */
import { memo } from 'react';
import { CartesianGrid, ComposedChart, Label, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatAuc, formatLoss } from '../format';
import { yAxisTitle } from './axisLabels';
import { AXIS_LABEL, CHART_HEIGHT, GRID_COLOR, TICK } from './theme';
import { AUC_COLOR, LOSS_COLOR, type TrainingData } from './trainingData';
import { TrainingTooltip } from './TrainingTooltip';

/** Two lines on two y axes over the epochs. */
export const TrainingPlot = memo(function TrainingPlot({ data, epochDomain, epochTicks, loss, auc }: TrainingData) {
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <ComposedChart data={data} margin={{ top: 8, right: 14, bottom: 22, left: 14 }}>
        <CartesianGrid stroke={GRID_COLOR} vertical={false} />
        <XAxis
          interval={0}
          type="number"
          dataKey="epoch"
          domain={epochDomain}
          ticks={epochTicks}
          tick={TICK}
          allowDecimals={false}
        >
          <Label value="Epoch" position="bottom" offset={4} style={AXIS_LABEL} />
        </XAxis>
        <YAxis
          interval={0}
          yAxisId="loss"
          type="number"
          domain={loss?.domain}
          ticks={loss?.ticks}
          tickFormatter={formatLoss}
          tick={TICK}
          width={52}
          stroke={LOSS_COLOR}
        >
          <Label {...yAxisTitle('Training loss (log loss)')} />
        </YAxis>
        <YAxis
          interval={0}
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
          <Label {...yAxisTitle('Validation AUC', 'right')} />
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
  );
});
