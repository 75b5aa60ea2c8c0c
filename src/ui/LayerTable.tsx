/**
 * Every Dense and Embedding layer: kind, shape, parameters, break-even rank, its rank (following the global
 * slider unless set here), the explained-variance curve at that rank, and why a layer cannot be compressed
 * or where its embedding projection goes.
 */
import { useState } from 'react';
import type { LayerInfo, LayerSpectrum, UniformPlan } from '../engine/protocol';
import { Sparkline } from './charts';
import { formatInt } from './format';

interface Props {
  inventory: LayerInfo[];
  plan: UniformPlan;
  spectra: LayerSpectrum[];
  selected: string | null;
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

export function LayerTable({ inventory, plan, spectra, selected, onSelect, onRank }: Props) {
  const [showAll, setShowAll] = useState(false);
  const hidden = inventory.filter((l) => !l.compressible).length;
  const rows = showAll ? inventory : inventory.filter((l) => l.compressible);
  return (
    <div className="layer-table-wrap">
      {hidden > 0 && (
        <label className="show-all small muted">
          <input
            type="checkbox"
            checked={showAll}
            onChange={(e) => setShowAll(e.target.checked)}
            data-testid="show-all-layers"
          />{' '}
          also show the {hidden} {hidden === 1 ? 'layer that cannot' : 'layers that cannot'} be compressed
        </label>
      )}
      <table className="layer-table" data-testid="layer-table">
        <thead>
          <tr>
            <th>Layer</th>
            <th>Kind</th>
            <th>Shape</th>
            <th className="num">Parameters</th>
            <th className="num" title="Above this rank the factored layer has more parameters than the original">
              Break-even
            </th>
            <th>Rank</th>
            <th>Explained variance ({plan.method.toUpperCase()})</th>
            <th>Notes</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((l) => {
            const override = plan.overrides && l.name in plan.overrides ? plan.overrides[l.name] : undefined;
            const global = l.kind === 'dense' ? plan.denseRank : plan.embeddingRank;
            const rank = override !== undefined ? override : global;
            const effective = l.compressible && rank !== null && rank <= l.breakEvenRank ? rank : null;
            const explained = spectra.find((s) => s.layer === l.name && s.method === plan.method)?.explained;
            return (
              <tr
                key={l.name}
                className={`${selected === l.name ? 'selected' : ''}${l.compressible ? '' : ' muted'}`}
                onClick={() => onSelect(l.name)}
                data-testid={`layer-${l.name}`}
              >
                <td className="mono">{l.name}</td>
                <td>{l.kind === 'dense' ? 'Dense' : 'Embedding'}</td>
                <td className="mono">{shapeText(l)}</td>
                <td className="num">{formatInt(l.params)}</td>
                <td className="num">{l.compressible ? l.breakEvenRank : '—'}</td>
                <td onClick={(e) => e.stopPropagation()}>
                  {l.compressible ? (
                    <span className="layer-rank">
                      <input
                        type="range"
                        min={1}
                        max={l.breakEvenRank}
                        value={effective ?? l.breakEvenRank}
                        onChange={(e) => onRank(l.name, Number(e.target.value))}
                        aria-label={`Rank of ${l.name}`}
                        data-testid={`rank-${l.name}`}
                      />
                      <output className={override !== undefined ? 'overridden' : ''}>{effective ?? 'keep'}</output>
                      {override !== undefined && (
                        <button
                          type="button"
                          className="link"
                          title="Follow the global rank again"
                          onClick={() => onRank(l.name, undefined)}
                        >
                          ↺
                        </button>
                      )}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{explained ? <Sparkline explained={explained} rank={effective} method={plan.method} /> : ''}</td>
                <td className="note">{l.compressible ? fusionText(l) : l.reason}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
