/**
 * Every Dense and Embedding layer: kind, shape, parameters, break-even rank, its rank (following the global
 * slider unless set here), the explained-variance curve at that rank, and why a layer cannot be compressed
 * or where its embedding projection goes.
 */
import { memo, useMemo, useState } from 'react';
import type { LayerInfo, LayerSpectrum, UniformPlan } from '../engine/protocol';
import { layerRank } from './layerRanks';
import { LayerRow } from './LayerRow';

interface Props {
  inventory: LayerInfo[];
  plan: UniformPlan;
  spectra: LayerSpectrum[];
  selected: string | null;
  onSelect: (layer: string) => void;
  onRank: (layer: string, rank: number | null | undefined) => void;
}

/** The layer table, with a switch that also lists the layers that cannot be compressed. */
export const LayerTable = memo(function LayerTable({ inventory, plan, spectra, selected, onSelect, onRank }: Props) {
  const [showAll, setShowAll] = useState(false);
  // Each row gets plain values, so a slider step re-renders only the rows whose rank it changes.
  const curves = useMemo(() => {
    const m = new Map<string, number[]>();
    for (const sp of spectra) if (sp.method === plan.method) m.set(sp.layer, sp.explained);
    return m;
  }, [spectra, plan.method]);
  const hidden = inventory.filter((l) => !l.compressible).length;
  const rows = showAll ? inventory : inventory.filter((l) => l.compressible);
  return (
    <section className="layer-table-wrap" aria-label="Layers">
      <p className="explain">
        Each Dense layer and embedding table, with its own rank slider. <b>Break-even</b>: the rank above which the two
        factors hold more parameters than the original layer, so such a layer is kept as it is.
      </p>
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
            const r = layerRank(l, plan);
            return (
              <LayerRow
                key={l.name}
                layer={l}
                effective={r.effective}
                overridden={r.overridden}
                method={plan.method}
                explained={curves.get(l.name)}
                selected={selected === l.name}
                onSelect={onSelect}
                onRank={onRank}
              />
            );
          })}
        </tbody>
      </table>
    </section>
  );
});
