/** A summary of the open model and how it scores on the open test rows. */
import type { DataSummary, Evaluation, ModelSummary } from '../engine/protocol';
import { formatAuc, formatInt, formatLoss, formatMs } from './format';

export function ModelCard({ model, data, evaluation }: { model: ModelSummary; data: DataSummary | null; evaluation: Evaluation | null }) {
  return (
    <section className="card" data-testid="model-card">
      <h2>{model.kind ? model.kind.toUpperCase() : 'Model'} <small>{model.name}</small></h2>
      <dl>
        <dt>Parameters</dt>
        <dd data-testid="params">{formatInt(model.params)}</dd>
        <dt>Layers</dt>
        <dd>{model.layers}</dd>
        {data && (
          <>
            <dt>Test rows</dt>
            <dd data-testid="rows">{formatInt(data.rows)} ({formatInt(data.positives)} clicks{data.badRows ? `, ${data.badRows} bad rows skipped` : ''})</dd>
          </>
        )}
        {evaluation && (
          <>
            <dt>Test AUC</dt>
            <dd data-testid="auc">{formatAuc(evaluation.auc)}</dd>
            <dt>Test log loss</dt>
            <dd>{formatLoss(evaluation.logloss)}</dd>
            <dt>Scoring time</dt>
            <dd>{formatMs(evaluation.ms)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
