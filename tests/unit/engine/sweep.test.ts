/**
 * The demo DeepFM compressed without fine-tuning: at no more than one third of its parameters AFM keeps the
 * test AUC within the DeLong interval of the original, and AFM's AUC is at least SVD's at every swept rank.
 * Also: plans, parameter accounting, and the original model left untouched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { compressorOf, type TfCompressor } from '../../helpers/compressor';
import { runSweep, scoreBaseline, type Baseline, type SweepPoint } from '../../../src/app/sweep';
import { openDemoModel, type DemoModel } from '../../helpers/demo';

let demo: DemoModel;
let c: TfCompressor;
let baseline: Baseline;
let points: SweepPoint[];
let weightsBefore: Float32Array[];

beforeAll(async () => {
  await tf.setBackend('wasm');
  demo = await openDemoModel('deepfm');
  weightsBefore = await Promise.all(demo.model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  c = await compressorOf(demo.model);
  await c.collect(demo.encoding, demo.train);
  baseline = await scoreBaseline(c, demo.encoding, demo.test);
  points = await runSweep(c, demo.encoding, demo.test, baseline, {
    methods: ['afm', 'svd'],
    denseRanks: [8, 16, 32, 64, 128],
    embeddingRanks: [2, 4, 8],
  });
}, 180_000);

describe('demo DeepFM sweep', () => {
  it('AFM at ≤ 1/3 of the parameters stays within the DeLong interval of the original', () => {
    const candidates = points.filter((p) => p.method === 'afm' && p.params <= baseline.params / 3);
    expect(candidates.length).toBeGreaterThan(0);
    const best = candidates.reduce((a, b) => (b.params > a.params ? b : a)); // the least compressed one that qualifies
    expect(best.delong.low).toBeLessThanOrEqual(0);
    expect(best.delong.high).toBeGreaterThanOrEqual(0);
    // dense rank 64, embedding rank 4: the setting the README reports
    const p = points.find((x) => x.method === 'afm' && x.denseRank === 64 && x.embeddingRank === 4)!;
    expect(p.params).toBeLessThanOrEqual(baseline.params / 3);
    expect(p.delong.low).toBeLessThanOrEqual(0);
    expect(p.delong.high).toBeGreaterThanOrEqual(0);
  });

  it("AFM's AUC is at least SVD's at every swept rank", () => {
    const afm = points.filter((p) => p.method === 'afm');
    expect(afm.length).toBe(15);
    for (const a of afm) {
      const s = points.find(
        (p) => p.method === 'svd' && p.denseRank === a.denseRank && p.embeddingRank === a.embeddingRank,
      )!;
      expect(s.params).toBe(a.params);
      expect(a.auc, `dense ${a.denseRank}, embedding ${a.embeddingRank}`).toBeGreaterThanOrEqual(s.auc);
    }
  });

  it('parameter counts are those of the loaded compressed model, and shrink with rank', async () => {
    const built = c.build(c.uniformPlan({ method: 'afm', denseRank: 32, embeddingRank: 4 }));
    const model = await c.loadNet(built);
    expect(model.countParams()).toBe(built.params);
    model.dispose();
    const afm = points.filter((p) => p.method === 'afm' && p.embeddingRank === 4).map((p) => p.params);
    expect([...afm].sort((a, b) => a - b)).toEqual(afm);
  });

  it('a rank above break-even is kept in a uniform plan and refused in an explicit one', () => {
    const plan = c.uniformPlan({ method: 'afm', denseRank: 300, embeddingRank: null });
    const deep0 = plan.find((p) => p.layer === 'deep_0')!;
    expect(deep0.method).toBe('keep');
    expect(deep0.note).toMatch(/above its break-even rank 209/);
    expect(() => c.explicitPlan({ deep_0: { method: 'afm', rank: 300 } })).toThrow(/break-even rank 209/);
    expect(() => c.explicitPlan({ deep_out: { method: 'svd', rank: 1 } })).toThrow(
      /cannot be compressed \(output width 1/,
    );
    expect(() => c.explicitPlan({ nope: { method: 'svd', rank: 1 } })).toThrow(
      /no Dense or Embedding layer named nope/,
    );
  });

  it('never modifies the original model', async () => {
    const after = await Promise.all(demo.model.getWeights().map(async (w) => (await w.data()) as Float32Array));
    expect(after.length).toBe(weightsBefore.length);
    after.forEach((w, i) => expect(w).toEqual(weightsBefore[i]));
    expect(demo.model.countParams()).toBe(baseline.params);
  });
});
