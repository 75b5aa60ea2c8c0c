/**
 * The allocator on real models with the exact parameter count (plannedParams: fused embeddings, narrowed
 * kernels): the shipped demo DeepFM with its AFM spectra at one third of its parameters, and an untrained
 * DeepFM with 1024-wide towers and 26 tables for speed. Figures are printed; no timing is asserted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compressorOf, type TfCompressor } from '../../helpers/compressor';
import { buildModel } from '../../../src/tf/zooModels';
import { predictProbs } from '../../../src/tf/predict';
import { auc } from '../../../src/core/metrics/auc';
import { allocateRanks } from '../../../src/core/compress/allocate';
import { cumulativeExplained } from '../../../src/core/compress/decomposition';
import { plannedParams, type PlannedRank } from '../../../src/core/layers';
import { plannedRanks, type ResolvedLayer } from '../../../src/core/compress/plan';
import { calibratedDemo, type DemoModel } from '../../helpers/demo';
import { planOf, rng } from './helpers';

let demo: DemoModel;
let c: TfCompressor;

beforeAll(async () => {
  ({ demo, c } = await calibratedDemo('deepfm'));
}, 180_000);

/** Σ cumulative(rank) over the compressible layers of a resolved plan, kept = 1. */
function objectiveOfPlan(plan: ResolvedLayer[]): number {
  return plan
    .filter((p) => c.layer(p.layer).compressible)
    .reduce(
      (s, p) => s + (p.method === 'keep' ? 1 : cumulativeExplained(c.decomposition(p.layer, 'afm').spectrum)[p.rank!]),
      0,
    );
}

describe('allocateRanks on the demo DeepFM', () => {
  it('fits one third of the parameters with the exact count, and beats the uniform plan on its objective', async () => {
    const spectra = new Map(c.compressible.map((l) => [l.name, c.decomposition(l.name, 'afm').spectrum]));
    const count = (ranks: PlannedRank[]): number => plannedParams(c.artifacts, c.shapes, ranks);
    const budget = Math.floor(c.originalParams / 3);

    const t0 = performance.now();
    const a = allocateRanks({ inventory: c.inventory, spectra, count, budget });
    const ms = performance.now() - t0;

    expect(a.withinBudget).toBe(true);
    expect(a.params).toBe(count(planOf(a.ranks)));
    expect(a.params).toBeLessThanOrEqual(budget);
    for (const l of c.compressible) {
      const r = a.ranks[l.name];
      if (r !== null) expect(r >= 1 && r <= l.breakEvenRank).toBe(true);
    }

    // The built model has exactly the counted parameters.
    const plan = c.uniformPlan({ method: 'afm', denseRank: null, embeddingRank: null, overrides: a.ranks });
    expect(plannedRanks(plan)).toEqual(
      planOf(a.ranks).sort(
        (x, y) => plan.findIndex((p) => p.layer === x.layer) - plan.findIndex((p) => p.layer === y.layer),
      ),
    );
    const built = c.build(plan);
    expect(built.params).toBe(a.params);

    // The uniform plan the studio offers at the same budget: embeddings at rank 4, the largest dense rank.
    const base = { method: 'afm' as const, denseRank: null, embeddingRank: 4 };
    const denseRank = c.denseRankForFraction(base, 1 / 3)!;
    const uniform = c.uniformPlan({ ...base, denseRank });
    const uniformParams = c.plannedParams({ ...base, denseRank });
    const uniformObjective = objectiveOfPlan(uniform);
    expect(a.objective).toBeCloseTo(objectiveOfPlan(plan), 9);
    expect(a.objective).toBeGreaterThan(uniformObjective);

    // AUC on the demo test rows, for the record (not asserted: 2,000 rows are noisy).
    const score = async (p: ResolvedLayer[]): Promise<number> => {
      const model = await c.loadNet(c.build(p));
      try {
        return auc(demo.test.labels, await predictProbs(model, demo.encoding, demo.test));
      } finally {
        model.dispose();
      }
    };
    const original = auc(demo.test.labels, await predictProbs(c.net, demo.encoding, demo.test));
    const [allocatedAuc, uniformAuc] = [await score(plan), await score(uniform)];

    const dense = c.compressible
      .filter((l) => l.kind === 'dense')
      .map((l) => `${l.name} ${a.ranks[l.name] ?? 'keep'}/${l.breakEvenRank}`);
    const emb = c.compressible.filter((l) => l.kind === 'embedding').map((l) => a.ranks[l.name] ?? 'keep');
    console.log(
      [
        `demo DeepFM, budget ${budget} (1/3 of ${c.originalParams}):`,
        `  allocated: ${a.params} params (${((100 * a.params) / budget).toFixed(3)}% of ` +
          `the budget, ${budget - a.params} to spare), objective ${a.objective.toFixed(4)} ` +
          `over ${Object.keys(a.ranks).length} layers, ${a.steps} steps, ${a.countCalls} ` +
          `count() calls, ${ms.toFixed(1)} ms`,
        `  dense ranks: ${dense.join(', ')}`,
        `  embedding ranks: ${emb.join(' ')}`,
        `  uniform (dense ${denseRank}, embeddings 4): ${uniformParams} params, objective ` +
          `${uniformObjective.toFixed(4)}`,
        `  test AUC: original ${original.toFixed(4)}, allocated ` +
          `${allocatedAuc.toFixed(4)}, uniform ${uniformAuc.toFixed(4)}`,
      ].join('\n'),
    );
  });
});

describe('allocateRanks on a DeepFM with 1024-wide towers and 26 tables', () => {
  it('allocates with the exact count (printed time)', async () => {
    const rand = rng(11);
    const model = buildModel({
      kind: 'deepfm',
      fields: Array.from({ length: 26 }, (_, i) => ({ name: `C${i + 1}`, vocabSize: 20 + Math.floor(rand() * 3000) })),
      numericWidth: 26,
      embeddingDim: 16,
      tower: [1024, 1024, 1024],
      crossLayers: 0,
      dropout: 0,
      seed: 3,
    });
    try {
      const big = await compressorOf(model);
      const spectra = new Map(
        big.compressible.map((l) => {
          const width = l.kind === 'dense' ? l.shape.dOut : l.shape.dim;
          const decay = 0.6 + 0.8 * rand();
          return [l.name, Float64Array.from({ length: width }, (_, j) => (j + 1) ** -decay)];
        }),
      );
      const t1 = performance.now();
      let calls = 0;
      let countMs = 0;
      const count = (ranks: PlannedRank[]): number => {
        const t = performance.now();
        calls++;
        const n = plannedParams(big.artifacts, big.shapes, ranks);
        countMs += performance.now() - t;
        return n;
      };
      const budget = Math.floor(big.originalParams / 3);
      const a = allocateRanks({ inventory: big.inventory, spectra, count, budget });
      const ms = performance.now() - t1;
      expect(a.withinBudget).toBe(true);
      expect(a.params).toBeLessThanOrEqual(budget);
      expect(a.params).toBe(count(planOf(a.ranks)));
      const dense = big.compressible
        .filter((l) => l.kind === 'dense')
        .map((l) => `${l.name} ${a.ranks[l.name] ?? 'keep'}/${l.breakEvenRank}`);
      console.log(
        `1024-wide DeepFM (${big.compressible.length} compressible layers, ` +
          `${big.originalParams} params): ${a.params} of ${budget} budget, ${a.steps} ` +
          `steps, ${calls} count() calls taking ${countMs.toFixed(0)} of ${ms.toFixed(0)} ` +
          `ms; ${dense.join(', ')}`,
      );
    } finally {
      model.dispose();
    }
  }, 120_000);
});
