import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { midranks, sortedOrder } from '../../../src/core/metrics';

describe('midranks', () => {
  it('gives tied values the mean of their ranks', () => {
    expect(Array.from(midranks([10, 20, 20, 5, 20]))).toEqual([2, 4, 4, 1, 4]);
    expect(Array.from(midranks([0, -0, 1]))).toEqual([1.5, 1.5, 3]);
    expect(Array.from(midranks([]))).toEqual([]);
  });

  it('equals 1 + (#smaller) + (#equal - 1) / 2 for every value', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 50 }), (v) => {
        const r = midranks(v);
        v.forEach((x, i) => {
          const smaller = v.filter((y) => y < x).length;
          const equal = v.filter((y) => y === x).length;
          expect(r[i]).toBe(1 + smaller + (equal - 1) / 2);
        });
      }),
    );
  });

  it('sortedOrder is a permutation that sorts the values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 50 }), (v) => {
        const order = Array.from(sortedOrder(v));
        expect([...order].sort((a, b) => a - b)).toEqual(v.map((_, i) => i));
        for (let k = 1; k < order.length; k++) expect(v[order[k - 1]] <= v[order[k]]).toBe(true);
      }),
    );
  });
});
