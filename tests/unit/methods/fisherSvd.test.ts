/**
 * Fisher-weighted SVD through the method registry: with equal Fisher weights it is plain SVD; at full rank it
 * reproduces the weights; at rank k its weighted error ‖(W − W_k) D‖² (Dense, weights per output) or
 * ‖D (E − E_k)‖² (table, weights per id) is the sum of the dropped squared singular values of the weighted
 * matrix, and never above plain SVD's on that measure. On the demo DeepFM it is collected, planned, built and
 * scored through the same engine as AFM and SVD.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Replacement } from '../../../src/core/compress/decomposition';
import { getMethod } from '../../../src/core/compress/methods';
import { auc } from '../../../src/core/metrics';
import { createRng } from '../../../src/core/random';
import { predictProbs } from '../../../src/tf/predict';
import { tf } from '../../../src/tf/tfjs';
import { compressorOf } from '../../helpers/compressor';
import { openDemoModel } from '../../helpers/demo';

const fisher = getMethod('fisher-svd');
const svd = getMethod('svd');
const rng = createRng(17);
const random = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);

const dIn = 12;
const dOut = 9;
const w = { kernel: random(dIn * dOut), bias: random(dOut), dIn, dOut };
const weights = Float64Array.from({ length: dOut }, (_, j) => (j % 3 === 0 ? 50 : 0.5) * (1 + rng()));

type DenseRep = Extract<Replacement, { kind: 'dense' }>;

/** The kernel a Dense replacement computes: first · second. */
function product(r: DenseRep): Float64Array {
  const k = r.rank;
  const out = new Float64Array(dIn * dOut);
  for (let i = 0; i < dIn; i++)
    for (let c = 0; c < k; c++)
      for (let j = 0; j < dOut; j++) out[i * dOut + j] += r.first.kernel[i * k + c] * r.second.kernel[c * dOut + j];
  return out;
}

/** Σ_ij I_j (W − W_k)_ij²: the error Fisher-weighted SVD minimises. */
function weightedError(kernel: Float64Array, fisherPerOutput: Float64Array): number {
  let e = 0;
  for (let i = 0; i < dIn; i++)
    for (let j = 0; j < dOut; j++) e += fisherPerOutput[j] * (w.kernel[i * dOut + j] - kernel[i * dOut + j]) ** 2;
  return e;
}

describe('Fisher-weighted SVD of a Dense layer', () => {
  it('is plain SVD when every output weighs the same', () => {
    const a = fisher.dense('d', w, { fisher: new Float64Array(dOut).fill(2) }, 5).slice(3) as DenseRep;
    const b = svd.dense('d', w, {}, 5).slice(3) as DenseRep;
    const pa = product(a);
    const pb = product(b);
    for (let i = 0; i < pa.length; i++) expect(pa[i]).toBeCloseTo(pb[i], 4);
  });

  it('reproduces the kernel at full rank, keeps the bias, and its weighted error is the dropped spectrum', () => {
    const d = fisher.dense('d', w, { fisher: weights }, Math.min(dIn, dOut));
    const full = d.slice(d.maxRank) as DenseRep;
    const pf = product(full);
    for (let i = 0; i < pf.length; i++) expect(pf[i]).toBeCloseTo(w.kernel[i], 4);
    expect(Array.from(full.second.bias)).toEqual(Array.from(w.bias));
    const floor = 1e-3 * (weights.reduce((a, b) => a + b, 0) / dOut); // the method's floor
    const used = weights.map((v) => v + floor);
    for (const k of [1, 3, 6]) {
      const err = weightedError(product(d.slice(k) as DenseRep), used);
      const dropped = d.spectrum.subarray(k).reduce((a, b) => a + b, 0);
      expect(err).toBeCloseTo(dropped, 3);
      const plain = weightedError(product(svd.dense('d', w, {}, 9).slice(k) as DenseRep), used);
      expect(err).toBeLessThanOrEqual(plain + 1e-6);
    }
  });
});

describe('Fisher-weighted SVD of a table', () => {
  it('weighs rows by id: a heavy id is reproduced better than by plain SVD', () => {
    const vocab = 40;
    const dim = 6;
    const t = { table: random(vocab * dim), vocab, dim };
    const ids = Float64Array.from({ length: vocab }, (_, i) => (i < 4 ? 1000 : 1));
    const k = 2;
    const f = fisher.table('e', t, { fisher: ids }, dim).slice(k) as Extract<Replacement, { kind: 'embedding' }>;
    const s = svd.table('e', t, {}, dim).slice(k) as Extract<Replacement, { kind: 'embedding' }>;
    const rowError = (r: typeof f, i: number) => {
      let e = 0;
      for (let j = 0; j < dim; j++) {
        let v = r.up.bias[j];
        for (let c = 0; c < k; c++) v += r.table[i * k + c] * r.up.kernel[c * dim + j];
        e += (v - t.table[i * dim + j]) ** 2;
      }
      return e;
    };
    const heavy = (r: typeof f) => [0, 1, 2, 3].reduce((a, i) => a + rowError(r, i), 0);
    expect(heavy(f)).toBeLessThan(heavy(s));
  });
});

describe('Fisher-weighted SVD on the demo DeepFM', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('gradients are collected, and a plan is built and scored like any other method', async () => {
    const demo = await openDemoModel('deepfm');
    const c = await compressorOf(demo.model);
    await c.collect(demo.encoding, demo.train, { gradients: true });
    expect(c.has('gradients')).toBe(true);
    const plan = { method: 'fisher-svd', denseRank: 64, embeddingRank: 4 };
    const built = c.build(c.uniformPlan(plan));
    expect(built.params).toBe(c.plannedParams({ ...plan, method: 'svd' }));
    const model = await c.loadNet(built);
    try {
      expect(auc(demo.test.labels, await predictProbs(model, demo.encoding, demo.test))).toBeGreaterThan(0.7);
    } finally {
      model.dispose();
    }
  });
});
