/** What the training chart plots: the epochs in order, the epoch axis and its ticks, and the loss and AUC axes. */
import type { TrainEpochInfo } from '../../engine/protocol';
import type { LegendItem } from './ChartLegend';
import { niceAxis, type NiceAxis } from './theme';

/** Colours of the two curves (and of their axes). */
export const LOSS_COLOR = '#7c3aed';
export const AUC_COLOR = '#059669';

/** The legend: which curve reads on which axis. */
export const TRAINING_LEGEND: LegendItem[] = [
  { label: 'training log loss (left)', color: LOSS_COLOR, mark: 'line' },
  { label: 'validation AUC (right)', color: AUC_COLOR, mark: 'line' },
];

/** An epoch as written: whole, or with 2 decimals for a check within an epoch (fine-tuning checks mid-epoch). */
export const epochText = (e: number): string => (Number.isInteger(e) ? String(e) : e.toFixed(2));

export interface TrainingData {
  /** The epochs sorted by number. */
  data: TrainEpochInfo[];
  /** The latest epoch (undefined before the first). */
  last: TrainEpochInfo | undefined;
  /** The epoch axis' domain. */
  epochDomain: [number, number];
  /** Epoch ticks, at most about ten. */
  epochTicks: number[];
  loss: NiceAxis | null;
  auc: NiceAxis | null;
}

/** The training chart's rows and axes from the epochs reported so far (in any order). */
export function trainingData(epochs: TrainEpochInfo[]): TrainingData {
  const data = [...epochs].sort((a, b) => a.epoch - b.epoch);
  const last = data[data.length - 1];
  const maxEpoch = last ? Math.max(last.epoch, 1) : 1;
  const firstEpoch = data[0]?.epoch ?? 0;
  const xTicks = Array.from({ length: maxEpoch - firstEpoch + 1 }, (_, i) => firstEpoch + i);
  const step = Math.ceil(xTicks.length / 10);
  return {
    data,
    last,
    epochDomain: [firstEpoch, maxEpoch],
    epochTicks: xTicks.filter((_, i) => i % step === 0),
    loss: niceAxis(
      data.map((e) => e.trainLoss),
      5,
      { pad: 0.1 },
    ),
    auc: niceAxis(
      data.map((e) => e.validAuc),
      5,
      { pad: 0.1 },
    ),
  };
}
