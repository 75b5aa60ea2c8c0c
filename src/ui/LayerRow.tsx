/**
 * One row of the layer table: a Dense or Embedding layer's kind, shape, parameters, break-even rank, its rank
 * control, the explained-variance sparkline at that rank, and why it cannot be compressed or where its
 * embedding projection goes.
 */
import { memo } from 'react';
import type { LayerInfo } from '../engine/protocol';
import { Sparkline } from './charts';
import { formatInt } from './format';
import { LayerRankInput } from './LayerRankInput';
import { NOTE_CHARS, nameId, ShownName, shortName } from './ShownName';

interface Props {
  layer: LayerInfo;
  /** The rank the layer gets under the plan (null = kept), and whether it is set for this layer. */
  effective: number | null;
  overridden: boolean;
  method: string;
  /** The layer's explained-variance curve under the method, when known. */
  explained: number[] | undefined;
  selected: boolean;
  onSelect: (layer: string) => void;
  onRank: (layer: string, rank: number | null | undefined) => void;
}

function shapeText(l: LayerInfo): string {
  return l.kind === 'dense' ? `${l.shape.dIn} → ${l.shape.dOut}` : `${formatInt(l.shape.vocab)} × ${l.shape.dim}`;
}

function fusionText(l: LayerInfo): string {
  if (l.kind !== 'embedding' || !l.compressible) return '';
  const into = [...new Set(l.fusion.filter((b) => b.fusable).flatMap((b) => b.into.map((n) => shortName(n, 32))))];
  const blocked = l.fusion
    .filter((b) => !b.fusable && b.blockedBy)
    .map((b) => `${shortName(b.blockedBy!.layer)} (${shortName(b.blockedBy!.className)})`);
  return [
    into.length ? `folds into ${into.join(', ')}` : '',
    blocked.length ? `projection kept for ${blocked.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** One layer of the layer table; clicking it selects the layer (its spectrum is charted). */
export const LayerRow = memo(function LayerRow({
  layer: l,
  effective,
  overridden,
  method,
  explained,
  selected,
  onSelect,
  onRank,
}: Props) {
  return (
    <tr
      className={`${selected ? 'selected' : ''}${l.compressible ? '' : ' muted'}`}
      onClick={() => onSelect(l.name)}
      data-testid={`layer-${nameId(l.name)}`}
    >
      <td className="mono">
        <ShownName name={l.fileName ? `${l.name} (${l.fileName})` : l.name} />
      </td>
      <td>{l.kind === 'dense' ? 'Dense' : 'Embedding'}</td>
      <td className="mono">{shapeText(l)}</td>
      <td className="num">{formatInt(l.params)}</td>
      <td className="num">{l.compressible ? l.breakEvenRank : '—'}</td>
      {/* A click on the rank input must not select the row; the input itself takes the keyboard. */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: only stops the row's click */}
      <td onClick={(e) => e.stopPropagation()}>
        {l.compressible ? (
          <LayerRankInput layer={l} effective={effective} overridden={overridden} onRank={onRank} />
        ) : (
          '—'
        )}
      </td>
      <td>{explained ? <Sparkline explained={explained} rank={effective} method={method} /> : ''}</td>
      <td className="note">{l.compressible ? fusionText(l) : shortName(l.reason ?? '', NOTE_CHARS)}</td>
    </tr>
  );
});
