/**
 * Per-layer ranks under a parameter budget: instead of one rank per kind of layer, give every compressible
 * layer its own rank so that the whole model fits `budget` parameters and keeps as much of its layers' output
 * variance as possible. Pure: no tfjs, no DOM.
 *
 * Value. A layer factored at rank k keeps cumulative(k) = Σ_{j<k} λ_j / Σ_j λ_j of its output variance (λ =
 * its AFM spectrum). Every layer is weighted equally: the fraction is scale-free, whereas the raw eigenvalues of
 * different layers are in different units (a ReLU tower's pre-activations, an embedding's coordinates) and
 * are not comparable; equal weights mean "losing 1% of a layer's variance is equally bad in every layer",
 * which is simple, predictable and what `objective` reports. A kept layer counts 1 (it is exact).
 *
 * Cost. Parameters are whatever `count` says: the exact size of the rewritten model (plannedParams), where an
 * embedding's up-projection may fold into the next Dense, so an embedding's rank and that Dense's rank
 * interact (the Dense's first factor has one row per embedding component). The allocator learns that cost
 * from `count` itself, with a few probes from the all-rank-1 plan: per layer the cost of one more rank, and
 * per embedding → Dense fold (from the inventory's fusion verdicts) the interaction. On plannedParams this
 * bilinear model is exact, so the greedy runs on arithmetic only; the final plan is always checked with
 * `count` and repaired if the model was wrong (see allocateRanks).
 *
 * The slots and the cost model live in ./allocateModel, the greedy, exchanges and repair in ./allocateGreedy.
 */
import { StudioError } from '../errors';
import { exchange, greedy, repair } from './allocateGreedy';
import { buildSlots, CostModel, type State } from './allocateModel';
import type { LayerInfo, PlannedRank } from './inventory';

/** What the allocator needs: the layers, their spectra, an exact parameter count and the budget. */
export interface AllocationInput {
  inventory: LayerInfo[];
  /** AFM spectrum per compressible layer (eigenvalues, descending, length ≥ the layer's breakEvenRank). */
  spectra: Map<string, Float64Array>;
  /** Exact parameter count of a plan (the caller passes plannedParams bound to the model). */
  count: (ranks: PlannedRank[]) => number;
  /** Parameters allowed in total (the whole model, kept layers included). */
  budget: number;
  /** Layers never to compress (kept as they are). */
  exclude?: string[];
}

/** The allocator's answer. */
export interface Allocation {
  /** Per compressible layer: its rank, or null to keep it (excluded layers are null). */
  ranks: Record<string, number | null>;
  /** count() of the plan. */
  params: number;
  /** False only when even every layer at rank 1 exceeds the budget (then ranks are all 1). */
  withinBudget: boolean;
  /** Moves made from the all-rank-1 plan: rank increases, keeps, and the rank decreases of exchanges. */
  steps: number;
  /** Σ over the layers in `ranks` of cumulative(rank), a kept (or excluded) layer counting 1. */
  objective: number;
  /** How many times count() was called. */
  countCalls: number;
}

/**
 * Per-layer ranks within a parameter budget, greedy by explained variance per parameter.
 *
 * 1. Start from every allocatable layer (compressible, not excluded) at rank 1, the cheapest factored form.
 *    That is the floor: if it already exceeds the budget, that plan is returned with withinBudget = false.
 * 2. Repeatedly take the move with the largest gain per parameter whose cost still fits:
 *    - a rank increase k → k+1, never above the layer's break-even rank: gain λ_k / Σλ;
 *    - keeping the layer (exact, and never more than one rank's cost above the factored form at
 *      break-even): gain 1 − cumulative(k).
 *    A move that gains nothing (zero eigenvalues) is never taken: it would spend parameters for nothing.
 *    Gains fall as a layer's rank grows (descending spectrum) while a rank's cost stays put, so for rank
 *    increases this is the classic greedy for concave values: optimal when every rank costs the same, and
 *    otherwise within one rank increase's gain of the best plan of ranks. Keeping is a jump (many ranks'
 *    worth of parameters at once), so two greedy runs are made and the better objective wins:
 *    - 'after-ranks': keeping competes only once no rank increase fits any more, so the budget goes to ranks
 *      first and any remainder to exact layers. When every layer fits at break-even, every layer gets there
 *      (so the result is always worth at least the all-at-break-even plan when that fits).
 *    - 'any-time': keeping competes from the start; it wins where a small layer is worth keeping outright
 *      (a tiny embedding table whose rank-1 form saves a handful of parameters and loses a lot of variance).
 *    In both, keeping is taken at once when it costs no more than the layer's current factored form (a
 *    Dense whose input is narrowed by folded embeddings has a lower real break-even than the inventory's).
 * 3. Exchanges: a move that no longer fits is tried again, paid for by giving back the least valuable ranks
 *    (least value per parameter) of other layers; it is kept when the total value grows. Then the greedy
 *    runs once more on what is left. This mends most knapsack misses; the result is not guaranteed optimal
 *    (against a brute force on 2-3 layer inventories: a few hundredths of a percent below the optimum on
 *    average, about 12% in the worst cases seen, where one knapsack item is a large share of the budget).
 * 4. Costs come from the probed cost model (see the module comment); the better plan is checked with
 *    `count`. When the model was wrong and both plans are over budget, the longest prefix of the better
 *    run's greedy moves that fits is found by bisection with `count`, then further moves are tried one at a
 *    time, each checked with `count`.
 * When withinBudget is true, params = count(plan) ≤ budget, always. Never more than ~2 count() calls per
 * layer plus one per fold on plannedParams (the probes), and a handful for the checks.
 */
export function allocateRanks(input: AllocationInput): Allocation {
  const { inventory, spectra, budget } = input;
  if (typeof budget !== 'number' || Number.isNaN(budget) || budget < 0)
    throw new StudioError('INVALID_ARGUMENT', `The parameter budget must be a non-negative number, got ${budget}.`);
  const excluded = new Set(input.exclude ?? []);
  for (const name of excluded) {
    if (!inventory.some((l) => l.name === name))
      throw new StudioError(
        'INVALID_ARGUMENT',
        `Cannot exclude ${name}: the model has no Dense or Embedding layer by that name.`,
      );
  }
  const { slots, index } = buildSlots(inventory, spectra, excluded);
  const model = new CostModel(slots, input.count);
  const result = (st: State, withinBudget: boolean, params: number, steps: number): Allocation =>
    allocation(model, inventory, index, st, withinBudget, params, steps);

  // 1. The floor: everything at rank 1.
  const base = model.count(model.planOf(model.fresh()));
  if (base > budget) return result(model.fresh(), false, base, 0);

  // The cost model, probed from the all-rank-1 plan.
  model.learn(base, inventory, index);

  // 2. Greedy on the cost model, once per keep policy; then exchanges, and greedy again for what is left.
  const runs = (['after-ranks', 'any-time'] as const).map((policy) => {
    const st = model.fresh();
    const first = greedy(model, st, policy, base, budget);
    const moves = first.moves;
    const ex = exchange(model, st, first.predicted, budget);
    const refill = ex.moves > 0 ? greedy(model, st, policy, ex.predicted, budget).moves.length : 0;
    return { policy, st, moves, steps: moves.length + ex.moves + refill, objective: model.objectiveOf(st) };
  });

  // 4. Verify with the exact count: the best plan within budget wins.
  let chosen: { run: (typeof runs)[number]; params: number } | null = null;
  for (const run of runs) {
    if (chosen && run.objective <= chosen.run.objective) continue;
    const params = run.moves.length === 0 ? base : model.count(model.planOf(run.st));
    if (params <= budget) chosen = { run, params };
  }
  if (chosen) return result(chosen.run.st, true, chosen.params, chosen.run.steps);

  // The model was wrong and both plans are over budget: repair the better one's greedy moves.
  const run = runs[0].objective >= runs[1].objective ? runs[0] : runs[1];
  const repaired = repair(model, run, budget);
  return result(repaired.st, true, repaired.params, repaired.steps);
}

/** The allocator's answer for a state: the rank (or null when kept) of every compressible layer, and its value. */
function allocation(
  model: CostModel,
  inventory: LayerInfo[],
  index: Map<string, number>,
  st: State,
  withinBudget: boolean,
  params: number,
  steps: number,
): Allocation {
  const ranks: Record<string, number | null> = {};
  for (const l of inventory) {
    if (!l.compressible) continue;
    const i = index.get(l.name);
    ranks[l.name] = i !== undefined && !st.kept[i] ? st.rank[i] : null;
  }
  return {
    ranks,
    params,
    withinBudget,
    steps,
    objective: model.objectiveOf(st) + (Object.keys(ranks).length - model.n),
    countCalls: model.countCalls,
  };
}

/**
 * A parameter budget from a command-line or form value: "0.33" (at most 1) is a fraction of the original
 * parameters, "150000" (above 1) an absolute count. Returns a whole number of parameters.
 */
export function budgetFromArg(text: string, originalParams: number): number {
  const t = text.trim();
  const v = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v) || v <= 0) {
    throw new StudioError(
      'USAGE',
      `The budget "${text}" is not a positive number; give a fraction of the original ` +
        `parameters such as 0.33, or a parameter count such as 150000.`,
    );
  }
  if (v <= 1) {
    if (!Number.isFinite(originalParams) || originalParams <= 0)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The original parameter count must be positive to take a fraction of it, got ${originalParams}.`,
      );
    return Math.floor(v * originalParams);
  }
  if (!Number.isInteger(v))
    throw new StudioError(
      'USAGE',
      `The budget "${text}" is above 1 but not a whole number of parameters; give a ` +
        `fraction of at most 1 such as 0.33, or a count such as 150000.`,
    );
  return v;
}
