/** Live training curves: training log loss (left axis) and validation AUC (right axis) per epoch. */
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
export function TrainingChart({ epochs }: TrainingChartProps) {
  const training = trainingData(epochs);
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
}
