/**
 * Parameter count of a model after rewriteModel, predicted from the plan alone (ranks per layer), so the
 * studio can show what a choice of ranks saves before building anything. Counts what rewriteModel emits:
 * factors with both biases, kept up-projections, and the narrower kernels of Dense layers that absorb them.
 */
import { StudioError } from '../errors';
import type { ModelArtifacts } from './artifacts';
import { keepsUp, planFusion, type FusionPlan } from './fusion';
import { listLayers, totalParams } from './inventory';
import { parseTopology } from './topology';
import {
  factoredDenseParams,
  factoredParams,
  type EmbeddingInfo,
  type LayerInfo,
  type PlannedRank,
} from '../compress/inventory';
import type { WeightSpec } from './artifacts';

export type { PlannedRank };

/** Total parameters of the model rewriteModel would produce for these ranks (same fusion rules). */
export function plannedParams(
  artifacts: Pick<ModelArtifacts, 'modelTopology' | 'weightSpecs'>,
  shapes: Record<string, (number | null)[]>,
  plan: PlannedRank[],
  opts: { fuse?: boolean } = {},
): number {
  const graph = parseTopology(artifacts.modelTopology);
  const infos = new Map(listLayers(graph, artifacts.weightSpecs).map((l) => [l.name, l]));
  const rankOf = new Map(plan.map((p) => [p.layer, p.rank]));
  const embRanks = new Map<string, number>();
  let total = totalParams(artifacts.weightSpecs);
  for (const { layer, rank: k } of plan) {
    const info = infos.get(layer);
    if (!info)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The model has no Dense or Embedding layer ${layer}; pick a layer from the model's inventory.`,
      );
    if (info.kind === 'dense') total += factoredDenseParams(info.shape.dIn, info.shape.dOut, k) - info.params;
    else {
      embRanks.set(layer, k);
      total += info.shape.vocab * k - info.params;
    }
  }
  const fusion: Pick<FusionPlan, 'fused' | 'folds'> =
    opts.fuse === false ? { fused: new Set(), folds: new Map() } : planFusion(graph, shapes, embRanks);
  for (const [layer, k] of embRanks) {
    const { dim } = (infos.get(layer) as EmbeddingInfo).shape;
    if (keepsUp(graph, fusion.fused, layer)) total += k * dim + dim;
  }
  for (const [dense, fold] of fusion.folds) {
    const info = infos.get(dense)!;
    if (info.kind !== 'dense') continue;
    // The absorbing kernel is the first factor when the Dense is factored too, else its own kernel.
    const width = rankOf.get(dense) ?? info.shape.dOut;
    total += (fold.newRows - fold.oldRows) * width;
    if (!rankOf.has(dense) && !info.shape.useBias) total += info.shape.dOut;
  }
  return total;
}

/**
 * What the UI needs to count a plan's parameters the moment a slider moves, as plain data: a tfjs
 * layers-model is counted with its fusion rules; a graph whose factors never fold (ONNX run as it is) adds
 * each factored layer's factors.
 */
export type ParamAccounting =
  | {
      kind: 'layers';
      topology: Record<string, unknown>;
      weightSpecs: WeightSpec[];
      shapes: Record<string, (number | null)[]>;
    }
  | { kind: 'additive'; params: number };

/** Parameters of the model a plan's ranks give. */
export function countPlannedParams(a: ParamAccounting, inventory: LayerInfo[], ranks: PlannedRank[]): number {
  if (a.kind === 'layers')
    return plannedParams({ modelTopology: a.topology, weightSpecs: a.weightSpecs }, a.shapes, ranks);
  const byName = new Map(inventory.map((l) => [l.name, l]));
  let total = a.params;
  for (const { layer, rank } of ranks) {
    const info = byName.get(layer);
    if (info) total += factoredParams(info, rank) - info.params;
  }
  return total;
}
