/**
 * Generic graphs, built with tfjs itself: multi-input and multi-output models, Sequential models with and
 * without an InputLayer, and layers the rewriter does not touch (LSTM, Conv1D, pooling, Dot, Dropout,
 * BatchNormalization, ...). Compressing every Dense layer at full rank (SVD, data-free) must give the same
 * outputs, and every untouched layer must come through unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { compressorOf, type LayerChoice } from '../../helpers/compressor';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

async function outputs(model: tf.LayersModel, inputs: tf.Tensor[]): Promise<Float32Array[]> {
  const out = model.predict(inputs) as tf.Tensor | tf.Tensor[];
  return Promise.all((Array.isArray(out) ? out : [out]).map(async (t) => (await t.data()) as Float32Array));
}

/** Full-rank SVD of every compressible Dense (and embedding) layer; returns the rewritten model. */
async function fullRank(model: tf.LayersModel) {
  const c = await compressorOf(model);
  c.setDataFree();
  const choices: Record<string, LayerChoice> = {};
  for (const l of c.compressible)
    choices[l.name] = { method: 'svd', rank: l.kind === 'dense' ? Math.min(l.shape.dIn, l.shape.dOut) : l.shape.dim };
  const built = c.build(c.explicitPlan(choices, { allowAboveBreakEven: true }));
  return { c, built, model: await c.loadNet(built), choices };
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  expect(b.length).toBe(a.length);
  let m = 0;
  a.forEach((x, k) => x.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[k][i])))));
  return m;
}

describe('generic graphs', () => {
  it('a multi-input, multi-output model with LSTM, Conv1D, pooling, Dot, BatchNormalization and Dropout', async () => {
    const ids = tf.input({ shape: [6], dtype: 'int32', name: 'item_ids' });
    const dense = tf.input({ shape: [10], name: 'dense_features' });
    const seq = tf.layers.embedding({ inputDim: 50, outputDim: 8, name: 'item_emb' }).apply(ids) as tf.SymbolicTensor;
    const lstm = tf.layers.lstm({ units: 12, name: 'lstm' }).apply(seq) as tf.SymbolicTensor;
    const conv = tf.layers.conv1d({ filters: 6, kernelSize: 3, name: 'conv' }).apply(seq) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling1d({ name: 'pool' }).apply(conv) as tf.SymbolicTensor;
    const d1 = tf.layers
      .dense({ units: 12, activation: 'relu', name: 'dense_tower_0' })
      .apply(dense) as tf.SymbolicTensor;
    const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(d1) as tf.SymbolicTensor;
    const drop = tf.layers.dropout({ rate: 0.3, name: 'drop' }).apply(bn) as tf.SymbolicTensor;
    const dot = tf.layers.dot({ axes: 1, name: 'dot' }).apply([lstm, drop]) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ name: 'joined' }).apply([lstm, pooled, drop, dot]) as tf.SymbolicTensor;
    const h = tf.layers
      .dense({ units: 16, activation: 'tanh', name: 'head_hidden' })
      .apply(joined) as tf.SymbolicTensor;
    const ctr = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'ctr' }).apply(h) as tf.SymbolicTensor;
    const cvr = tf.layers.dense({ units: 3, activation: 'softmax', name: 'cvr' }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [ids, dense], outputs: [ctr, cvr], name: 'multi' });
    const inputs = [tf.randomUniform([32, 6], 0, 50, 'int32', 1), tf.randomNormal([32, 10], 0, 1, 'float32', 2)];
    const before = await outputs(model, inputs);
    const { c, model: rewritten, choices } = await fullRank(model);
    // Every Dense with an output wider than 1, and the table; the 1-wide ctr head cannot be factored.
    expect(Object.keys(choices).sort()).toEqual(['cvr', 'dense_tower_0', 'head_hidden', 'item_emb']);
    expect(c.inventory.find((l) => l.name === 'ctr')!.reason).toMatch(/output width 1/);
    expect(maxDiff(before, await outputs(rewritten, inputs))).toBeLessThan(1e-4);
    // Untouched layers come through with their class and weights.
    for (const name of ['lstm', 'conv', 'pool', 'bn', 'drop', 'dot', 'joined']) {
      const a = model.getLayer(name);
      const b = rewritten.getLayer(name);
      expect(b.getClassName()).toBe(a.getClassName());
      const wa = a.getWeights();
      const wb = b.getWeights();
      expect(wb.length).toBe(wa.length);
      for (let i = 0; i < wa.length; i++)
        expect(Array.from(await wb[i].data())).toEqual(Array.from(await wa[i].data()));
    }
    // The embedding reads through an LSTM and a Conv1D: its up-projection must stay (no fold across them).
    const emb = c.inventory.find((l) => l.name === 'item_emb')!;
    expect(emb.kind === 'embedding' && emb.fusion.every((b) => !b.fusable)).toBe(true);
    expect(rewritten.outputs.length).toBe(2);
  });

  it('a Sequential model with and without an InputLayer', async () => {
    for (const withInput of [true, false]) {
      const model = tf.sequential({ name: withInput ? 'with_input' : 'no_input' });
      if (withInput) model.add(tf.layers.inputLayer({ inputShape: [20] }));
      model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: withInput ? undefined : [20] }));
      model.add(tf.layers.dropout({ rate: 0.1 }));
      model.add(tf.layers.dense({ units: 16, activation: 'relu' }));
      model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
      const x = [tf.randomNormal([16, 20], 0, 1, 'float32', 3)];
      const before = await outputs(model, x);
      const { model: rewritten } = await fullRank(model);
      expect(maxDiff(before, await outputs(rewritten, x))).toBeLessThan(1e-4);
    }
  });
});
