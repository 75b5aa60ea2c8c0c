import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random';
import {
  addBatch,
  covariance,
  createMoments,
  deserializeMoments,
  mergeMoments,
  randomNormal,
  serializeMoments,
  type Moments,
} from '../../../src/core/linalg';
import { codeOf, maxDiff, randomMatrix } from './helpers';

/** Two-pass Float64 reference: exact mean first, then Σ (x − μ)(x − μ)ᵀ / n, with optional weights. */
function reference(data: ArrayLike<number>, rows: number, dim: number, weights?: ArrayLike<number>) {
  const mean = new Float64Array(dim);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const w = weights ? weights[r] : 1;
    n += w;
    for (let j = 0; j < dim; j++) mean[j] += w * data[r * dim + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= n;
  const cov = new Float64Array(dim * dim);
  for (let r = 0; r < rows; r++) {
    const w = weights ? weights[r] : 1;
    for (let i = 0; i < dim; i++) {
      const di = data[r * dim + i] - mean[i];
      for (let j = 0; j < dim; j++) cov[i * dim + j] += (w * di * (data[r * dim + j] - mean[j])) / n;
    }
  }
  return { n, mean, cov };
}

/** max |a − b| / max |b|. */
function relErr(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s = Math.max(s, Math.abs(b[i]));
  return maxDiff(a, b) / s;
}

/** Moments of rows [r0, r1) of data. */
function momentsOf(data: Float64Array, dim: number, r0: number, r1: number, weights?: Float64Array): Moments {
  const m = createMoments(dim);
  addBatch(m, data.subarray(r0 * dim, r1 * dim), r1 - r0, weights?.subarray(r0, r1));
  return m;
}

describe('moments', () => {
  it('huge mean offset: 1e6 + N(0,1) gives the two-pass covariance to 1e-9', () => {
    const rows = 3000,
      dim = 9,
      rng = createRng(42);
    const data = new Float64Array(rows * dim);
    for (let i = 0; i < data.length; i++) data[i] = 1e6 + randomNormal(rng) * (1 + (i % dim));
    const ref = reference(data, rows, dim);
    const m = createMoments(dim);
    // Uneven batches, the way a data loader would deliver them.
    let r = 0;
    for (const size of [1, 700, 3, 1200, 96, 1000]) {
      addBatch(m, data.subarray(r * dim, (r + size) * dim), size);
      r += size;
    }
    expect(r).toBe(rows);
    expect(m.count).toBe(rows);
    expect(relErr(covariance(m), ref.cov)).toBeLessThan(1e-9);
    expect(relErr(m.mean, ref.mean)).toBeLessThan(1e-14);
  });

  it('same in Float32 input (values exactly representable), and the result is symmetric', () => {
    const rows = 800,
      dim = 6,
      rng = createRng(5);
    const data = new Float32Array(rows * dim);
    for (let i = 0; i < data.length; i++) data[i] = 4096 + Math.round(randomNormal(rng) * 64) / 64;
    const ref = reference(data, rows, dim);
    const m = createMoments(dim);
    addBatch(m, data, rows);
    const c = covariance(m);
    expect(relErr(c, ref.cov)).toBeLessThan(1e-9);
    expect(
      maxDiff(
        c,
        Float64Array.from({ length: dim * dim }, (_, k) => c[(k % dim) * dim + Math.floor(k / dim)]),
      ),
    ).toBe(0);
  });

  it('merging any split equals one pass (property), and merge is associative and commutative', () => {
    const dim = 5,
      rows = 120;
    const data = randomMatrix(rows, dim, 3).map((x, i) => x * 3 + 100 * (i % dim));
    const whole = momentsOf(data, dim, 0, rows);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: rows - 1 }), { minLength: 2, maxLength: 2 }), ([x, y]) => {
        const [p, q] = x < y ? [x, y] : [y, x];
        const a = momentsOf(data, dim, 0, p),
          b = momentsOf(data, dim, p, q),
          c = momentsOf(data, dim, q, rows);
        for (const merged of [
          mergeMoments(mergeMoments(a, b), c),
          mergeMoments(a, mergeMoments(b, c)),
          mergeMoments(c, mergeMoments(b, a)),
        ]) {
          expect(merged.count).toBe(rows);
          expect(relErr(merged.mean, whole.mean)).toBeLessThan(1e-13);
          expect(relErr(merged.m2, whole.m2)).toBeLessThan(1e-12);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('merging with empty moments changes nothing, and merge does not modify its inputs', () => {
    const data = randomMatrix(30, 4, 8);
    const a = momentsOf(data, 4, 0, 30);
    const snap = a.m2.slice();
    const e = createMoments(4);
    expect(maxDiff(mergeMoments(a, e).m2, a.m2)).toBe(0);
    expect(maxDiff(mergeMoments(e, a).m2, a.m2)).toBe(0);
    expect(maxDiff(a.m2, snap)).toBe(0);
    expect(e.count).toBe(0);
  });

  it(
    'integer weights equal repeating rows; weight 0 drops a row; fractional weights ' + 'match the weighted reference',
    () => {
      const rows = 40,
        dim = 3;
      const data = randomMatrix(rows, dim, 9).map((x) => x + 50);
      const weights = Float64Array.from({ length: rows }, (_, r) => r % 4); // 0, 1, 2, 3, ...
      const repeated: number[] = [];
      for (let r = 0; r < rows; r++)
        for (let k = 0; k < weights[r]; k++) repeated.push(...data.subarray(r * dim, r * dim + dim));
      const w = momentsOf(data, dim, 0, rows, weights);
      const rep = momentsOf(Float64Array.from(repeated), dim, 0, repeated.length / dim);
      expect(w.count).toBe(rep.count);
      expect(relErr(w.mean, rep.mean)).toBeLessThan(1e-14);
      expect(relErr(w.m2, rep.m2)).toBeLessThan(1e-12);

      const frac = Float64Array.from({ length: rows }, (_, r) => 0.1 + (r % 7) * 0.37);
      const ref = reference(data, rows, dim, frac);
      const m = momentsOf(data, dim, 0, rows, frac);
      expect(Math.abs(m.count - ref.n)).toBeLessThan(1e-12);
      expect(relErr(covariance(m), ref.cov)).toBeLessThan(1e-12);
    },
  );

  it('handles more rows than one internal chunk, and dimension 1', () => {
    const rows = 1500,
      dim = 2;
    const data = randomMatrix(rows, dim, 10);
    const ref = reference(data, rows, dim);
    expect(relErr(covariance(momentsOf(data, dim, 0, rows)), ref.cov)).toBeLessThan(1e-12);
    const one = createMoments(1);
    addBatch(one, new Float64Array([1, 2, 3, 4]), 4);
    expect(one.mean[0]).toBe(2.5);
    expect(covariance(one)[0]).toBeCloseTo(1.25, 14);
  });

  it('round-trips through the binary format exactly, and rejects corrupt buffers', () => {
    const m = momentsOf(randomMatrix(50, 7, 11), 7, 0, 50);
    const buf = serializeMoments(m);
    expect(buf.byteLength).toBe(24 + 8 * (7 + 28));
    const back = deserializeMoments(buf);
    expect(back.dim).toBe(7);
    expect(back.count).toBe(50);
    expect(maxDiff(back.mean, m.mean)).toBe(0);
    expect(maxDiff(back.m2, m.m2)).toBe(0);
    expect(String.fromCharCode(...new Uint8Array(buf, 0, 4))).toBe('CTRM');

    expect(codeOf(() => deserializeMoments(buf.slice(0, buf.byteLength - 8)))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => deserializeMoments(new ArrayBuffer(10)))).toBe('INVALID_ARGUMENT');
    const wrongMagic = buf.slice(0);
    new DataView(wrongMagic).setUint32(0, 0, true);
    expect(codeOf(() => deserializeMoments(wrongMagic))).toBe('INVALID_ARGUMENT');
    const wrongVersion = buf.slice(0);
    new DataView(wrongVersion).setUint16(4, 9, true);
    expect(codeOf(() => deserializeMoments(wrongVersion))).toBe('INVALID_ARGUMENT');
  });

  it('rejects bad input with INVALID_ARGUMENT', () => {
    const m = createMoments(2);
    expect(codeOf(() => createMoments(0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => addBatch(m, new Float64Array(3), 2))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => addBatch(m, new Float64Array([1, Number.NaN]), 1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => addBatch(m, new Float64Array(4), 2, new Float64Array([1, -1])))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => addBatch(m, new Float64Array(4), 2, new Float64Array([1])))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => covariance(m))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => mergeMoments(m, createMoments(3)))).toBe('INVALID_ARGUMENT');
  });
});
