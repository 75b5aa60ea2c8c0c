/**
 * Rank sweeps and the charts: rank against AUC (with DeLong bands) and against parameters for AFM and SVD,
 * the AUC/parameters frontier, the selected layer's spectrum, and inference latency.
 */
import { useState } from 'react';
import type {
  BaselineInfo,
  LatencyInfo,
  LayerInfo,
  LayerSpectrum,
  PlanResult,
  SweepPointInfo,
  SweepRequest,
  UniformPlan,
} from '../engine/protocol';
import { FrontierChart, LatencyChart, RankAucChart, RankParamsChart, SpectrumChart } from './charts';
import { defaultSweep } from './defaults';
import { getMethod, seriesId } from '../core/compress/methods';

interface Props {
  inventory: LayerInfo[];
  plan: UniformPlan;
  baseline: BaselineInfo | null;
  result: PlanResult | null;
  points: SweepPointInfo[];
  request: SweepRequest | null;
  spectra: LayerSpectrum[];
  selectedLayer: string | null;
  latency: LatencyInfo[] | null;
  /** Ids of the methods this model and its rows can use. */
  usable: string[];
  busy: boolean;
  onSweep: (r: SweepRequest) => void;
  onLatency: () => void;
}

function parseRanks(text: string): (number | null)[] | null {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out = parts.map((p) => (p === 'keep' ? null : Number(p)));
  return out.length > 0 && out.every((v) => v === null || (Number.isInteger(v) && v > 0)) ? out : null;
}

export function SweepPanel({
  inventory,
  plan,
  baseline,
  result,
  points,
  request,
  spectra,
  selectedLayer,
  latency,
  usable,
  busy,
  onSweep,
  onLatency,
}: Props) {
  const initial = defaultSweep(inventory, plan, usable);
  const [ranksText, setRanksText] = useState(initial.denseRanks.map((r) => r ?? 'keep').join(','));
  const [sequential, setSequential] = useState(false);
  const methods: SweepRequest['methods'] = usable.flatMap((id) =>
    sequential && getMethod(id).sequential ? [id, seriesId(id, true)] : [id],
  );
  const ranks = parseRanks(ranksText);
  const layer = inventory.find((l) => l.name === selectedLayer) ?? inventory.find((l) => l.compressible);
  const layerRank = layer
    ? plan.overrides?.[layer.name] !== undefined
      ? plan.overrides[layer.name]
      : layer.kind === 'dense'
        ? plan.denseRank
        : plan.embeddingRank
    : null;
  const embeddingRank = request?.embeddingRanks[0] ?? plan.embeddingRank;
  return (
    <section className="sweep-panel">
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
        <label
          className="small"
          title="Also AFM with sequential statistics (each layer from the partly compressed model): one forward pass per layer and point, slower"
        >
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
          disabled={busy || !ranks}
          onClick={() => ranks && onSweep({ methods, denseRanks: ranks, embeddingRanks: [plan.embeddingRank] })}
          data-testid="run-sweep"
        >
          Run sweep
        </button>
        <button type="button" disabled={busy} onClick={onLatency} data-testid="measure-latency">
          Measure latency
        </button>
      </div>
      <div className="chart-grid">
        <RankAucChart points={points} baseline={baseline} embeddingRank={embeddingRank} />
        <RankParamsChart points={points} baselineParams={baseline?.params ?? null} embeddingRank={embeddingRank} />
        <FrontierChart
          points={points}
          baseline={baseline}
          current={result ? { params: result.params, auc: result.auc } : null}
        />
        {layer && (
          <SpectrumChart layer={layer.name} spectra={spectra} rank={layerRank} breakEvenRank={layer.breakEvenRank} />
        )}
        <LatencyChart latency={latency ?? []} method={plan.method} />
      </div>
    </section>
  );
}
