/**
 * Method choice and the global ranks: every Dense layer at one rank, every embedding table at another, with a
 * sentence on what the method and a rank are, and the ranks layers really get when some are set per layer
 * (automatic ranks set every layer).
 */
import { memo, useCallback } from 'react';
import { getMethod } from '../core/compress/methods';
import type { LayerInfo, UniformPlan } from '../engine/protocol';
import { maxRank } from './defaults';
import { MethodChoice } from './MethodChoice';
import { PerLayer } from './PerLayer';
import { RankSlider } from './RankSlider';

const SEQUENTIAL_HELP =
  "Collect each Dense layer's statistics from the model whose earlier layers are already compressed, so each " +
  'layer corrects upstream error (one forward pass per layer: slower)';

interface Props {
  plan: UniformPlan;
  inventory: LayerInfo[];
  /** Methods this model and its rows cannot use, with the reason. */
  unavailable: Record<string, string>;
  /** The activation variant must be fine-tuned: off where the runtime cannot train. */
  canFineTune: boolean;
  onChange: (p: Partial<UniformPlan>) => void;
}

export const PlanControls = memo(function PlanControls({ plan, inventory, unavailable, canFineTune, onChange }: Props) {
  const method = getMethod(plan.method);
  const onMethod = useCallback((id: string) => onChange({ method: id }), [onChange]);
  const onDense = useCallback((v: number | null) => onChange({ denseRank: v }), [onChange]);
  const onEmbedding = useCallback((v: number | null) => onChange({ embeddingRank: v }), [onChange]);
  return (
    <section className="plan-controls card" aria-label="Method and ranks">
      <MethodChoice method={plan.method} unavailable={unavailable} onChange={onMethod} />
      <div className="rank-group">
        <RankSlider
          label="Dense rank"
          keepLabel="Keep every Dense layer uncompressed"
          value={plan.denseRank}
          max={maxRank(inventory, 'dense')}
          onChange={onDense}
          testId="dense-rank"
        />
        <PerLayer plan={plan} inventory={inventory} kind="dense" />
      </div>
      <div className="rank-group">
        <RankSlider
          label="Embedding rank"
          keepLabel="Keep every embedding table uncompressed"
          value={plan.embeddingRank}
          max={maxRank(inventory, 'embedding')}
          onChange={onEmbedding}
          testId="embedding-rank"
        />
        <PerLayer plan={plan} inventory={inventory} kind="embedding" />
      </div>
      <div className="variants">
        <label title={SEQUENTIAL_HELP}>
          <input
            type="checkbox"
            checked={plan.statistics === 'sequential'}
            disabled={!method.sequential}
            onChange={(e) => onChange({ statistics: e.target.checked ? 'sequential' : 'one-pass' })}
            data-testid="sequential"
          />
          sequential statistics
        </label>
        <label title="Put each Dense layer's activation (ReLU) between its two factors, as in the paper's best variant">
          <input
            type="checkbox"
            checked={Boolean(plan.activation)}
            disabled={!method.activation || !canFineTune}
            onChange={(e) => onChange({ activation: e.target.checked })}
            data-testid="activation"
          />
          activation between factors
        </label>
        {plan.activation && (
          <span className="warn small" data-testid="activation-note">
            needs fine-tuning: the numbers above are its starting point
          </span>
        )}
      </div>
      <p className="explain" data-testid="explain-plan">
        <b>{method.label}</b>: {method.summary} <b>Rank</b>: each layer becomes two thin factors of this width; a lower
        rank keeps fewer directions, so fewer parameters and usually a lower AUC.{' '}
        {method.id !== 'svd' && (
          <>
            <b>SVD</b>: {getMethod('svd').summary}
          </>
        )}
      </p>
    </section>
  );
});
