/** Hand-built inventories and an additive parameter count for the allocator tests. */
import {
  denseBreakEven,
  embeddingBreakEven,
  factoredParams,
  type DenseInfo,
  type EmbeddingInfo,
  type LayerInfo,
  type PlannedRank,
} from '../../../src/core/layers';
import { cumulativeExplained } from '../../../src/core/compress/decomposition';
import { createRng } from '../../../src/core/random';

export function dense(name: string, dIn: number, dOut: number, useBias = true): DenseInfo {
  const breakEvenRank = denseBreakEven(dIn, dOut, useBias);
  const compressible = breakEvenRank >= 1 && dOut > 1;
  return {
    name,
    kind: 'dense',
    shape: { dIn, dOut, useBias, activation: 'relu' },
    params: dIn * dOut + (useBias ? dOut : 0),
    breakEvenRank,
    compressible,
    ...(compressible ? {} : { reason: 'break-even rank is below 1' }),
  };
}

export function embedding(name: string, vocab: number, dim: number): EmbeddingInfo {
  const breakEvenRank = embeddingBreakEven(vocab, dim);
  const compressible = breakEvenRank >= 1 && dim > 1;
  return {
    name,
    kind: 'embedding',
    shape: { vocab, dim },
    params: vocab * dim,
    breakEvenRank,
    compressible,
    fusion: [],
    ...(compressible ? {} : { reason: 'break-even rank is below 1' }),
  };
}

/** Output width: the spectrum length of a layer. */
export const widthOf = (l: LayerInfo): number => (l.kind === 'dense' ? l.shape.dOut : l.shape.dim);

/** Parameters of a plan with no fusion: factored layers at their rank, every other layer as it is. */
export function additiveCount(inventory: LayerInfo[]): (ranks: PlannedRank[]) => number {
  return (ranks) => {
    const r = new Map(ranks.map((p) => [p.layer, p.rank]));
    return inventory.reduce((s, l) => s + (r.has(l.name) ? factoredParams(l, r.get(l.name)!) : l.params), 0);
  };
}

/** The plan an allocation's ranks describe. */
export function planOf(ranks: Record<string, number | null>): PlannedRank[] {
  return Object.entries(ranks).flatMap(([layer, rank]) => (rank === null ? [] : [{ layer, rank }]));
}

/** Σ cumulative(rank) over the compressible layers, kept = 1 (what Allocation.objective reports). */
export function objectiveOf(
  inventory: LayerInfo[],
  spectra: Map<string, Float64Array>,
  ranks: Record<string, number | null>,
): number {
  let s = 0;
  for (const l of inventory) {
    if (!l.compressible) continue;
    const r = ranks[l.name];
    s += r === null || r === undefined ? 1 : cumulativeExplained(spectra.get(l.name)!)[r];
  }
  return s;
}

/** A small deterministic PRNG (the project's mulberry32). */
export const rng = createRng;

/** A random descending, strictly positive spectrum: each value a random 30-100% of the previous one. */
export function randomSpectrum(width: number, rand: () => number): Float64Array {
  const s = new Float64Array(width);
  let v = 1 + 9 * rand();
  for (let j = 0; j < width; j++) {
    s[j] = v;
    v *= 0.3 + 0.7 * rand();
  }
  return s;
}
