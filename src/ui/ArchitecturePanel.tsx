/** Every layer of the open model: class, output shape, parameters, inputs, and what compression can do with it. */
import { memo } from 'react';
import type { ModelInfo } from '../engine/protocol';
import type { LayerDescription } from '../core/layers/describe';
import { formatInt } from './format';
import { NOTE_CHARS, nameId, ShownName, shortName } from './ShownName';

const shape = (s: (number | null)[] | null) => (s ? `[${s.map((x) => x ?? 'batch').join(', ')}]` : '?');

/** What compression can do with a layer: its break-even rank, where it folds, or why it cannot be compressed. */
function compressionNote(c: LayerDescription['compression']): string {
  if (!c) return '';
  if (!c.compressible) return `not compressible: ${shortName(c.reason ?? '', NOTE_CHARS)}`;
  const folds = c.folds?.length ? `; folds into ${c.folds.map((n) => shortName(n)).join(', ')}` : '';
  const kept = c.blockedBy?.length
    ? `; projection kept for ${c.blockedBy.map((n) => shortName(n, 200)).join('; ')}`
    : '';
  return `break-even rank ${c.breakEvenRank}${folds}${kept}`;
}

/** The model's layers as a collapsible table, with a one-line summary of the whole model. */
export const ArchitecturePanel = memo(function ArchitecturePanel({
  model: { description, layerCount },
  open,
}: {
  /** The model's first layers (100,000 rows would take the page seconds to lay out) and the count of all. */
  model: Pick<ModelInfo, 'description' | 'layerCount'>;
  open?: boolean;
}) {
  return (
    <details className="card architecture" open={open} data-testid="architecture">
      <summary>
        <strong>Architecture</strong>{' '}
        <span className="muted small">
          {description.className}, {formatInt(layerCount)} layers, {formatInt(description.params)} parameters (
          {formatInt(description.compressibleParams)} in compressible layers)
        </span>
      </summary>
      <div className="layer-table-wrap">
        <table className="layer-table">
          <thead>
            <tr>
              <th>Layer</th>
              <th>Class</th>
              <th>Output shape</th>
              <th className="num">Parameters</th>
              <th>Inputs</th>
              <th>Compression</th>
            </tr>
          </thead>
          <tbody>
            {description.layers.map((l) => {
              const note = compressionNote(l.compression);
              return (
                <tr key={l.name} data-testid={`arch-${nameId(l.name)}`}>
                  <td className="mono">
                    <ShownName name={l.fileName ? `${l.name} (${l.fileName})` : l.name} />
                  </td>
                  <td>{l.className}</td>
                  <td className="mono">{shape(l.outputShape)}</td>
                  <td className="num">{formatInt(l.params)}</td>
                  <td className="note mono">{l.inputs.map((n) => shortName(n)).join(', ')}</td>
                  <td className="note">{note}</td>
                </tr>
              );
            })}
            {layerCount > description.layers.length && (
              <tr data-testid="arch-more">
                <td colSpan={6} className="muted">
                  … and {formatInt(layerCount - description.layers.length)} more layers, not shown (
                  <code>ctr-studio inspect</code> lists them all).
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </details>
  );
});
