/**
 * One row of the layer table: a Dense or Embedding layer's kind, shape, parameters, break-even rank, its rank
 * control, the explained-variance sparkline at that rank, and why it cannot be compressed or where its
 * embedding projection goes.
 */
import type { LayerInfo, LayerSpectrum, UniformPlan } from '../engine/protocol';
import { Sparkline } from './charts';
import { formatInt } from './format';
import { LayerRankInput } from './LayerRankInput';

interface Props {
  layer: LayerInfo;
  plan: UniformPlan;
  spectra: LayerSpectrum[];
  selected: boolean;
  onSelect: (layer: string) => void;
  onRank: (layer: string, rank: number | null | undefined) => void;
}

function shapeText(l: LayerInfo): string {
  return l.kind === 'dense' ? `${l.shape.dIn} → ${l.shape.dOut}` : `${formatInt(l.shape.vocab)} × ${l.shape.dim}`;
}

function fusionText(l: LayerInfo): string {
  if (l.kind !== 'embedding' || !l.compressible) return '';
  const into = [...new Set(l.fusion.filter((b) => b.fusable).flatMap((b) => b.into))];
  const blocked = l.fusion
    .filter((b) => !b.fusable && b.blockedBy)
    .map((b) => `${b.blockedBy!.layer} (${b.blockedBy!.className})`);
  return [
    into.length ? `folds into ${into.join(', ')}` : '',
    blocked.length ? `projection kept for ${blocked.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** A layer's rank under the plan: its own override if any, and the rank it gets (null = kept). */
function layerRank(l: LayerInfo, plan: UniformPlan): { override: number | null | undefined; effective: number | null } {
  const override = plan.overrides && l.name in plan.overrides ? plan.overrides[l.name] : undefined;
  const global = l.kind === 'dense' ? plan.denseRank : plan.embeddingRank;
  const rank = override !== undefined ? override : global;
  const effective = l.compressible && rank !== null && rank <= l.breakEvenRank ? rank : null;
  return { override, effective };
}

/** One layer of the layer table; clicking it selects the layer (its spectrum is charted). */
export function LayerRow({ layer: l, plan, spectra, selected, onSelect, onRank }: Props) {
  const { override, effective } = layerRank(l, plan);
  const explained = spectra.find((s) => s.layer === l.name && s.method === plan.method)?.explained;
  return (
    <tr
      className={`${selected ? 'selected' : ''}${l.compressible ? '' : ' muted'}`}
      onClick={() => onSelect(l.name)}
      data-testid={`layer-${l.name}`}
    >
      <td className="mono">{l.name}</td>
      <td>{l.kind === 'dense' ? 'Dense' : 'Embedding'}</td>
      <td className="mono">{shapeText(l)}</td>
      <td className="num">{formatInt(l.params)}</td>
      <td className="num">{l.compressible ? l.breakEvenRank : '—'}</td>
      {/* A click on the rank input must not select the row; the input itself takes the keyboard. */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: only stops the row's click */}
      <td onClick={(e) => e.stopPropagation()}>
        {l.compressible ? (
          <LayerRankInput layer={l} effective={effective} overridden={override !== undefined} onRank={onRank} />
        ) : (
          '—'
        )}
      </td>
      <td>{explained ? <Sparkline explained={explained} rank={effective} method={plan.method} /> : ''}</td>
      <td className="note">{l.compressible ? fusionText(l) : l.reason}</td>
    </tr>
  );
}
