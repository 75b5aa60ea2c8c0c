/**
 * Gradient statistics are the squared loss gradients they claim to be: on one mini-batch, each output (column)
 * of a Dense kernel gets Σ_i (∂L/∂w_ij)² and each looked-up row of a table Σ_j (∂L/∂e_ij)², checked against
 * central finite differences of the mean log loss of the same rows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sliceBatch, type EncodedBatch } from '../../../src/core/data';
import { logLossFromLogits } from '../../../src/core/metrics';
import { collectGradientStatistics } from '../../../src/tf/gradients';
import { predictLogits } from '../../../src/tf/predict';
import { tf } from '../../../src/tf/tfjs';
import { trainDemoModel, type DemoModel } from '../../helpers/demo';

let demo: DemoModel;
let batch: EncodedBatch;

beforeAll(async () => {
  await tf.setBackend('wasm');
  demo = await trainDemoModel('dnn', [8, 4], 1);
  batch = sliceBatch(
    demo.train,
    Int32Array.from({ length: 48 }, (_, i) => i),
  );
}, 120_000);

/** Mean log loss of the batch with one weight entry moved by delta. */
async function lossWith(layer: string, index: number, delta: number): Promise<number> {
  const v = demo.model.getLayer(layer).trainableWeights[0].read() as tf.Variable;
  const values = (await v.data()) as Float32Array;
  const saved = values[index];
  const moved = Float32Array.from(values);
  moved[index] = saved + delta;
  v.assign(tf.tensor(moved, v.shape));
  const loss = logLossFromLogits(batch.labels, await predictLogits(demo.model, demo.encoding, batch));
  moved[index] = saved;
  v.assign(tf.tensor(moved, v.shape));
  return loss;
}

describe('gradient statistics', () => {
  it('equal the squared gradients from finite differences, for a Dense output and a table row', async () => {
    const dense = demo.model.layers.find((l) => l.getClassName() === 'Dense')!.name;
    const table = demo.model.layers.find((l) => l.getClassName() === 'Embedding')!.name;
    const { fisher } = await collectGradientStatistics(demo.model, demo.encoding, batch, [dense, table]);
    const eps = 1e-3;
    const check = async (layer: string, at: number, entries: number[]) => {
      let expected = 0;
      for (const idx of entries) {
        const g = ((await lossWith(layer, idx, eps)) - (await lossWith(layer, idx, -eps))) / (2 * eps);
        expected += g * g;
      }
      const got = fisher.get(layer)![at];
      expect(got).toBeGreaterThan(0);
      expect(Math.abs(got - expected)).toBeLessThan(0.02 * expected + 1e-9);
    };
    const [dIn, dOut] = demo.model.getLayer(dense).trainableWeights[0].shape as number[];
    await check(
      dense,
      1,
      Array.from({ length: dIn }, (_, i) => i * dOut + 1),
    ); // column 1 of the kernel
    const dim = demo.model.getLayer(table).trainableWeights[0].shape[1] as number;
    const id = batch.categorical[0][0];
    await check(
      table,
      id,
      Array.from({ length: dim }, (_, j) => id * dim + j),
    ); // the row of a looked-up id
  });
});
