/**
 * The grid of sweep charts: rank against AUC and against parameters (at the swept embedding rank), the
 * AUC/parameters frontier with the current plan, the selected layer's spectrum, and inference latency.
 */
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

/** What the sweep charts draw: the model's layers and plan, the sweep, the selected layer and latency. */
export interface SweepChartsProps {
  inventory: LayerInfo[];
  plan: UniformPlan;
  baseline: BaselineInfo | null;
  result: PlanResult | null;
  points: SweepPointInfo[];
  request: SweepRequest | null;
  spectra: LayerSpectrum[];
  selectedLayer: string | null;
  latency: LatencyInfo[] | null;
}

/** The layer whose spectrum is charted (the selected one, else the first compressible), and its planned rank. */
function chartedLayer(
  inventory: LayerInfo[],
  plan: UniformPlan,
  selectedLayer: string | null,
): { layer: LayerInfo | undefined; rank: number | null } {
  const layer = inventory.find((l) => l.name === selectedLayer) ?? inventory.find((l) => l.compressible);
  const rank = layer
    ? plan.overrides?.[layer.name] !== undefined
      ? plan.overrides[layer.name]
      : layer.kind === 'dense'
        ? plan.denseRank
        : plan.embeddingRank
    : null;
  return { layer, rank };
}

/** The five charts of the sweep panel. */
export function SweepCharts({
  inventory,
  plan,
  baseline,
  result,
  points,
  request,
  spectra,
  selectedLayer,
  latency,
}: SweepChartsProps) {
  const { layer, rank: layerRank } = chartedLayer(inventory, plan, selectedLayer);
  const embeddingRank = request?.embeddingRanks[0] ?? plan.embeddingRank;
  return (
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
  );
}
