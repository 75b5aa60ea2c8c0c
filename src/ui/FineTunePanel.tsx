/**
 * Fine-tuning the compressed model of the current plan on the training rows, in the worker: settings, a
 * live loss/AUC curve, the best validation checkpoint kept, and the result against the original.
 */
import { memo, useState } from 'react';
import type { FineTuneSettings, PlanResult, TrainEpochInfo, UniformPlan } from '../engine/protocol';
import { planKey } from '../engine/protocol';
import { TrainingChart } from './charts';
import { formatAuc, formatSigned } from './format';

interface Props {
  plan: UniformPlan;
  epochs: TrainEpochInfo[];
  result: (PlanResult & { bestEpoch: number; key: string }) | null;
  busy: boolean;
  /** Why this model cannot be fine-tuned here, when it cannot. */
  unsupported?: string;
  onFineTune: (s: FineTuneSettings) => void;
}

/** Which validation check was kept: the compressed start, or the one after so many epochs (checks fall mid-epoch). */
function bestCheck(epoch: number): string {
  if (epoch === 0) return 'the compressed start scored best on the validation rows, so it is kept';
  const e = Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(2);
  return `the best validation check, after ${e} ${epoch === 1 ? 'epoch' : 'epochs'}, is kept`;
}

export const FineTunePanel = memo(function FineTunePanel({
  plan,
  epochs,
  result,
  busy,
  unsupported,
  onFineTune,
}: Props) {
  const [settings, setSettings] = useState<FineTuneSettings>({ epochs: 1, learningRate: 1e-3, batchSize: 256 });
  const current = result && result.key === planKey(plan) ? result : null;
  const num = (k: keyof FineTuneSettings, v: string) => setSettings((s) => ({ ...s, [k]: Number(v) }));
  return (
    <section className="card finetune-panel" data-testid="finetune-panel">
      <h2>Fine-tune</h2>
      <div className="button-row">
        <label>
          epochs{' '}
          <input
            type="number"
            min={1}
            max={50}
            value={settings.epochs}
            onChange={(e) => num('epochs', e.target.value)}
            style={{ width: '4em' }}
            data-testid="ft-epochs"
          />
        </label>
        <label>
          learning rate{' '}
          <input
            type="number"
            min={0}
            step={0.0001}
            value={settings.learningRate}
            onChange={(e) => num('learningRate', e.target.value)}
            style={{ width: '6em' }}
            data-testid="ft-lr"
          />
        </label>
        <label>
          batch{' '}
          <input
            type="number"
            min={1}
            value={settings.batchSize}
            onChange={(e) => num('batchSize', e.target.value)}
            style={{ width: '5em' }}
          />
        </label>
        <button
          type="button"
          disabled={
            busy ||
            Boolean(unsupported) ||
            !(settings.epochs >= 1 && settings.learningRate > 0 && settings.batchSize >= 1)
          }
          onClick={() => onFineTune(settings)}
          data-testid="fine-tune"
        >
          Fine-tune this plan
        </button>
      </div>
      <p className="muted small">
        Adam on the first 90% of the training rows; the best check on the last 10% is kept, the compressed start
        included, so fine-tuning never returns a model worse there.
        {plan.activation ? ' AFM + activation requires it.' : ''}
        {unsupported ? ` ${unsupported}` : ''}
      </p>
      {epochs.length > 0 && <TrainingChart epochs={epochs} />}
      {current && (
        <p data-testid="finetune-result">
          Fine-tuned: test AUC <strong>{formatAuc(current.auc)}</strong> ({formatSigned(current.delong.diff)} [
          {formatSigned(current.delong.low)}, {formatSigned(current.delong.high)}] against the original);{' '}
          {bestCheck(current.bestEpoch)}. The headline numbers and the export use these weights.
        </p>
      )}
    </section>
  );
});
