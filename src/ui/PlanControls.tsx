/** Method choice and the global ranks: every Dense layer at one rank, every embedding table at another. */
import { getMethod } from '../core/compress/methods';
import type { LayerInfo, UniformPlan } from '../engine/protocol';
import { maxRank } from './defaults';
import { MethodChoice } from './MethodChoice';
import { RankSlider } from './RankSlider';

const SEQUENTIAL_HELP =
  "Collect each Dense layer's statistics from the model whose earlier layers are already compressed, so each " +
  'layer corrects upstream error (one forward pass per layer: slower)';

export function PlanControls({
  plan,
  inventory,
  unavailable,
  canFineTune,
  onChange,
}: {
  plan: UniformPlan;
  inventory: LayerInfo[];
  /** Methods this model and its rows cannot use, with the reason. */
  unavailable: Record<string, string>;
  /** The activation variant must be fine-tuned: off where the runtime cannot train. */
  canFineTune: boolean;
  onChange: (p: Partial<UniformPlan>) => void;
}) {
  const method = getMethod(plan.method);
  return (
    <section className="plan-controls card">
      <MethodChoice method={plan.method} unavailable={unavailable} onChange={(id) => onChange({ method: id })} />
      <RankSlider
        label="Dense rank"
        value={plan.denseRank}
        max={maxRank(inventory, 'dense')}
        onChange={(v) => onChange({ denseRank: v })}
        testId="dense-rank"
      />
      <RankSlider
        label="Embedding rank"
        value={plan.embeddingRank}
        max={maxRank(inventory, 'embedding')}
        onChange={(v) => onChange({ embeddingRank: v })}
        testId="embedding-rank"
      />
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
    </section>
  );
}
