import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { SUB, tensorMoments } from '../../../src/tf/gram';
import { addBatch, blockMoments, createMoments, randomNormal, shiftedGramBound } from '../../../src/core/linalg';
import { createRng } from '../../../src/core/random';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/**
 * float32 rows with column j ~ offset + spread · (scale_j · N(0, 1) + a shared factor, so columns correlate).
 * At 1e6 float32 values are multiples of 1/16: a spread of 1000 keeps the products from being exact.
 */
function rowsOf(rows: number, dim: number, offset: number, seed: number, spread = 1): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const shared = randomNormal(rng);
    for (let j = 0; j < dim; j++) x[r * dim + j] = offset + spread * ((1 + (j % 5)) * randomNormal(rng) + 0.5 * shared);
  }
  return x;
}

/** The Float64 path on the same float32 values: the reference. */
function float64Moments(x: Float32Array, rows: number, dim: number) {
  const m = createMoments(dim);
  addBatch(m, x, rows);
  return m;
}

describe('moments from float32 Gram blocks on the wasm backend', () => {
  for (const [offset, spread, kernel] of [
    [0, 1, true],
    [1e6, 1000, true],
    [1e6, 1, true],
    [0, 1, false],
    [1e6, 1000, false],
    [1e6, 1, false],
  ] as const) {
    const how = kernel ? 'the SIMD Gram kernel' : "the backend's matMul";
    it(`match the Float64 path within the stated bound (mean offset ${offset}, spread ${spread}, ${how})`, async () => {
      const rows = 5000,
        dim = 37,
        block = 2048;
      const x = rowsOf(rows, dim, offset, 7, spread);
      const ref = float64Moments(x, rows, dim);
      const t = tf.tensor2d(x, [rows, dim]);
      const acc = await tensorMoments(t, block, { kernel });
      expect(acc.kernel).toBe(kernel);
      const moments = acc.moments();
      t.dispose();
      expect(moments.count).toBe(rows);
      expect(acc.k).toBe(SUB); // float32 sums over pieces of SUB rows
      let worstOfBound = 0;
      for (let i = 0; i < dim; i++) {
        expect(Math.abs(moments.mean[i] - ref.mean[i])).toBeLessThanOrEqual(1e-6 * (Math.abs(ref.mean[i]) + 1));
        for (let j = 0; j < dim; j++) {
          const err = Math.abs(moments.m2[i * dim + j] - ref.m2[i * dim + j]);
          // 1.01: the bound uses the computed diagonal sums, within γ_k of the exact ones.
          const bound = 1.01 * shiftedGramBound(acc.spread, acc.k, i, j);
          worstOfBound = Math.max(worstOfBound, err / bound);
        }
      }
      expect(worstOfBound).toBeLessThanOrEqual(1);
      // The bound is relative to the spread, not the mean: the covariance is good to ~1e-5 of its diagonal.
      for (let i = 0; i < dim; i++) {
        const rel = Math.abs(moments.m2[i * dim + i] - ref.m2[i * dim + i]) / ref.m2[i * dim + i];
        expect(rel).toBeLessThan(1e-5);
      }
    });
  }

  it('a layer too wide for per-piece products: one product per block, within the bound (k = block rows)', async () => {
    const rows = 700,
      dim = 30,
      block = 512;
    const x = rowsOf(rows, dim, 1e6, 9, 1000);
    const ref = float64Moments(x, rows, dim);
    const t = tf.tensor2d(x, [rows, dim]);
    const acc = await tensorMoments(t, block, { maxPieceValues: 1, kernel: false }); // any product is "too wide"
    t.dispose();
    expect(acc.k).toBe(block);
    const m = acc.moments();
    for (let i = 0; i < dim; i++)
      for (let j = 0; j < dim; j++)
        expect(Math.abs(m.m2[i * dim + j] - ref.m2[i * dim + j])).toBeLessThanOrEqual(
          1.01 * shiftedGramBound(acc.spread, acc.k, i, j),
        );
  });

  it('the bound needs the shift: the unshifted float32 product of 1e6-mean rows misses it', async () => {
    const rows = 3000,
      dim = 8;
    const x = rowsOf(rows, dim, 1e6, 5, 1000);
    const ref = float64Moments(x, rows, dim);
    const t = tf.tensor2d(x, [rows, dim]);
    const acc = await tensorMoments(t, rows, { kernel: false });
    const g = tf.tidy(() => tf.matMul(t.transpose(), t));
    const s = t.sum(0);
    const [gd, sd] = [await g.data(), await s.data()];
    tf.dispose([t, g, s]);
    const err = Math.abs(gd[0] - (sd[0] * sd[0]) / rows - ref.m2[0]);
    expect(err).toBeGreaterThan(shiftedGramBound(acc.spread, acc.k, 0, 0));
  });

  for (const kernel of [true, false]) {
    it(`symmetric output; a NaN in the rows is an INVALID_ARGUMENT error (kernel ${kernel})`, async () => {
      const x = rowsOf(300, 5, 3, 1);
      const t = tf.tensor2d(x, [300, 5]);
      const moments = (await tensorMoments(t, 128, { kernel })).moments();
      t.dispose();
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(moments.m2[i * 5 + j]).toBe(moments.m2[j * 5 + i]);
      x[17] = Number.NaN;
      const bad = tf.tensor2d(x, [300, 5]);
      await expect(tensorMoments(bad, 128, { kernel })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      bad.dispose();
    });
  }

  it('the kernel and the backend products agree, for widths that are and are not multiples of 8', async () => {
    for (const dim of [1, 7, 8, 9, 33]) {
      const rows = 700;
      const x = rowsOf(rows, dim, 10, dim);
      const t = tf.tensor2d(x, [rows, dim]);
      const a = (await tensorMoments(t, 512, { kernel: true })).moments();
      const b = (await tensorMoments(t, 512, { kernel: false })).moments();
      t.dispose();
      for (let i = 0; i < dim; i++) {
        expect(a.mean[i]).toBeCloseTo(b.mean[i], 5);
        for (let j = 0; j < dim; j++)
          expect(Math.abs(a.m2[i * dim + j] - b.m2[i * dim + j])).toBeLessThan(
            1e-4 * (Math.abs(b.m2[i * dim + i]) + 1),
          );
      }
    }
  });
});

describe('block moments from shifted sums (pure)', () => {
  it('exact sums in pieces give the exact moments, whatever the shift', () => {
    const rows = 40,
      dim = 3;
    const x = Float64Array.from(rowsOf(rows, dim, 100, 3));
    const ref = float64Moments(new Float32Array(x), rows, dim);
    for (const shift of [
      [0, 0, 0],
      [100, 99, 101],
      [-5, 7, 1e3],
    ]) {
      // Two pieces (rows 0..24, 25..39): products, then column sums, then the shift.
      const block = new Float64Array(2 * (dim * dim + dim) + dim);
      for (let r = 0; r < rows; r++) {
        const p = r < 25 ? 0 : 1;
        for (let i = 0; i < dim; i++) {
          const ci = x[r * dim + i] - shift[i];
          block[2 * dim * dim + p * dim + i] += ci;
          for (let j = 0; j < dim; j++) block[p * dim * dim + i * dim + j] += ci * (x[r * dim + j] - shift[j]);
        }
      }
      block.set(shift, 2 * (dim * dim + dim));
      const { moments: m } = blockMoments(dim, rows, block, 2);
      expect(m.count).toBe(rows);
      for (let i = 0; i < dim * dim; i++) expect(m.m2[i]).toBeCloseTo(ref.m2[i], 6);
      for (let i = 0; i < dim; i++) expect(m.mean[i]).toBeCloseTo(ref.mean[i], 9);
    }
  });
});
