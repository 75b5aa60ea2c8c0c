import { describe, expect, it } from 'vitest';
import { denseRankForBudget, plannedRanks, resolveUniformPlan } from '../../../src/core/compress/plan';
import { sweepCsv } from '../../../src/core/compress/report';
import type { LayerInfo } from '../../../src/core/layers';

const inventory: LayerInfo[] = [
  {
    name: 'emb',
    kind: 'embedding',
    shape: { vocab: 100, dim: 16 },
    params: 1600,
    breakEvenRank: 13,
    compressible: true,
    fusion: [],
  },
  {
    name: 'd0',
    kind: 'dense',
    shape: { dIn: 50, dOut: 40, useBias: true, activation: 'relu' },
    params: 2040,
    breakEvenRank: 22,
    compressible: true,
  },
  {
    name: 'out',
    kind: 'dense',
    shape: { dIn: 40, dOut: 1, useBias: true, activation: 'linear' },
    params: 41,
    breakEvenRank: 0,
    compressible: false,
    reason: 'output width 1: nothing to factor',
  },
];

describe('plans', () => {
  it('a uniform plan applies per kind, keeps layers above break-even, and honours overrides', () => {
    const plan = resolveUniformPlan(inventory, { method: 'afm', denseRank: 30, embeddingRank: 4, overrides: {} });
    expect(plan.map((p) => [p.layer, p.method, p.rank])).toEqual([
      ['emb', 'afm', 4],
      ['d0', 'keep', null],
      ['out', 'keep', null],
    ]);
    expect(plan[1].note).toMatch(/above its break-even rank 22/);
    const o = resolveUniformPlan(inventory, {
      method: 'svd',
      denseRank: 8,
      embeddingRank: 4,
      overrides: { emb: null, d0: 12 },
    });
    expect(plannedRanks(o)).toEqual([{ layer: 'd0', rank: 12 }]);
    expect(() =>
      resolveUniformPlan(inventory, { method: 'afm', denseRank: 8, embeddingRank: 4, overrides: { nope: 3 } }),
    ).toThrow(/no Dense or Embedding layer named nope/);
  });

  it('the sweep CSV has one row per point with keep for uncompressed kinds', () => {
    const csv = sweepCsv([
      {
        method: 'afm',
        denseRank: 8,
        embeddingRank: null,
        params: 10,
        paramRatio: 0.5,
        auc: 0.7,
        logloss: 0.4,
        delong: { diff: -0.01, se: 0.005, low: -0.02, high: 0, p: 0.05 },
      },
    ]);
    const [header, row] = csv.trim().split('\n');
    expect(header.split(',').length).toBe(row.split(',').length);
    expect(row).toBe('afm,8,keep,10,0.500000,0.700000,0.400000,-0.010000,0.005000,-0.020000,0.000000,0.050000');
  });
});

describe('ranks for a parameter budget', () => {
  it('finds the largest dense rank within the budget, or none', () => {
    const count = (p: { denseRank: number | null }) => 1000 + 37 * (p.denseRank ?? 0);
    const base = { method: 'afm' as const, denseRank: null, embeddingRank: 4 };
    for (const budget of [1037, 1500, 2000, 4700, 99999]) {
      const r = denseRankForBudget(count, 100, base, budget)!;
      expect(count({ denseRank: r })).toBeLessThanOrEqual(budget);
      if (r < 100) expect(count({ denseRank: r + 1 })).toBeGreaterThan(budget);
    }
    expect(denseRankForBudget(count, 100, base, 1036)).toBeNull();
  });
});
