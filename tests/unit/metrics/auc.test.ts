import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auc } from '../../../src/core/metrics';
import { aucBruteForce } from '../../helpers/aucBruteForce';
import { codeOf } from '../../helpers/errors';
import { createRng } from '../../../src/core/random';

/** Rows as (label, score) pairs with at least one click and one non-click (rows 0 and 1 are forced). */
function rows<T>(score: fc.Arbitrary<T>, maxLength = 60) {
  return fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), score), { minLength: 2, maxLength }).map((r) => {
    const labels = r.map(([y]) => y);
    labels[0] = 1;
    labels[1] = 0;
    return { labels, scores: r.map(([, s]) => s) };
  });
}

describe('auc', () => {
  it('equals the brute-force pair count on integer scores (many ties)', () => {
    fc.assert(
      fc.property(rows(fc.integer({ min: -3, max: 3 })), ({ labels, scores }) => {
        expect(auc(labels, scores)).toBe(aucBruteForce(labels, scores));
      }),
      { numRuns: 500 },
    );
  });

  it('equals the brute-force pair count on doubles, including ±0, infinities and repeated values', () => {
    const score = fc.oneof(
      fc.double({ noNaN: true }),
      fc.constantFrom(0, -0, 1, 0.5, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE),
    );
    fc.assert(
      fc.property(rows(score, 80), ({ labels, scores }) => {
        expect(auc(labels, scores)).toBe(aucBruteForce(labels, scores));
      }),
      { numRuns: 500 },
    );
  });

  it('is 0.5 for constant scores, 1 for a perfect ranking and 0 for an inverted one', () => {
    const labels = [1, 0, 1, 0, 0, 1, 0];
    expect(
      auc(
        labels,
        labels.map(() => 0.3),
      ),
    ).toBe(0.5);
    expect(
      auc(
        labels,
        labels.map((y) => y + 0.1),
      ),
    ).toBe(1);
    expect(
      auc(
        labels,
        labels.map((y) => -y),
      ),
    ).toBe(0);
    expect(auc([1, 0], [Infinity, -Infinity])).toBe(1);
    expect(auc([1, 0], [0, -0])).toBe(0.5); // -0 and 0 are the same score
  });

  it('matches a small case worked by hand', () => {
    // clicks 0.8, 0.6, 0.3; non-clicks 0.6, 0.2, 0.1. Pairs won: 0.8 → 3, 0.6 → 2 + ½ (tie with 0.6), 0.3 → 2.
    // AUC = 7.5 / 9 = 5/6.
    expect(auc([1, 1, 1, 0, 0, 0], [0.8, 0.6, 0.3, 0.6, 0.2, 0.1])).toBeCloseTo(5 / 6, 15);
  });

  it('is invariant under strictly increasing transforms of the scores', () => {
    const transforms = [(s: number) => 2 * s + 1, (s: number) => s ** 3, (s: number) => Math.exp(s / 7), Math.atan];
    fc.assert(
      fc.property(rows(fc.integer({ min: -50, max: 50 })), ({ labels, scores }) => {
        const base = auc(labels, scores);
        for (const t of transforms) expect(auc(labels, scores.map(t))).toBe(base);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(rows(fc.double({ noNaN: true, min: -1e300, max: 1e300 })), ({ labels, scores }) => {
        expect(
          auc(
            labels,
            scores.map((s) => s * 4),
          ),
        ).toBe(auc(labels, scores)); // exact in floating point
      }),
    );
  });

  it('becomes 1 - AUC when the scores are negated', () => {
    fc.assert(
      fc.property(rows(fc.integer({ min: -5, max: 5 })), ({ labels, scores }) => {
        expect(
          auc(
            labels,
            scores.map((s) => -s),
          ),
        ).toBeCloseTo(1 - auc(labels, scores), 14);
      }),
    );
  });

  it('accepts typed arrays', () => {
    const labels = Uint8Array.from([1, 0, 1, 0]);
    const scores = Float32Array.from([0.9, 0.1, 0.4, 0.4]);
    expect(auc(labels, scores)).toBe(0.875);
  });

  it('is exact on 200k rows with heavy ties, against a count over score levels', () => {
    const rng = createRng(7);
    const n = 200_000;
    const levels = 20;
    const labels = new Uint8Array(n);
    const scores = new Float64Array(n);
    const posAt = new Float64Array(levels);
    const negAt = new Float64Array(levels);
    for (let i = 0; i < n; i++) {
      const level = Math.floor(rng() * levels);
      const y = rng() < 0.05 + level / 40 ? 1 : 0; // clicks more likely at higher levels
      labels[i] = y;
      scores[i] = level / 10;
      if (y) posAt[level]++;
      else negAt[level]++;
    }
    let wins = 0;
    let m = 0;
    let negBelow = 0;
    for (let l = 0; l < levels; l++) {
      wins += posAt[l] * (negBelow + negAt[l] / 2);
      negBelow += negAt[l];
      m += posAt[l];
    }
    expect(auc(labels, scores)).toBe(wins / (m * (n - m)));
  });

  it('rejects one class, NaN, bad labels, mismatched lengths and empty data with StudioErrors', () => {
    expect(codeOf(() => auc([1, 1, 1], [0.1, 0.2, 0.3]))).toBe('DATA_ONE_CLASS');
    expect(codeOf(() => auc([0, 0], [0.1, 0.2]))).toBe('DATA_ONE_CLASS');
    expect(codeOf(() => aucBruteForce([0, 0], [0.1, 0.2]))).toBe('DATA_ONE_CLASS');
    expect(codeOf(() => auc([1, 0], [0.1, NaN]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => auc([1, 2], [0.1, 0.2]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => auc([1, 0], [0.1]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => auc([], []))).toBe('DATA_EMPTY');
  });

  it('says in one sentence why AUC is undefined for one class and what to do', () => {
    try {
      auc([1, 1, 1], [0.1, 0.2, 0.3]);
      expect.unreachable();
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toMatch(/^AUC is undefined because all 3 labels are 1\b/);
      expect(message).toContain('both clicks and non-clicks');
      expect(message.split('. ').length).toBe(1);
    }
    expect(() => auc([0, 0], [1, 2])).toThrow(/all 2 labels are 0/);
    expect(() => auc([1, 0, 1], [0.1, 0.2, NaN])).toThrow(/row 3 is NaN/);
  });
});
