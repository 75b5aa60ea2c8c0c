/** The rank each compressible layer gets under a plan (its own, else its kind's), for the sliders and the table. */
import type { LayerInfo, UniformPlan } from '../engine/protocol';

export interface LayerRank {
  layer: string;
  kind: 'dense' | 'embedding';
  /** The layer's own rank when set (null = kept), undefined when it follows its kind's slider. */
  override: number | null | undefined;
  /** True when the layer has its own rank. */
  overridden: boolean;
  /** The rank it gets (null = kept: not compressible, set to keep, or above its break-even rank). */
  effective: number | null;
}

/** One layer's rank under the plan. */
export function layerRank(l: LayerInfo, plan: UniformPlan): LayerRank {
  const override = plan.overrides && l.name in plan.overrides ? plan.overrides[l.name] : undefined;
  const global = l.kind === 'dense' ? plan.denseRank : plan.embeddingRank;
  const rank = override !== undefined ? override : global;
  const effective = l.compressible && rank !== null && rank <= l.breakEvenRank ? rank : null;
  return { layer: l.name, kind: l.kind, override, overridden: override !== undefined, effective };
}

/** Every compressible layer's rank under the plan. */
export const layerRanks = (inventory: LayerInfo[], plan: UniformPlan): LayerRank[] =>
  inventory.filter((l) => l.compressible).map((l) => layerRank(l, plan));

/** "8–64" / "16" for the ranks given, with how many are kept ("8–64, 2 kept"); "" for none. */
export function rankSpread(ranks: LayerRank[]): string {
  const nums = ranks.map((r) => r.effective).filter((r): r is number => r !== null);
  const kept = ranks.length - nums.length;
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  const span = nums.length === 0 ? '' : lo === hi ? `${lo}` : `${lo}–${hi}`;
  const keptText = kept === 0 ? '' : ranks.length === kept ? 'all kept' : `${kept} kept`;
  return [span, keptText].filter(Boolean).join(', ');
}
