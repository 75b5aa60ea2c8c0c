/** The left column: what is open (model, rows), the demo models one click away, and the drop zone. */
import { memo } from 'react';
import type { DataInfo, ModelInfo } from '../engine/protocol';
import type { DemoManifest } from './demo';
import { DropZone } from './DropZone';
import { formatAuc, formatInt } from './format';
import { idPositions } from '../core/data/binding';
import { ShownName } from './ShownName';

interface Props {
  manifest: DemoManifest | null;
  demoId: string | null;
  model: ModelInfo | null;
  data: DataInfo[];
  busy: boolean;
  onDemo: (id: string) => void;
  onFiles: (files: File[]) => void;
}

export const OpenPanel = memo(function OpenPanel({ manifest, demoId, model, data, busy, onDemo, onFiles }: Props) {
  return (
    <aside className="open-panel">
      <section className="card">
        <h2>Demo</h2>
        <p className="muted small">{manifest?.data.title ?? 'Real Criteo click logs'}, models trained on them.</p>
        <div className="button-row">
          {manifest?.models.map((m) => (
            <button
              key={m.id}
              type="button"
              className={demoId === m.id ? 'selected' : ''}
              disabled={busy}
              onClick={() => onDemo(m.id)}
              data-testid={`demo-${m.id}`}
            >
              {m.title}
            </button>
          ))}
        </div>
      </section>
      <section className="card">
        <h2>Open your own</h2>
        <DropZone onFiles={onFiles} disabled={busy} />
      </section>
      <section className="card" data-testid="open-summary">
        <h2>Open now</h2>
        {model ? (
          <dl className="facts">
            <dt>Model</dt>
            <dd data-testid="model-name">
              <ShownName name={model.name} max={80} />
            </dd>
            <dt>Parameters</dt>
            <dd data-testid="model-params">{formatInt(model.params)}</dd>
            {model.recordedAuc !== undefined && (
              <>
                <dt>Recorded AUC</dt>
                <dd>{formatAuc(model.recordedAuc)}</dd>
              </>
            )}
            {!model.hasEncoding && (
              <>
                <dt>Note</dt>
                <dd className="warn">No CTR Studio encoding: rows feed it by column name, as they are.</dd>
                <dt>Columns</dt>
                <dd className="small" data-testid="model-inputs">
                  {model.inputs.map(inputText).join(', ')}
                </dd>
              </>
            )}
          </dl>
        ) : (
          <p className="muted">No model yet.</p>
        )}
        {data.map((d) => (
          <p key={d.role} className="small" data-testid={`data-${d.role}`}>
            <strong>{d.role === 'train' ? 'Training rows' : 'Test rows'}:</strong> {formatInt(d.rows)} from{' '}
            <ShownName name={d.name} max={80} />
            {d.splitFromTrain ? ' (split off the training file)' : ''} · {formatInt(d.positives)} clicks
            {d.sampleRows < d.rows && (
              <span className="muted" data-testid={`sample-${d.role}`}>
                {' '}
                · {formatInt(d.sampleRows)} sampled rows in memory
                {d.role === 'train' ? '; statistics over every row' : '; every row scored once'}
              </span>
            )}
            {d.badRows > 0 && (
              <span className="warn">
                {' '}
                · {formatInt(d.badRows)} bad rows skipped (first at line {d.badExamples[0]?.line}:{' '}
                {d.badExamples[0]?.reason})
              </span>
            )}
          </p>
        ))}
      </section>
    </aside>
  );
});

/** What a column for a model input must hold: "C1 (ids 0-20)", "numeric (6 values)". */
function inputText(i: ModelInfo['inputs'][number]): string {
  if ((i.dtype === 'int32' || i.table) && i.width > 1) return `${i.name} (${i.width} ids)`;
  if (i.dtype === 'int32' || i.table) return `${i.name} (ids${i.table ? ` 0–${formatInt(i.table.rows - 1)}` : ''})`;
  const ids = idPositions(i).size;
  if (i.width === 1) return `${i.name} (a value)`;
  return `${i.name} (${Number.isNaN(i.width) ? 'several' : i.width} values${ids > 0 ? `, ${ids} of them ids` : ''})`;
}
