/** Method choice and the global ranks: every Dense layer at one rank, every embedding table at another. */
import type { LayerInfo, Method, UniformPlan } from '../engine/protocol';
import { maxRank } from './defaults';
import { RankSlider } from './RankSlider';

export function PlanControls({
  plan,
  inventory,
  onChange,
}: {
  plan: UniformPlan;
  inventory: LayerInfo[];
  onChange: (p: Partial<UniformPlan>) => void;
}) {
  const methods: { value: Method; label: string; title: string }[] = [
    { value: 'afm', label: 'AFM', title: 'Atomic Feature Mimicking: PCA of each layer\u2019s outputs on your rows' },
    { value: 'svd', label: 'SVD', title: 'Truncated SVD of the weights (ignores the data)' },
  ];
  return (
    <section className="plan-controls card">
      <div className="method" role="radiogroup" aria-label="Method">
        {methods.map((m) => (
          <label key={m.value} title={m.title} className={plan.method === m.value ? 'selected' : ''}>
            <input
              type="radio"
              name="method"
              value={m.value}
              checked={plan.method === m.value}
              onChange={() => onChange({ method: m.value })}
              data-testid={`method-${m.value}`}
            />
            {m.label}
          </label>
        ))}
      </div>
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
        <label title="Collect each Dense layer's statistics from the model whose earlier layers are already compressed, so each layer corrects upstream error (one forward pass per layer: slower)">
          <input
            type="checkbox"
            checked={plan.statistics === 'sequential'}
            disabled={plan.method !== 'afm'}
            onChange={(e) => onChange({ statistics: e.target.checked ? 'sequential' : 'one-pass' })}
            data-testid="sequential"
          />
          sequential statistics
        </label>
        <label title="Put each Dense layer's activation (ReLU) between its two factors, as in the paper's best variant">
          <input
            type="checkbox"
            checked={Boolean(plan.activation)}
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
