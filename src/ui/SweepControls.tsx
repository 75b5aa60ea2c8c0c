/**
 * The sweep card: the dense ranks to sweep (comma-separated, "keep" for no compression), the methods to
 * compare (every usable one of the registry), whether to add the sequential series, how many points that
 * makes, and the buttons that run a sweep and measure latency.
 */
import { memo, useState } from 'react';
import type { LayerInfo, SweepRequest, UniformPlan } from '../engine/protocol';
import { getMethod, seriesId } from '../core/compress/methods';
import { defaultSweep } from './defaults';

interface Props {
  inventory: LayerInfo[];
  plan: UniformPlan;
  /** Ids of the methods this model and its rows can use. */
  usable: string[];
  busy: boolean;
  onSweep: (r: SweepRequest) => void;
  onLatency: () => void;
}

const SEQUENTIAL_TITLE =
  'Also AFM with sequential statistics (each layer from the partly compressed model): ' +
  'one forward pass per layer and point, slower';

function parseRanks(text: string): (number | null)[] | null {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out = parts.map((p) => (p === 'keep' ? null : Number(p)));
  return out.length > 0 && out.every((v) => v === null || (Number.isInteger(v) && v > 0)) ? out : null;
}

/** The sweep settings and buttons (the ranks start at the model's defaults). */
export const SweepControls = memo(function SweepControls({ inventory, plan, usable, busy, onSweep, onLatency }: Props) {
  const initial = defaultSweep(inventory, plan, usable);
  const [ranksText, setRanksText] = useState(initial.denseRanks.map((r) => r ?? 'keep').join(','));
  const [sequential, setSequential] = useState(false);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(initial.methods));
  const methods: SweepRequest['methods'] = usable
    .filter((id) => chosen.has(id))
    .flatMap((id) => (sequential && getMethod(id).sequential ? [id, seriesId(id, true)] : [id]));
  const toggle = (id: string, on: boolean) =>
    setChosen((c) => new Set(on ? [...c, id] : [...c].filter((x) => x !== id)));
  const ranks = parseRanks(ranksText);
  return (
    <div className="card sweep-controls">
      <h2>Sweep</h2>
      <label>
        Dense ranks{' '}
        <input
          value={ranksText}
          onChange={(e) => setRanksText(e.target.value)}
          size={18}
          aria-label="Dense ranks to sweep"
          data-testid="sweep-ranks"
          className={ranks ? '' : 'invalid'}
        />
      </label>
      {usable.map((id) => (
        <label key={id} className="small" title={getMethod(id).summary}>
          <input
            type="checkbox"
            checked={chosen.has(id)}
            onChange={(e) => toggle(id, e.target.checked)}
            data-testid={`sweep-method-${id}`}
          />{' '}
          {getMethod(id).label}
        </label>
      ))}
      <label className="small" title={SEQUENTIAL_TITLE}>
        <input
          type="checkbox"
          checked={sequential}
          onChange={(e) => setSequential(e.target.checked)}
          data-testid="sweep-sequential"
        />{' '}
        + sequential AFM
      </label>
      <span className="muted small">
        at embedding rank {plan.embeddingRank ?? 'keep'} ({ranks ? ranks.length * methods.length : 0} points)
      </span>
      <button
        type="button"
        disabled={busy || !ranks || methods.length === 0}
        onClick={() => ranks && onSweep({ methods, denseRanks: ranks, embeddingRanks: [plan.embeddingRank] })}
        data-testid="run-sweep"
      >
        Run sweep
      </button>
      <button type="button" disabled={busy} onClick={onLatency} data-testid="measure-latency">
        Measure latency
      </button>
    </div>
  );
});
