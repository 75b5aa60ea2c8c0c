/**
 * The moves of the rank allocator (see ./allocate) on its cost model (./allocateModel): the greedy by gain per
 * parameter, the exchanges that mend its knapsack misses, and the repair, checked with the exact count, of a
 * plan the cost model got wrong. Pure.
 */
import { applyMove, type CostModel, type KeepPolicy, type Move, type State } from './allocateModel';

/** The best move whose modelled cost fits `room`, skipping the slots in `skip`. */
export function bestMove(
  model: CostModel,
  st: State,
  policy: KeepPolicy,
  room: number,
  skip: ReadonlySet<number>,
): Move | null {
  const { slots, n } = model;
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
    const cost = model.stepCost(st, i);
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
    const cost = model.keepCost(st, i);
    if (cost > room || (lateKeep && cost > 0)) continue;
    consider({ slot: i, kind: 'keep', gain, cost });
  }
  return best;
}

/** Greedy from `st` on the cost model until no move fits; returns the moves taken. */
export function greedy(
  model: CostModel,
  st: State,
  policy: KeepPolicy,
  predicted: number,
  budget: number,
): { moves: Move[]; predicted: number } {
  const moves: Move[] = [];
  for (;;) {
    const m = bestMove(model, st, policy, budget - predicted, new Set());
    if (!m) break;
    applyMove(st, m);
    predicted += m.cost;
    moves.push(m);
  }
  return { moves, predicted };
}

/**
 * The cheapest way, in value lost per parameter freed, to give back parameters in layer j: one rank down,
 * or a kept layer back to its break-even rank. Null when j is at rank 1.
 */
function downgrade(model: CostModel, st: State, j: number): { loss: number; freed: number } | null {
  const s = model.slots[j];
  if (st.kept[j]) {
    st.kept[j] = 0;
    const saved = st.rank[j];
    st.rank[j] = s.breakEven;
    const freed = model.keepCost(st, j);
    st.kept[j] = 1;
    st.rank[j] = saved;
    return { loss: 1 - s.cum[s.breakEven], freed };
  }
  const k = st.rank[j];
  return k > 1 ? { loss: s.cum[k] - s.cum[k - 1], freed: model.stepCost(st, j) } : null;
}

/**
 * Exchanges on the cost model: a move that does not fit (one rank up, or keep) is made to fit by giving
 * back parameters elsewhere at the least value per parameter; kept when the plan's value grows. Mends the
 * greedy's knapsack misses, mostly around keeping small layers. Returns the number of moves made.
 */
export function exchange(
  model: CostModel,
  st: State,
  predicted: number,
  budget: number,
): { moves: number; predicted: number } {
  const { slots, n } = model;
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
        const paid = payFor(model, trial, i, kind, st, predicted, budget);
        if (predicted + paid.cost > budget || paid.gain <= 1e-12) continue;
        st.rank.set(trial.rank);
        st.kept.set(trial.kept);
        predicted += paid.cost;
        made += paid.moves;
        improved = true;
        break;
      }
    }
    if (!improved) break;
  }
  return { moves: made, predicted };
}

/**
 * One exchange tried on `trial` (a copy of `st`): the move `kind` at slot i, then, while the plan is over the
 * budget, the downgrade elsewhere that loses the least value per parameter freed, as long as the move still
 * gains. Returns the net modelled cost, the net gain and the moves made.
 */
function payFor(
  model: CostModel,
  trial: State,
  i: number,
  kind: Move['kind'],
  st: State,
  predicted: number,
  budget: number,
): { cost: number; gain: number; moves: number } {
  const { slots, n } = model;
  let cost = kind === 'keep' ? model.keepCost(trial, i) : model.stepCost(trial, i);
  applyMove(trial, { slot: i, kind });
  let gain = model.valueOf(trial, i) - model.valueOf(st, i);
  let moves = 1;
  while (predicted + cost > budget) {
    let pick = -1;
    let pickRatio = Infinity;
    let pickD: { loss: number; freed: number } | null = null;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = downgrade(model, trial, j);
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
  return { cost, gain, moves };
}

/**
 * Repairs a run whose plan the cost model got wrong: the longest prefix of its greedy moves that fits is found
 * by bisection with the exact count, then further moves are tried one at a time, each checked with it.
 */
export function repair(
  model: CostModel,
  run: { policy: KeepPolicy; moves: Move[] },
  budget: number,
): { st: State; params: number; steps: number } {
  const base = model.base;
  const n = model.n;
  const replay = (prefix: number): State => {
    const st = model.fresh();
    for (const m of run.moves.slice(0, prefix)) applyMove(st, m);
    return st;
  };
  let lo = 0;
  let loCount = base;
  let hi = run.moves.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const c = model.count(model.planOf(replay(mid)));
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
    const m = bestMove(model, st, run.policy, Infinity, rejected);
    if (!m) break;
    const saved = { rank: st.rank[m.slot], kept: st.kept[m.slot] };
    applyMove(st, m);
    const c = model.count(model.planOf(st));
    if (c <= budget) {
      params = c;
      steps++;
    } else {
      st.rank[m.slot] = saved.rank;
      st.kept[m.slot] = saved.kept;
      rejected.add(m.slot);
    }
  }
  return { st, params, steps };
}
