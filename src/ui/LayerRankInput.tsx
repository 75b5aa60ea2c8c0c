/** A layer's own rank in the layer table: a slider up to its break-even rank, the rank shown, and a reset. */
import { memo } from 'react';
import type { LayerInfo } from '../engine/protocol';
import { nameId, shortName } from './ShownName';

interface Props {
  layer: LayerInfo;
  /** The rank the layer gets (null = kept). */
  effective: number | null;
  /** True when the rank is set for this layer rather than following the global slider. */
  overridden: boolean;
  onRank: (layer: string, rank: number | null | undefined) => void;
}

/** The rank slider of one compressible layer, with a button to follow the global rank again when overridden. */
export const LayerRankInput = memo(function LayerRankInput({ layer, effective, overridden, onRank }: Props) {
  return (
    <span className="layer-rank">
      <input
        type="range"
        min={1}
        max={layer.breakEvenRank}
        value={effective ?? layer.breakEvenRank}
        onChange={(e) => onRank(layer.name, Number(e.target.value))}
        aria-label={`Rank of ${shortName(layer.name)}`}
        data-testid={`rank-${nameId(layer.name)}`}
      />
      <output className={overridden ? 'overridden' : ''}>{effective ?? 'keep'}</output>
      {overridden && (
        <button
          type="button"
          className="link"
          title="Follow the global rank again"
          onClick={() => onRank(layer.name, undefined)}
        >
          ↺
        </button>
      )}
    </span>
  );
});
