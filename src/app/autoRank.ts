/**
 * Automatic ranks for a parameter budget: the greedy allocation by explained variance per parameter
 * (src/core/compress/allocate.ts), checked by AUC on validation rows against uniform plans of the same budget
 * (one per embedding rank); the best on the validation rows wins. Never over budget.
 */
import type { EncodedBatch, FeatureEncoding } from '../core/data';
import { allocateRanks } from '../core/compress/allocate';
import type { Compressor } from '../core/compress/compressor';
import type { UniformPlan } from '../core/compress/plan';
import { StudioError } from '../core/errors';
import { auc } from '../core/metrics';
import type { ModelCompressor } from './modelCompressor';

export interface RankCandidate {
  label: string;
  plan: UniformPlan;
  params: number;
  validAuc: number;
}

export interface AutoRanks {
  chosen: RankCandidate;
  candidates: RankCandidate[];
  budget: number;
}

/** The greedy per-layer allocation as a plan (every compressible layer gets its own rank or keep). */
export function greedyPlan(
  c: Compressor,
  method: string,
  budget: number,
  opts: { fuse?: boolean } = {},
): { plan: UniformPlan; params: number; withinBudget: boolean } {
  const spectra = new Map(
    c.compressible.map((l) => [l.name, c.decomposition(l.name, c.methodFor(method, l.kind).id).spectrum]),
  );
  const a = allocateRanks({
    inventory: c.inventory,
    spectra,
    count: (ranks) => c.target.plannedParams(ranks, opts),
    budget,
  });
  return {
    plan: { method, denseRank: null, embeddingRank: null, overrides: a.ranks },
    params: a.params,
    withinBudget: a.withinBudget,
  };
}

/** Greedy allocation vs uniform ranks at the same budget, picked by AUC on the validation rows. */
export async function autoRanks(
  c: ModelCompressor,
  method: string,
  encoding: FeatureEncoding,
  valid: EncodedBatch,
  budget: number,
  opts: { fuse?: boolean; embeddingRanks?: number[] } = {},
): Promise<AutoRanks> {
  const candidates: Omit<RankCandidate, 'validAuc'>[] = [];
  const greedy = greedyPlan(c, method, budget, opts);
  if (greedy.withinBudget) candidates.push({ label: 'greedy per layer', plan: greedy.plan, params: greedy.params });
  for (const e of opts.embeddingRanks ?? [2, 4, 8]) {
    const base: UniformPlan = { method, denseRank: null, embeddingRank: e };
    const d = c.denseRankForFraction(base, budget / c.originalParams, opts);
    if (d !== null) {
      candidates.push({
        label: `uniform, embedding rank ${e}`,
        plan: { ...base, denseRank: d },
        params: c.plannedParams({ ...base, denseRank: d }, opts),
      });
    }
  }
  if (candidates.length === 0) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `No plan fits ${budget} parameters, even with every layer at rank 1; allow a larger budget.`,
    );
  }
  const scored: RankCandidate[] = [];
  for (const cand of candidates) {
    const model = await c.load(c.build(c.uniformPlan(cand.plan), opts));
    try {
      scored.push({ ...cand, validAuc: auc(valid.labels, await model.probabilities(encoding, valid)) });
    } finally {
      model.dispose();
    }
  }
  const chosen = scored.reduce((a, b) => (b.validAuc > a.validAuc ? b : a));
  return { chosen, candidates: scored, budget };
}
