/**
 * The rank allocator's view of a model (see ./allocate): one slot per allocatable layer, the allocation state
 * (ranks and kept flags per slot), and the bilinear cost model probed with the exact parameter count from the
 * all-rank-1 plan (per layer the cost of one more rank, per embedding → Dense fold the interaction). Pure.
 */
import { StudioError } from '../errors';
import { cumulativeExplained } from './decomposition';
import type { LayerInfo, PlannedRank } from './inventory';

/** A compressible layer being allocated (what does not change while allocating). */
export interface Slot {
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
export interface State {
  rank: Int32Array;
  kept: Uint8Array;
}

/** One greedy move: one rank up, or keep the layer. */
export interface Move {
  slot: number;
  kind: 'step' | 'keep';
  gain: number;
  cost: number;
}

/**
 * When keeping a layer competes with rank increases: 'after-ranks' only once no rank increase fits (or when
 * keeping saves parameters), 'any-time' from the start.
 */
export type KeepPolicy = 'after-ranks' | 'any-time';

/** Applies a move to a state: one rank up, or the layer kept. */
export function applyMove(st: State, m: Pick<Move, 'slot' | 'kind'>): void {
  if (m.kind === 'keep') st.kept[m.slot] = 1;
  else st.rank[m.slot] += 1;
}

/**
 * The slots of the allocatable layers (compressible, not excluded), in inventory order, and each one's index
 * by layer name; INVALID_ARGUMENT when a spectrum is missing, too short or not finite.
 */
export function buildSlots(
  inventory: LayerInfo[],
  spectra: Map<string, Float64Array>,
  excluded: ReadonlySet<string>,
): { slots: Slot[]; index: Map<string, number> } {
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
  return { slots, index };
}

/** The slots, the exact parameter count (its calls counted) and the cost model learned from it. */
export class CostModel {
  /** How many times count() was called. */
  countCalls = 0;
  /** count() of the all-rank-1 plan, set by {@link CostModel.learn}. */
  base = 0;
  readonly n: number;

  constructor(
    readonly slots: Slot[],
    private readonly exactCount: (ranks: PlannedRank[]) => number,
  ) {
    this.n = slots.length;
  }

  /** The exact parameter count of a plan. */
  count(plan: PlannedRank[]): number {
    this.countCalls++;
    return this.exactCount(plan);
  }

  /** The all-rank-1 state. */
  fresh(): State {
    return { rank: new Int32Array(this.n).fill(1), kept: new Uint8Array(this.n) };
  }

  /** The plan of a state: the rank of every slot not kept. */
  planOf(st: State): PlannedRank[] {
    return this.slots.flatMap((s, i) => (st.kept[i] ? [] : [{ layer: s.name, rank: st.rank[i] }]));
  }

  /** Σ over the slots of cumulative(rank), a kept slot counting 1. */
  objectiveOf(st: State): number {
    return this.slots.reduce((acc, s, i) => acc + (st.kept[i] ? 1 : s.cum[st.rank[i]]), 0);
  }

  /** Value of slot i in a state. */
  valueOf(st: State, i: number): number {
    return st.kept[i] ? 1 : this.slots[i].cum[st.rank[i]];
  }

  /** count() of the all-rank-1 plan changed at some slots (a rank, or null to keep), minus the base. */
  probe(changes: [number, number | null][]): number {
    const st = this.fresh();
    for (const [i, r] of changes) {
      if (r === null) st.kept[i] = 1;
      else st.rank[i] = r;
    }
    return this.count(this.planOf(st)) - this.base;
  }

  /**
   * A layer's probe for the interactions: rank 2, or kept where break-even is 1 (a kept layer is rank `full`
   * in the cost model): the change, the probe's cost alone, and how many ranks it moves.
   */
  private unit(i: number): { change: [number, number | null]; alone: number; by: number } {
    const s = this.slots[i];
    if (s.breakEven >= 2) return { change: [i, 2], alone: s.slope, by: 1 };
    s.keep0 ??= this.probe([[i, null]]);
    return { change: [i, null], alone: s.keep0, by: s.full - 1 };
  }

  /** Probes the cost model from the all-rank-1 plan of count `base`: every slot's slope, every fold's interaction. */
  learn(base: number, inventory: LayerInfo[], index: Map<string, number>): void {
    this.base = base;
    const slots = this.slots;
    slots.forEach((s, i) => {
      if (s.breakEven >= 2) s.slope = this.probe([[i, 2]]);
    });
    const seen = new Set<string>();
    for (const l of inventory) {
      const e = index.get(l.name);
      if (l.kind !== 'embedding' || e === undefined) continue;
      for (const dense of l.fusion.flatMap((v) => (v.fusable ? v.into : []))) {
        const d = index.get(dense);
        if (d === undefined || seen.has(`${e}:${d}`)) continue;
        seen.add(`${e}:${d}`);
        const [ue, ud] = [this.unit(e), this.unit(d)];
        const m = (this.probe([ue.change, ud.change]) - ue.alone - ud.alone) / (ue.by * ud.by);
        if (m !== 0) {
          slots[e].partners.push({ j: d, m });
          slots[d].partners.push({ j: e, m });
        }
      }
    }
  }

  /** The rank slot j has in the cost model: its rank, or `full` when kept. */
  private eff(st: State, j: number): number {
    return st.kept[j] ? this.slots[j].full : st.rank[j];
  }

  /** The fold interactions' share of one more rank at slot i. */
  private crossSlope(st: State, i: number): number {
    return this.slots[i].partners.reduce((acc, p) => acc + p.m * (this.eff(st, p.j) - 1), 0);
  }

  /** Modelled cost of one more rank at slot i. */
  stepCost(st: State, i: number): number {
    return this.slots[i].slope + this.crossSlope(st, i);
  }

  /** Modelled cost of keeping slot i (probing its keep cost the first time). */
  keepCost(st: State, i: number): number {
    const s = this.slots[i];
    s.keep0 ??= this.probe([[i, null]]);
    // Bilinear in the effective ranks, a kept layer counting as rank `full` plus a constant fixed by the probe.
    return s.keep0 - s.slope * (st.rank[i] - 1) + this.crossSlope(st, i) * (s.full - st.rank[i]);
  }
}
