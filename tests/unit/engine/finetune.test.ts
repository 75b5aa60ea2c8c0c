/**
 * Fine-tuning: it lowers the training loss of a compressed model and hands back the best checkpoint (the
 * compressed start included); AFM + activation at full rank, fine-tuned, is no worse than the original on a
 * planted synthetic problem.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { compressorOf, type LayerChoice } from '../../helpers/compressor';
import { fineTune } from '../../../src/tf/finetune';
import { predictLogits, predictProbs } from '../../../src/tf/predict';
import { trainModel } from '../../../src/tf/train';
import { buildModel } from '../../../src/tf/zooModels';
import { auc, logLossFromLogits } from '../../../src/core/metrics';
import { tailSplit } from '../../../src/core/pipeline/splits';
import { openDemoModel } from '../../helpers/demo';
import { smallSpec, syntheticEncoding, syntheticRows } from '../../helpers/synthetic';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('fine-tuning a compressed model', () => {
  it('lowers the training loss and keeps the best validation checkpoint', async () => {
    const demo = await openDemoModel('deepfm');
    const [train, valid] = tailSplit(demo.train, 0.1);
    const c = await compressorOf(demo.model);
    await c.collect(demo.encoding, demo.train);
    const model = await c.loadNet(c.build(c.uniformPlan({ method: 'afm', denseRank: 8, embeddingRank: 2 })));
    const lossOf = async (rows: typeof train) =>
      logLossFromLogits(rows.labels, await predictLogits(model, demo.encoding, rows));
    const before = await lossOf(train);
    const result = await fineTune(model, demo.encoding, train, valid, {
      epochs: 1,
      learningRate: 1e-3,
      checksPerEpoch: 4,
    });
    expect(result.epochs[0].epoch).toBe(0); // the compressed start is a checkpoint
    expect(await lossOf(train)).toBeLessThan(before);
    const best = Math.max(...result.epochs.map((e) => e.validAuc));
    expect(result.epochs.find((e) => e.epoch === result.bestEpoch)!.validAuc).toBe(best);
    // The model handed back is that checkpoint, not the last one.
    expect(auc(valid.labels, await predictProbs(model, demo.encoding, valid))).toBeCloseTo(best, 12);
    expect(best).toBeGreaterThanOrEqual(result.epochs[0].validAuc);
    model.dispose();
  }, 120_000);
});

describe('AFM + activation', () => {
  it('at full rank, fine-tuned, is no worse than the original on a planted synthetic problem', async () => {
    const enc = syntheticEncoding(6, 30, 4);
    const train = syntheticRows(enc, 6000, 11);
    const valid = syntheticRows(enc, 1500, 12);
    const test = syntheticRows(enc, 3000, 13);
    const original = buildModel(smallSpec('dnn', enc, 3));
    await trainModel(original, enc, train, valid, { epochs: 15, learningRate: 3e-3, patience: 3 });
    const c = await compressorOf(original);
    await c.collect(enc, train);
    const choices: Record<string, LayerChoice> = {};
    for (const l of c.compressible) if (l.kind === 'dense') choices[l.name] = { method: 'afm', rank: l.shape.dOut };
    const plan = c.explicitPlan(choices, { allowAboveBreakEven: true }).map((p) => {
      const info = c.layer(p.layer);
      return p.method !== 'keep' && info.kind === 'dense' && info.shape.activation === 'relu'
        ? { ...p, activationBetween: 'relu' }
        : p;
    });
    expect(plan.filter((p) => p.activationBetween === 'relu').length).toBeGreaterThan(0);
    const model = await c.loadNet(c.build(plan));
    // The ReLU really sits between the factors in the saved topology.
    expect(model.getLayer('deep_0_proj').getConfig().activation).toBe('relu');
    await fineTune(model, enc, train, valid, { epochs: 2, learningRate: 1e-3 });
    const score = async (m: tf.LayersModel) => {
      const logits = await predictLogits(m, enc, test);
      return { auc: auc(test.labels, logits), logloss: logLossFromLogits(test.labels, logits) };
    };
    const a = await score(original);
    const b = await score(model);
    console.log(
      `planted problem: original AUC ${a.auc.toFixed(4)} log loss ` +
        `${a.logloss.toFixed(4)}; AFM+ReLU full rank fine-tuned AUC ${b.auc.toFixed(4)} ` +
        `log loss ${b.logloss.toFixed(4)}`,
    );
    expect(b.auc).toBeGreaterThanOrEqual(a.auc - 1e-3);
    expect(b.logloss).toBeLessThanOrEqual(a.logloss + 1e-3);
    model.dispose();
  }, 120_000);
});
