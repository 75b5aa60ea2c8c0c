/**
 * Compression plans as plain data: which method and rank each factorable layer gets. Resolved against the
 * model's inventory here, in pure code, so the studio can show a plan's parameter count the moment a slider
 * moves, and the engine builds exactly what was shown.
 */
import { StudioError } from '../errors';
import type { LayerInfo, PlannedRank } from './inventory';

/** What to do with one layer. */
export interface LayerChoice {
  method: string;
  rank?: number;
}

/** A method and a rank per kind of layer (null keeps that kind), with optional per-layer ranks. */
export interface UniformPlan {
  /** A method id (see ./methods). */
  method: string;
  denseRank: number | null;
  embeddingRank: number | null;
  /** Per-layer rank overriding the kind's rank (null keeps the layer). */
  overrides?: Record<string, number | null>;
  /**
   * AFM statistics from the original model ('one-pass', the paper's) or, layer by layer, from the model whose
   * earlier layers are already compressed ('sequential', so each layer corrects upstream error).
   */
  statistics?: 'one-pass' | 'sequential';
  /** Put each Dense layer's activation between its two factors (AFM + activation); needs fine-tuning. */
  activation?: boolean;
}

/** A plan resolved against the inventory: one entry per Dense and Embedding layer. */
export interface ResolvedLayer {
  layer: string;
  kind: 'dense' | 'embedding';
  method: string;
  rank: number | null;
  /** Why a layer is kept although the plan asked otherwise (not compressible, rank above break-even). */
  note?: string;
  /** Activation between the factors (AFM + activation), for Dense layers with a non-linear activation. */
  activationBetween?: string;
}

function findLayer(inventory: LayerInfo[], name: string): LayerInfo {
  const l = inventory.find((x) => x.name === name);
  if (!l)
    throw new StudioError(
      'INVALID_ARGUMENT',
      `The model has no Dense or Embedding layer named ${name}; see the layer list for the names.`,
    );
  return l;
}

/** Every layer of a kind at one rank; ranks above a layer's break-even keep that layer (with a note). */
export function resolveUniformPlan(inventory: LayerInfo[], p: UniformPlan): ResolvedLayer[] {
  for (const name of Object.keys(p.overrides ?? {})) findLayer(inventory, name);
  return inventory.map((l): ResolvedLayer => {
    const override = p.overrides && l.name in p.overrides ? p.overrides[l.name] : undefined;
    const rank = override !== undefined ? override : l.kind === 'dense' ? p.denseRank : p.embeddingRank;
    if (!l.compressible) return { layer: l.name, kind: l.kind, method: 'keep', rank: null, note: l.reason };
    if (rank === null) return { layer: l.name, kind: l.kind, method: 'keep', rank: null };
    if (rank > l.breakEvenRank)
      return {
        layer: l.name,
        kind: l.kind,
        method: 'keep',
        rank: null,
        note: `rank ${rank} is above its break-even rank ${l.breakEvenRank}`,
      };
    const act =
      p.activation && l.kind === 'dense' && l.shape.activation !== 'linear'
        ? { activationBetween: l.shape.activation }
        : {};
    return { layer: l.name, kind: l.kind, method: p.method, rank, ...act };
  });
}

/**
 * A per-layer plan: a rank above break-even is refused (the factored layer would be larger), unless
 * allowAboveBreakEven (for exactness checks at full rank).
 */
export function resolveExplicitPlan(
  inventory: LayerInfo[],
  choices: Record<string, LayerChoice>,
  opts: { allowAboveBreakEven?: boolean } = {},
): ResolvedLayer[] {
  for (const name of Object.keys(choices)) findLayer(inventory, name);
  return inventory.map((l): ResolvedLayer => {
    const c = choices[l.name];
    if (!c || c.method === 'keep') return { layer: l.name, kind: l.kind, method: 'keep', rank: null };
    if (!l.compressible)
      throw new StudioError('INVALID_ARGUMENT', `Layer ${l.name} cannot be compressed (${l.reason}); mark it keep.`);
    const width = l.kind === 'dense' ? l.shape.dOut : l.shape.dim;
    const rank = c.rank ?? 0;
    if (!Number.isInteger(rank) || rank < 1 || rank > width) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `Rank ${c.rank} for layer ${l.name} must be an integer from 1 to ${width}.`,
      );
    }
    if (rank > l.breakEvenRank && !opts.allowAboveBreakEven) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `Rank ${rank} for layer ${l.name} is above its break-even rank ` +
          `${l.breakEvenRank}, so the factored layer would have more parameters than the ` +
          `original; choose a rank of at most ${l.breakEvenRank} or keep the layer.`,
      );
    }
    return { layer: l.name, kind: l.kind, method: c.method, rank };
  });
}

/** The factored layers of a resolved plan, as the parameter accounting wants them. */
export function plannedRanks(plan: ResolvedLayer[]): PlannedRank[] {
  return plan.filter((p) => p.method !== 'keep').map((p) => ({ layer: p.layer, rank: p.rank! }));
}

/**
 * The largest dense rank whose plan stays within `budget` parameters (the other settings of `base` fixed),
 * by bisection: the count never falls as the rank grows. Null when even rank 1 is over budget.
 */
export function denseRankForBudget(
  count: (plan: UniformPlan) => number,
  maxDenseRank: number,
  base: UniformPlan,
  budget: number,
): number | null {
  let lo = 0;
  let hi = maxDenseRank;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (count({ ...base, denseRank: mid }) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo >= 1 ? lo : null;
}
