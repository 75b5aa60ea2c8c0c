/** The training chart's tooltip: an epoch's training loss, validation AUC and validation loss. */
import type { TrainEpochInfo } from '../../engine/protocol';
import { formatAuc, formatLoss } from '../format';
import { ChartTooltip } from './ChartTooltip';
import { AUC_COLOR, epochText, LOSS_COLOR } from './trainingData';

/** The numbers of the epoch under the pointer. */
export function TrainingTooltip({ epoch: e }: { epoch: TrainEpochInfo }) {
  return (
    <ChartTooltip
      heading={`Epoch ${epochText(e.epoch)}`}
      rows={[
        {
          label: 'Training log loss',
          // The first check is the untrained start: no training step, so no training loss yet.
          value: Number.isFinite(e.trainLoss) ? formatLoss(e.trainLoss) : 'none yet (the start)',
          color: LOSS_COLOR,
        },
        { label: 'Validation AUC', value: formatAuc(e.validAuc), color: AUC_COLOR },
        { label: 'Validation log loss', value: formatLoss(e.validLogloss) },
      ]}
    />
  );
}
