/**
 * At full rank, AFM reproduces the original model: every Dense at rank d_out and every embedding table at
 * rank dim, up-projections folded where allowed. Max |logit difference| ≤ 1e-4 on the demo test rows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { compressorOf, type LayerChoice } from '../../helpers/compressor';
import { predictLogits } from '../../../src/tf/predict';
import { openDemoModel, trainDemoModel, type DemoModel } from '../../helpers/demo';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

async function maxLogitDiffAtFullRank(
  demo: DemoModel,
  fuse: boolean,
): Promise<{ diff: number; replaced: number; fused: number }> {
  const c = await compressorOf(demo.model);
  await c.collect(demo.encoding, demo.train);
  const choices: Record<string, LayerChoice> = {};
  for (const l of c.compressible)
    choices[l.name] = { method: 'afm', rank: l.kind === 'dense' ? l.shape.dOut : l.shape.dim };
  const plan = c.explicitPlan(choices, { allowAboveBreakEven: true });
  const built = c.build(plan, { fuse });
  const compressed = await c.loadNet(built);
  const before = await predictLogits(demo.model, demo.encoding, demo.test);
  const after = await predictLogits(compressed, demo.encoding, demo.test);
  compressed.dispose();
  let diff = 0;
  for (let i = 0; i < before.length; i++) diff = Math.max(diff, Math.abs(after[i] - before[i]));
  return { diff, replaced: Object.keys(choices).length, fused: built.fused.length };
}

describe.each([
  ['deepfm', () => openDemoModel('deepfm')],
  ['dcnv2', () => openDemoModel('dcnv2')],
  ['widedeep', () => trainDemoModel('widedeep')],
  ['dnn', () => trainDemoModel('dnn')],
] as const)('%s', (kind, open) => {
  let demo: DemoModel;
  beforeAll(async () => {
    demo = await open();
  }, 120_000);

  it('full-rank AFM with fusion reproduces the logits to 1e-4', async () => {
    const r = await maxLogitDiffAtFullRank(demo, true);
    expect(r.replaced).toBeGreaterThan(26); // every table and every compressible Dense
    if (kind !== 'dcnv2')
      expect(r.fused).toBe(26); // every table folds into the deep tower
    else expect(r.fused).toBe(0); // never across the cross layers' Multiply
    expect(r.diff).toBeLessThanOrEqual(1e-4);
  });

  it('full-rank AFM without fusion reproduces the logits to 1e-4', async () => {
    expect((await maxLogitDiffAtFullRank(demo, false)).diff).toBeLessThanOrEqual(1e-4);
  });
});
