/** With rows but no model: train a zoo model on them in the worker, with a live loss/AUC curve. */
import { memo, useState } from 'react';
import type { ModelKind } from '../engine/protocol';
import type { StudioActions, StudioState } from './useStudio';
import { MODEL_KINDS, MODEL_TITLES, TRAIN_DEFAULTS } from '../core/model/spec';
import { TrainingChart } from './charts';
import { SchemaTable } from './SchemaTable';

export const TrainPanel = memo(function TrainPanel({
  epochs,
  data,
  busy,
  actions,
}: {
  /** Epochs of the training run so far. */
  epochs: StudioState['trainingEpochs'];
  data: StudioState['data'];
  busy: boolean;
  actions: Pick<StudioActions, 'train' | 'setSchema'>;
}) {
  // The training file: its schema is what a new model trains on.
  const trainData = data.find((d) => d.role === 'train');
  const hasData = trainData !== undefined;
  const onTrain = actions.train;
  const [kind, setKind] = useState<ModelKind>('deepfm');
  const [maxEpochs, setMaxEpochs] = useState(5);
  return (
    <section className="card train-panel" data-testid="train-panel">
      <h2>Train a model on these rows</h2>
      {trainData?.schema && (
        <SchemaTable schema={trainData.schema} fileName={trainData.name} busy={busy} onChange={actions.setSchema} />
      )}
      <div className="button-row">
        <select
          value={kind}
          onChange={(e) => setKind(e.target.value as ModelKind)}
          aria-label="Model to train"
          data-testid="train-kind"
        >
          {MODEL_KINDS.map((k) => (
            <option key={k} value={k}>
              {MODEL_TITLES[k]}
            </option>
          ))}
        </select>
        <label>
          epochs{' '}
          <input
            type="number"
            min={1}
            max={50}
            value={maxEpochs}
            onChange={(e) => setMaxEpochs(Math.max(1, Number(e.target.value) || 1))}
            data-testid="train-epochs"
            style={{ width: '4em' }}
          />
        </label>
        <button
          type="button"
          disabled={busy || !hasData}
          onClick={() =>
            onTrain({
              kind,
              epochs: maxEpochs,
              ...TRAIN_DEFAULTS[kind],
              embeddingDim: 16,
              tower: [400, 400, 400],
              seed: 42,
            })
          }
          data-testid="train"
        >
          Train
        </button>
      </div>
      <p className="muted small">
        Adam {TRAIN_DEFAULTS[kind].learningRate}, batch {TRAIN_DEFAULTS[kind].batchSize}, embedding dim 16, tower
        400-400-400; early stopping on the validation log loss of the last 10% of the training rows.
      </p>
      {epochs.length > 0 && <TrainingChart epochs={epochs} />}
    </section>
  );
});
