/**
 * Fisher-weighted AFM through the method registry, on a random Dense layer with correlated, off-centre inputs:
 * with equal Fisher weights it is AFM; at full rank it reproduces the layer; at rank k its Fisher-weighted
 * output error on the calibration rows is the sum of its dropped eigenvalues, and never above plain AFM's on
 * that measure. On the demo DeepFM it is collected, planned, built and scored like any other method.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Replacement } from '../../../src/core/compress/decomposition';
import { getMethod } from '../../../src/core/compress/methods';
import { addBatch, createMoments } from '../../../src/core/linalg';
import { auc } from '../../../src/core/metrics';
import { createRng } from '../../../src/core/random';
import { predictProbs } from '../../../src/tf/predict';
import { tf } from '../../../src/tf/tfjs';
import { compressorOf } from '../../helpers/compressor';
import { openDemoModel } from '../../helpers/demo';

type DenseRep = Extract<Replacement, { kind: 'dense' }>;

const fisherAfm = getMethod('fisher-afm');
const afm = getMethod('afm');
const rng = createRng(23);
const random = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);

const n = 800;
const dIn = 14;
const dOut = 10;
// Inputs: correlated through a shared factor, each column off centre.
const x = new Float64Array(n * dIn);
for (let r = 0; r < n; r++) {
  const shared = rng() * 2 - 1;
  for (let i = 0; i < dIn; i++) x[r * dIn + i] = 2 * shared * (i % 3) + (rng() * 2 - 1) + 0.5 * i;
}
const inputs = createMoments(dIn);
addBatch(inputs, x, n);
const w = { kernel: random(dIn * dOut), bias: random(dOut), dIn, dOut };
const weights = Float64Array.from({ length: dOut }, (_, j) => (j % 4 === 0 ? 40 : 0.2) * (1 + rng()));

/** The layer's pre-activation outputs on every row, and a replacement's. */
function outputs(kernel: ArrayLike<number>, bias: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n * dOut);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < dOut; j++) {
      let v = bias[j];
      for (let i = 0; i < dIn; i++) v += x[r * dIn + i] * kernel[i * dOut + j];
      y[r * dOut + j] = v;
    }
  return y;
}
const original = outputs(w.kernel, w.bias);

function replaced(rep: DenseRep): Float64Array {
  const k = rep.rank;
  const y = new Float64Array(n * dOut);
  const h = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    for (let q = 0; q < k; q++) {
      let v = rep.first.bias[q];
      for (let i = 0; i < dIn; i++) v += x[r * dIn + i] * rep.first.kernel[i * k + q];
      h[q] = v;
    }
    for (let j = 0; j < dOut; j++) {
      let v = rep.second.bias[j];
      for (let q = 0; q < k; q++) v += h[q] * rep.second.kernel[q * dOut + j];
      y[r * dOut + j] = v;
    }
  }
  return y;
}

/** Mean over rows of Σ_j I_j (y_j − ŷ_j)². */
function weightedError(y: Float64Array, per: ArrayLike<number>): number {
  let e = 0;
  for (let r = 0; r < n; r++)
    for (let j = 0; j < dOut; j++) e += per[j] * (original[r * dOut + j] - y[r * dOut + j]) ** 2;
  return e / n;
}

describe('Fisher-weighted AFM of a Dense layer', () => {
  const floor = 1e-3 * (weights.reduce((a, b) => a + b, 0) / dOut); // the floor Fisher SVD uses too
  const used = weights.map((v) => v + floor);

  it('is AFM when every output weighs the same', () => {
    const a = replaced(
      fisherAfm.dense('d', w, { inputs, fisher: new Float64Array(dOut).fill(3) }, dOut).slice(4) as DenseRep,
    );
    const b = replaced(afm.dense('d', w, { inputs }, dOut).slice(4) as DenseRep);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 3);
  });

  it('reproduces the layer at full rank', () => {
    const d = fisherAfm.dense('d', w, { inputs, fisher: weights }, dOut);
    const full = replaced(d.slice(d.maxRank) as DenseRep);
    const scale = Math.max(...original.map(Math.abs));
    for (let i = 0; i < full.length; i++) expect(Math.abs(full[i] - original[i]) / scale).toBeLessThan(1e-4);
  });

  it('has the dropped eigenvalues as its weighted error, never above plain AFM on that measure', () => {
    const d = fisherAfm.dense('d', w, { inputs, fisher: weights }, dOut);
    const plain = afm.dense('d', w, { inputs }, dOut);
    for (const k of [1, 2, 4, 7]) {
      const err = weightedError(replaced(d.slice(k) as DenseRep), used);
      const dropped = d.spectrum.subarray(k).reduce((a, b) => a + b, 0);
      expect(Math.abs(err - dropped) / dropped).toBeLessThan(1e-3);
      expect(err).toBeLessThanOrEqual(weightedError(replaced(plain.slice(k) as DenseRep), used) * (1 + 1e-6));
    }
  });
});

describe('Fisher-weighted AFM on the demo DeepFM', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('is planned, built and scored like any other method, with the parameters of AFM', async () => {
    const demo = await openDemoModel('deepfm');
    const c = await compressorOf(demo.model);
    await c.collect(demo.encoding, demo.train, { gradients: true });
    const plan = { method: 'fisher-afm', denseRank: 16, embeddingRank: 4 };
    const built = c.build(c.uniformPlan(plan));
    expect(built.params).toBe(c.plannedParams({ ...plan, method: 'afm' }));
    const model = await c.loadNet(built);
    try {
      expect(auc(demo.test.labels, await predictProbs(model, demo.encoding, demo.test))).toBeGreaterThan(0.72);
    } finally {
      model.dispose();
    }
  });
});
