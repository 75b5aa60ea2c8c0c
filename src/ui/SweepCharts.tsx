/**
 * The grid of sweep charts: rank against AUC and against parameters (at the swept embedding rank), the
 * AUC/parameters frontier with the current plan, the selected layer's spectrum, and inference latency.
 */
import { memo, useMemo } from 'react';
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
import { useLagged } from './useLagged';

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

const NO_LATENCY: LatencyInfo[] = [];
/** About two frames at 60 Hz. */
const FRAME_GAP_MS = 34;

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
export const SweepCharts = memo(function SweepCharts({
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
  // The current plan's point moves only when its result arrives, not on every slider step.
  const current = useMemo(() => (result ? { params: result.params, auc: result.auc } : null), [result]);
  // Each chart redraws two frames after the one before it (see useLagged).
  const paramsPoints = useLagged(points, FRAME_GAP_MS);
  const frontierPoints = useLagged(points, 2 * FRAME_GAP_MS);
  return (
    <div className="chart-grid">
      <RankAucChart points={points} baseline={baseline} embeddingRank={embeddingRank} />
      <RankParamsChart points={paramsPoints} baselineParams={baseline?.params ?? null} embeddingRank={embeddingRank} />
      <FrontierChart points={frontierPoints} baseline={baseline} current={current} />
      {layer && (
        <SpectrumChart layer={layer.name} spectra={spectra} rank={layerRank} breakEvenRank={layer.breakEvenRank} />
      )}
      <LatencyChart latency={latency ?? NO_LATENCY} method={plan.method} />
    </div>
  );
});
