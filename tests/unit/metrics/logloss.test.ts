import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logLoss, logLossFromLogits, sigmoid } from '../../../src/core/metrics';
import { codeOf } from '../../helpers/errors';

/** The textbook formula, term by term, with the same clipping. */
function direct(labels: number[], probs: number[], eps: number): number {
  let s = 0;
  labels.forEach((y, i) => {
    const p = Math.min(Math.max(probs[i], eps), 1 - eps);
    s += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
  });
  return s / labels.length;
}

const labelled = <T>(value: fc.Arbitrary<T>) =>
  fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), value), { minLength: 1, maxLength: 50 }).map((r) => ({
    labels: r.map(([y]) => y),
    values: r.map(([, v]) => v),
  }));

describe('logLoss', () => {
  it('is ln 2 for coin-flip predictions and 0 for certain, correct ones (up to the clipping)', () => {
    expect(logLoss([1, 0], [0.5, 0.5])).toBeCloseTo(Math.LN2, 15);
    expect(logLoss([1, 0], [1, 0], 0)).toBe(0);
    expect(logLoss([1, 0], [1, 0])).toBeCloseTo(-Math.log1p(-1e-7), 15);
  });

  it('matches the direct formula on random data', () => {
    fc.assert(
      fc.property(labelled(fc.double({ min: 0, max: 1, noNaN: true })), ({ labels, values }) => {
        const got = logLoss(labels, values);
        expect(Math.abs(got - direct(labels, values, 1e-7))).toBeLessThanOrEqual(1e-12 * Math.max(1, got));
      }),
    );
  });

  it('clips 0 and 1 to [eps, 1 - eps], so a certain mistake costs -ln(eps)', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-7), 12);
    expect(logLoss([0], [1], 1e-3)).toBeCloseTo(-Math.log(1e-3), 12);
    expect(logLoss([1], [0], 0)).toBe(Infinity);
  });

  it('accepts soft labels in [0, 1]', () => {
    expect(logLoss([0.25], [0.5])).toBeCloseTo(Math.LN2, 15);
    expect(logLoss([0.3], [0.3])).toBeCloseTo(-(0.3 * Math.log(0.3) + 0.7 * Math.log(0.7)), 15);
  });

  it('rejects bad input with StudioErrors', () => {
    expect(codeOf(() => logLoss([1], [1.5]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => logLoss([1], [-0.1]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => logLoss([1], [NaN]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => logLoss([2], [0.5]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => logLoss([1, 0], [0.5]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => logLoss([1], [0.5], 0.5))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => logLoss([], []))).toBe('DATA_EMPTY');
    expect(() => logLoss([1, 0], [0.5, NaN])).toThrow(/probability in row 2 is NaN/);
  });
});

describe('logLossFromLogits and sigmoid', () => {
  it('agrees with logLoss(sigmoid(z)) for moderate logits', () => {
    // Beyond |z| ≈ 5, rounding sigmoid(z) near 1 already costs the probability route more than 1e-12.
    fc.assert(
      fc.property(labelled(fc.double({ min: -5, max: 5, noNaN: true })), ({ labels, values }) => {
        const fromLogits = logLossFromLogits(labels, values);
        const fromProbs = logLoss(labels, values.map(sigmoid), 0);
        expect(Math.abs(fromLogits - fromProbs)).toBeLessThanOrEqual(1e-12 * Math.max(1, fromLogits));
      }),
    );
  });

  it('stays exact for large |logit|, where the naive formula overflows or rounds to 0', () => {
    // Correct and confident: the loss is log(1 + e^-|z|) (mpmath values), where 1 - sigmoid(z) has no digits left.
    const rel = (a: number, b: number) => Math.abs(a - b) / b;
    expect(rel(logLossFromLogits([1], [30]), 9.3576229688397367794e-14)).toBeLessThan(1e-15);
    expect(rel(logLossFromLogits([0], [-40]), 4.2483542552915889863e-18)).toBeLessThan(1e-15);
    expect(rel(logLossFromLogits([1], [40]), 4.2483542552915889863e-18)).toBeLessThan(1e-15);
    expect(sigmoid(40)).toBe(1);
    expect(logLoss([1], [sigmoid(40)], 0)).toBe(0); // the probability route has lost it
    expect(logLossFromLogits([1], [1000])).toBe(0);
    // Wrong and confident: the loss is |z| (+ log(1 + e^-|z|)), where -log(sigmoid(-1000)) would be Infinity.
    expect(logLossFromLogits([0], [1000])).toBe(1000);
    expect(logLossFromLogits([1], [-800])).toBe(800);
    expect(-Math.log(1 / (1 + Math.exp(800)))).toBe(Infinity); // the naive way
    expect(logLossFromLogits([1, 0], [-800, 800])).toBe(800);
    // Infinite logits: the limits.
    expect(logLossFromLogits([1, 0], [Infinity, -Infinity])).toBe(0);
    expect(logLossFromLogits([0], [Infinity])).toBe(Infinity);
  });

  it('is symmetric: flipping the label and the logit sign gives the same loss', () => {
    fc.assert(
      fc.property(labelled(fc.double({ min: -1e6, max: 1e6, noNaN: true })), ({ labels, values }) => {
        const flipped = logLossFromLogits(
          labels.map((y) => 1 - y),
          values.map((z) => -z),
        );
        expect(flipped).toBe(logLossFromLogits(labels, values));
      }),
    );
  });

  it('sigmoid is stable at both ends and symmetric', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(-700)).toBeGreaterThan(0);
    expect(sigmoid(-700) / Math.exp(-700)).toBeCloseTo(1, 14);
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (z) => {
        expect(Math.abs(sigmoid(z) + sigmoid(-z) - 1)).toBeLessThanOrEqual(2.3e-16);
      }),
    );
  });

  it('rejects NaN logits and mismatched lengths', () => {
    expect(codeOf(() => logLossFromLogits([1], [NaN]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => logLossFromLogits([1, 0], [1]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => logLossFromLogits([], []))).toBe('DATA_EMPTY');
  });
});
