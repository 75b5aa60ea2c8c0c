/** Live training curves: training log loss (left axis) and validation AUC (right axis) per epoch. */
import { memo, useDeferredValue, useMemo } from 'react';
import type { TrainEpochInfo } from '../../engine/protocol';
import { formatAuc } from '../format';
import { ChartFrame } from './ChartFrame';
import { TRAINING_LEGEND, trainingData } from './trainingData';
import { TrainingPlot } from './TrainingPlot';

export interface TrainingChartProps {
  /** Epochs reported so far (the chart grows as they arrive). */
  epochs: TrainEpochInfo[];
}

/** The training chart, titled with the latest epoch's AUC. */
export const TrainingChart = memo(function TrainingChart({ epochs }: TrainingChartProps) {
  // A new epoch redraws the curve in a background render React can interrupt: the page stays responsive.
  const shown = useDeferredValue(epochs);
  const training = useMemo(() => trainingData(shown), [shown]);
  const { last } = training;
  const empty = training.data.length === 0 ? 'Training has not reported an epoch yet.' : null;
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
      legend={TRAINING_LEGEND}
    >
      <TrainingPlot {...training} />
    </ChartFrame>
  );
});
