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
 */
import { StudioError } from '../errors';
import { cumulativeExplained } from './decomposition';
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

/** A compressible layer being allocated (what does not change while allocating). */
interface Slot {
  name: string;
  breakEven: number;
  /** Width of the layer's output (Dense dOut, embedding dim): the rank a kept layer "has" in the cost model. */
  full: number;
  /** cumulative(k) for k = 0..spectrum length. */
  cum: Float64Array;
  /** Parameters of one more rank, measured at the all-rank-1 plan. */
  slope: number;
  /** count(all rank 1 but this layer kept) − count(all rank 1); measured when first needed. */
  keep0: number | null;
  /** Fold interactions: one more rank here and one at slot `j` cost `m` more than the two apart. */
  partners: { j: number; m: number }[];
}

/** Ranks and kept flags per slot. */
interface State {
  rank: Int32Array;
  kept: Uint8Array;
}

/** One greedy move: one rank up, or keep the layer. */
interface Move {
  slot: number;
  kind: 'step' | 'keep';
  gain: number;
  cost: number;
}

/**
 * When keeping a layer competes with rank increases: 'after-ranks' only once no rank increase fits (or when
 * keeping saves parameters), 'any-time' from the start.
 */
type KeepPolicy = 'after-ranks' | 'any-time';

function applyMove(st: State, m: Pick<Move, 'slot' | 'kind'>): void {
  if (m.kind === 'keep') st.kept[m.slot] = 1;
  else st.rank[m.slot] += 1;
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
  let countCalls = 0;
  const count = (plan: PlannedRank[]): number => {
    countCalls++;
    return input.count(plan);
  };

  const slots: Slot[] = [];
  const index = new Map<string, number>();
  for (const l of inventory) {
    if (!l.compressible || excluded.has(l.name)) continue;
    const spectrum = spectra.get(l.name);
    if (!spectrum)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `No spectrum for layer ${l.name}; decompose every compressible layer before allocating ranks.`,
      );
    if (spectrum.length < l.breakEvenRank)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The spectrum of layer ${l.name} has ${spectrum.length} values, fewer than its ` +
          `break-even rank ${l.breakEvenRank}; decompose it up to its full width.`,
      );
    if (spectrum.some((v) => !Number.isFinite(v)))
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The spectrum of layer ${l.name} is not finite; collect its statistics again.`,
      );
    index.set(l.name, slots.length);
    slots.push({
      name: l.name,
      breakEven: l.breakEvenRank,
      full: l.kind === 'dense' ? l.shape.dOut : l.shape.dim,
      cum: cumulativeExplained(spectrum.map((v) => Math.max(0, v))),
      slope: 0,
      keep0: null,
      partners: [],
    });
  }
  const n = slots.length;
  const fresh = (): State => ({ rank: new Int32Array(n).fill(1), kept: new Uint8Array(n) });
  const planOf = (st: State): PlannedRank[] =>
    slots.flatMap((s, i) => (st.kept[i] ? [] : [{ layer: s.name, rank: st.rank[i] }]));
  const objectiveOf = (st: State): number => slots.reduce((acc, s, i) => acc + (st.kept[i] ? 1 : s.cum[st.rank[i]]), 0);

  const result = (st: State, withinBudget: boolean, params: number, steps: number): Allocation => {
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
      objective: objectiveOf(st) + (Object.keys(ranks).length - n),
      countCalls,
    };
  };

  // 1. The floor: everything at rank 1.
  const base = count(planOf(fresh()));
  if (base > budget) return result(fresh(), false, base, 0);

  // The cost model, probed from the all-rank-1 plan.
  const probe = (changes: [number, number | null][]): number => {
    const st = fresh();
    for (const [i, r] of changes) {
      if (r === null) st.kept[i] = 1;
      else st.rank[i] = r;
    }
    return count(planOf(st)) - base;
  };
  slots.forEach((s, i) => {
    if (s.breakEven >= 2) s.slope = probe([[i, 2]]);
  });
  // A layer's probe for the interactions: rank 2, or kept where break-even is 1 (a kept layer is rank `full`
  // in the cost model): the change, the probe's cost alone, and how many ranks it moves.
  const unit = (i: number): { change: [number, number | null]; alone: number; by: number } => {
    const s = slots[i];
    if (s.breakEven >= 2) return { change: [i, 2], alone: s.slope, by: 1 };
    s.keep0 ??= probe([[i, null]]);
    return { change: [i, null], alone: s.keep0, by: s.full - 1 };
  };
  const seen = new Set<string>();
  for (const l of inventory) {
    const e = index.get(l.name);
    if (l.kind !== 'embedding' || e === undefined) continue;
    for (const dense of l.fusion.flatMap((v) => (v.fusable ? v.into : []))) {
      const d = index.get(dense);
      if (d === undefined || seen.has(`${e}:${d}`)) continue;
      seen.add(`${e}:${d}`);
      const [ue, ud] = [unit(e), unit(d)];
      const m = (probe([ue.change, ud.change]) - ue.alone - ud.alone) / (ue.by * ud.by);
      if (m !== 0) {
        slots[e].partners.push({ j: d, m });
        slots[d].partners.push({ j: e, m });
      }
    }
  }
  const eff = (st: State, j: number): number => (st.kept[j] ? slots[j].full : st.rank[j]);
  const crossSlope = (st: State, i: number): number =>
    slots[i].partners.reduce((acc, p) => acc + p.m * (eff(st, p.j) - 1), 0);
  const stepCost = (st: State, i: number): number => slots[i].slope + crossSlope(st, i);
  const keepCost = (st: State, i: number): number => {
    const s = slots[i];
    s.keep0 ??= probe([[i, null]]);
    // Bilinear in the effective ranks, a kept layer counting as rank `full` plus a constant fixed by the probe.
    return s.keep0 - s.slope * (st.rank[i] - 1) + crossSlope(st, i) * (s.full - st.rank[i]);
  };

  /** The best move whose modelled cost fits `room`, skipping the slots in `skip`. */
  const bestMove = (st: State, policy: KeepPolicy, room: number, skip: ReadonlySet<number>): Move | null => {
    let best: Move | null = null;
    let bestScore = -Infinity;
    const consider = (m: Move): void => {
      const score = m.cost <= 0 ? Infinity : m.gain / m.cost;
      if (
        score > bestScore ||
        (score === bestScore && best !== null && (m.gain > best.gain || (m.gain === best.gain && m.cost < best.cost)))
      ) {
        best = m;
        bestScore = score;
      }
    };
    let stepFits = false;
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      const k = st.rank[i];
      if (st.kept[i] || k >= s.breakEven || skip.has(i)) continue;
      const gain = s.cum[k + 1] - s.cum[k];
      const cost = stepCost(st, i);
      if (gain <= 0 || cost > room) continue;
      stepFits = true;
      consider({ slot: i, kind: 'step', gain, cost });
    }
    const lateKeep = policy === 'after-ranks' && stepFits;
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      if (st.kept[i] || skip.has(i)) continue;
      // While ranks come first, only a keep that saves parameters is a candidate, and only fold partners can
      // make one do that: spare the others the probe.
      if (lateKeep && s.partners.length === 0) continue;
      const gain = 1 - s.cum[st.rank[i]];
      if (gain <= 0) continue;
      const cost = keepCost(st, i);
      if (cost > room || (lateKeep && cost > 0)) continue;
      consider({ slot: i, kind: 'keep', gain, cost });
    }
    return best;
  };

  /** Value of slot i in a state. */
  const valueOf = (st: State, i: number): number => (st.kept[i] ? 1 : slots[i].cum[st.rank[i]]);
  /** Greedy from `st` on the cost model until no move fits; returns the moves taken. */
  const greedy = (st: State, policy: KeepPolicy, predicted: number): { moves: Move[]; predicted: number } => {
    const moves: Move[] = [];
    for (;;) {
      const m = bestMove(st, policy, budget - predicted, new Set());
      if (!m) break;
      applyMove(st, m);
      predicted += m.cost;
      moves.push(m);
    }
    return { moves, predicted };
  };
  /**
   * The cheapest way, in value lost per parameter freed, to give back parameters in layer j: one rank down,
   * or a kept layer back to its break-even rank. Null when j is at rank 1.
   */
  const downgrade = (st: State, j: number): { loss: number; freed: number } | null => {
    const s = slots[j];
    if (st.kept[j]) {
      st.kept[j] = 0;
      const saved = st.rank[j];
      st.rank[j] = s.breakEven;
      const freed = keepCost(st, j);
      st.kept[j] = 1;
      st.rank[j] = saved;
      return { loss: 1 - s.cum[s.breakEven], freed };
    }
    const k = st.rank[j];
    return k > 1 ? { loss: s.cum[k] - s.cum[k - 1], freed: stepCost(st, j) } : null;
  };
  /**
   * Exchanges on the cost model: a move that does not fit (one rank up, or keep) is made to fit by giving
   * back parameters elsewhere at the least value per parameter; kept when the plan's value grows. Mends the
   * greedy's knapsack misses, mostly around keeping small layers. Returns the number of moves made.
   */
  const exchange = (st: State, predicted: number): { moves: number; predicted: number } => {
    let made = 0;
    for (let round = 0; round < 4 * n + 8; round++) {
      let improved = false;
      for (let i = 0; i < n && !improved; i++) {
        if (st.kept[i]) continue;
        const s = slots[i];
        const options: Move['kind'][] = s.cum[st.rank[i]] < 1 ? ['keep'] : [];
        if (st.rank[i] < s.breakEven && s.cum[st.rank[i] + 1] > s.cum[st.rank[i]]) options.push('step');
        for (const kind of options) {
          const trial: State = { rank: st.rank.slice(), kept: st.kept.slice() };
          let cost = kind === 'keep' ? keepCost(trial, i) : stepCost(trial, i);
          applyMove(trial, { slot: i, kind });
          let gain = valueOf(trial, i) - valueOf(st, i);
          let moves = 1;
          while (predicted + cost > budget) {
            let pick = -1;
            let pickRatio = Infinity;
            let pickD: { loss: number; freed: number } | null = null;
            for (let j = 0; j < n; j++) {
              if (j === i) continue;
              const d = downgrade(trial, j);
              if (!d || d.freed <= 0) continue;
              const ratio = d.loss / d.freed;
              if (ratio < pickRatio) {
                pick = j;
                pickRatio = ratio;
                pickD = d;
              }
            }
            if (!pickD || gain - pickD.loss <= 0) break;
            if (trial.kept[pick]) {
              trial.kept[pick] = 0;
              trial.rank[pick] = slots[pick].breakEven;
            } else trial.rank[pick] -= 1;
            cost -= pickD.freed;
            gain -= pickD.loss;
            moves++;
          }
          if (predicted + cost > budget || gain <= 1e-12) continue;
          st.rank.set(trial.rank);
          st.kept.set(trial.kept);
          predicted += cost;
          made += moves;
          improved = true;
          break;
        }
      }
      if (!improved) break;
    }
    return { moves: made, predicted };
  };

  // 2. Greedy on the cost model, once per keep policy; then exchanges, and greedy again for what is left.
  const runs = (['after-ranks', 'any-time'] as const).map((policy) => {
    const st = fresh();
    const first = greedy(st, policy, base);
    const moves = first.moves;
    const ex = exchange(st, first.predicted);
    const refill = ex.moves > 0 ? greedy(st, policy, ex.predicted).moves.length : 0;
    return { policy, st, moves, steps: moves.length + ex.moves + refill, objective: objectiveOf(st) };
  });

  // 4. Verify with the exact count: the best plan within budget wins.
  let chosen: { run: (typeof runs)[number]; params: number } | null = null;
  for (const run of runs) {
    if (chosen && run.objective <= chosen.run.objective) continue;
    const params = run.moves.length === 0 ? base : count(planOf(run.st));
    if (params <= budget) chosen = { run, params };
  }
  if (chosen) return result(chosen.run.st, true, chosen.params, chosen.run.steps);

  // The model was wrong and both plans are over budget: repair the better one's greedy moves.
  const run = runs[0].objective >= runs[1].objective ? runs[0] : runs[1];
  const replay = (prefix: number): State => {
    const st = fresh();
    for (const m of run.moves.slice(0, prefix)) applyMove(st, m);
    return st;
  };
  let lo = 0;
  let loCount = base;
  let hi = run.moves.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const c = count(planOf(replay(mid)));
    if (c <= budget) {
      lo = mid;
      loCount = c;
    } else hi = mid;
  }
  const st = replay(lo);
  let steps = lo;
  let params = loCount;
  const rejected = new Set<number>();
  for (let tries = 0; tries < 4 * n + 64; tries++) {
    const m = bestMove(st, run.policy, Infinity, rejected);
    if (!m) break;
    const saved = { rank: st.rank[m.slot], kept: st.kept[m.slot] };
    applyMove(st, m);
    const c = count(planOf(st));
    if (c <= budget) {
      params = c;
      steps++;
    } else {
      st.rank[m.slot] = saved.rank;
      st.kept[m.slot] = saved.kept;
      rejected.add(m.slot);
    }
  }
  return result(st, true, params, steps);
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
