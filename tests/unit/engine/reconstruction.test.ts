/**
 * AFM's optimality on real data: at rank k a layer's reconstruction error on the calibration rows equals
 * n × (sum of the dropped eigenvalues) to 1e-6, the analytic error from the statistics matches a direct
 * count, and SVD is never better. Checked on the demo DeepFM's Dense layers and embedding tables, computing
 * every output directly from the rows (Float64), not from the statistics.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import type { TfCompressor } from '../../helpers/compressor';
import { makeInputs, planFeed } from '../../../src/tf/feed';
import { matmul } from '../../../src/core/linalg';
import { denseReplacementError, embeddingReplacementError } from '../../../src/core/compress/error';
import type { Replacement } from '../../../src/core/layers';
import { calibratedDemo, type DemoModel } from '../../helpers/demo';

let demo: DemoModel;
let c: TfCompressor;

beforeAll(async () => {
  ({ demo, c } = await calibratedDemo('deepfm'));
}, 120_000);

/** The rows of a layer's input on the calibration rows, as Float64 (n × width). */
async function layerInputs(name: string): Promise<{ x: Float64Array; n: number; width: number }> {
  const input = demo.model.getLayer(name).input as tf.SymbolicTensor;
  const probe = tf.model({ inputs: demo.model.inputs, outputs: input });
  const feed = makeInputs(planFeed(demo.model, demo.encoding), demo.train, { start: 0, end: demo.train.rows });
  const out = probe.predict(feed, { batchSize: demo.train.rows }) as tf.Tensor;
  const x = Float64Array.from(await out.data());
  tf.dispose([out, ...feed]);
  const width = input.shape[input.shape.length - 1] as number;
  return { x, n: x.length / width, width };
}

function sumSquaredDiff(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

function tail(values: Float64Array, k: number): number {
  let s = 0;
  for (let j = k; j < values.length; j++) s += values[j];
  return s;
}

/** Outputs of a Dense replacement (xA + a)B + c, in Float64. */
function denseReplacementOutputs(
  x: Float64Array,
  n: number,
  dIn: number,
  dOut: number,
  r: Extract<Replacement, { kind: 'dense' }>,
): Float64Array {
  const h = matmul(x, Float64Array.from(r.first.kernel), n, dIn, r.rank);
  for (let i = 0; i < n; i++) for (let q = 0; q < r.rank; q++) h[i * r.rank + q] += r.first.bias[q];
  const y = matmul(h, Float64Array.from(r.second.kernel), n, r.rank, dOut);
  for (let i = 0; i < n; i++) for (let j = 0; j < dOut; j++) y[i * dOut + j] += r.second.bias[j];
  return y;
}

describe.each(['deep_0', 'deep_1', 'deep_2'])('Dense %s', (name) => {
  it('AFM error = n × dropped eigenvalues, and never above SVD', async () => {
    const [kernel, bias] = demo.model.getLayer(name).getWeights();
    const [dIn, dOut] = kernel.shape;
    const W = Float64Array.from(await kernel.data());
    const b = await bias.data();
    const { x, n } = await layerInputs(name);
    expect(n).toBe(demo.train.rows);
    const y = matmul(x, W, n, dIn, dOut);
    for (let i = 0; i < n; i++) for (let j = 0; j < dOut; j++) y[i * dOut + j] += b[j];
    const afm = c.decomposition(name, 'afm');
    const svd = c.decomposition(name, 'svd');
    const { mean, vectors, cols } = afm.basis!;
    for (const k of [8, 32, 64, 128]) {
      // The projection itself, in Float64: y' = μ + (y − μ) U_k U_kᵀ.
      const centered = y.map((v, i) => v - mean[i % dOut]);
      const Uk = new Float64Array(dOut * k);
      for (let j = 0; j < dOut; j++) for (let q = 0; q < k; q++) Uk[j * k + q] = vectors[j * cols + q];
      const coeff = matmul(centered, Uk, n, dOut, k);
      const UkT = new Float64Array(k * dOut);
      for (let j = 0; j < dOut; j++) for (let q = 0; q < k; q++) UkT[q * dOut + j] = Uk[j * k + q];
      const rec = matmul(coeff, UkT, n, k, dOut);
      const err = sumSquaredDiff(centered, rec);
      const predicted = n * tail(afm.spectrum, k);
      expect(Math.abs(err - predicted) / predicted).toBeLessThanOrEqual(1e-6);

      // The replacement as shipped (float32 weights) agrees with its analytic error from the statistics.
      const r = afm.slice(k) as Extract<Replacement, { kind: 'dense' }>;
      const errAfm = sumSquaredDiff(y, denseReplacementOutputs(x, n, dIn, dOut, r));
      const analytic =
        n *
        denseReplacementError(
          { kernel: Float32Array.from(W), bias: b as Float32Array, dIn, dOut },
          c.statistics!.denseInputs.get(name)!,
          r,
        ).meanSquaredError;
      expect(Math.abs(errAfm - analytic) / errAfm).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(errAfm - predicted) / predicted).toBeLessThanOrEqual(1e-3);

      const errSvd = sumSquaredDiff(
        y,
        denseReplacementOutputs(x, n, dIn, dOut, svd.slice(k) as Extract<Replacement, { kind: 'dense' }>),
      );
      expect(errAfm).toBeLessThanOrEqual(errSvd);
    }
  });
});

describe.each(['emb_C3', 'emb_C11', 'emb_C26'])('Embedding %s', (name) => {
  it('AFM error = n × dropped eigenvalues over the looked-up rows, and never above SVD', async () => {
    const [table] = demo.model.getLayer(name).getWeights();
    const [vocab, dim] = table.shape;
    const E = Float64Array.from(await table.data());
    const counts = c.statistics!.idCounts.get(name)!;
    const n = counts.reduce((a, v) => a + v, 0);
    expect(n).toBe(demo.train.rows);
    const afm = c.decomposition(name, 'afm');
    const svd = c.decomposition(name, 'svd');
    const { mean, vectors, cols } = afm.basis!;
    const errorOf = (reconstruct: (i: number, j: number) => number) => {
      let s = 0;
      for (let i = 0; i < vocab; i++)
        for (let j = 0; j < dim; j++) if (counts[i] > 0) s += counts[i] * (E[i * dim + j] - reconstruct(i, j)) ** 2;
      return s;
    };
    for (const k of [1, 2, 4, 8]) {
      const proj = (i: number, j: number) => {
        let v = mean[j];
        for (let q = 0; q < k; q++) {
          let coeff = 0;
          for (let t = 0; t < dim; t++) coeff += (E[i * dim + t] - mean[t]) * vectors[t * cols + q];
          v += coeff * vectors[j * cols + q];
        }
        return v;
      };
      const predicted = n * tail(afm.spectrum, k);
      expect(Math.abs(errorOf(proj) - predicted) / predicted).toBeLessThanOrEqual(1e-6);
      const fromReplacement = (r: Replacement) => {
        const e = r as Extract<Replacement, { kind: 'embedding' }>;
        return errorOf((i, j) => {
          let v = e.up.bias[j];
          for (let q = 0; q < k; q++) v += e.table[i * k + q] * e.up.kernel[q * dim + j];
          return v;
        });
      };
      const errAfm = fromReplacement(afm.slice(k));
      const analytic =
        n *
        embeddingReplacementError(
          { table: Float32Array.from(E), vocab, dim },
          counts,
          afm.slice(k) as Extract<Replacement, { kind: 'embedding' }>,
        ).meanSquaredError;
      expect(Math.abs(errAfm - analytic) / errAfm).toBeLessThanOrEqual(1e-6);
      expect(errAfm).toBeLessThanOrEqual(fromReplacement(svd.slice(k)));
    }
  });
});
