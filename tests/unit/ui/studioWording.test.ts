/**
 * The pure parts of the studio's wording: the verdict on an AUC change, the ranks layers really get (shown
 * under the sliders after automatic ranks), and each method's frontier on the AUC-size chart.
 */
import { describe, expect, it } from 'vitest';
import { significance } from '../../../src/ui/AucChange';
import { paretoFront, type FrontierDatum } from '../../../src/ui/charts/frontierData';
import { layerRanks, rankSpread } from '../../../src/ui/layerRanks';
import type { LayerInfo, UniformPlan } from '../../../src/engine/protocol';

describe('significance of an AUC change', () => {
  it('is a loss only when the whole interval is below zero, a gain when above, else noise', () => {
    expect(significance({ diff: -0.0514, low: -0.0695, high: -0.0333 })).toBe('loss');
    expect(significance({ diff: -0.0007, low: -0.0016, high: 0.0003 })).toBe('noise');
    expect(significance({ diff: 0.002, low: 0.0001, high: 0.004 })).toBe('gain');
    expect(significance({ diff: 0, low: 0, high: 0 })).toBe('noise');
  });
});

const dense = (name: string, breakEvenRank: number) =>
  ({ name, kind: 'dense', compressible: true, breakEvenRank }) as unknown as LayerInfo;
const table = (name: string, breakEvenRank: number) =>
  ({ name, kind: 'embedding', compressible: true, breakEvenRank }) as unknown as LayerInfo;

describe('the ranks layers get under a plan', () => {
  const inventory = [dense('d0', 100), dense('d1', 100), dense('d2', 10), table('e0', 8)];

  it('follow the kind slider unless set per layer; above break-even a layer is kept', () => {
    const plan: UniformPlan = { method: 'afm', denseRank: 32, embeddingRank: 4, overrides: { d1: 8 } };
    const r = layerRanks(inventory, plan);
    expect(r.map((x) => [x.layer, x.effective, x.overridden])).toEqual([
      ['d0', 32, false],
      ['d1', 8, true],
      ['d2', null, false],
      ['e0', 4, false],
    ]);
  });

  it('are summarised as a span with the kept ones counted', () => {
    const plan: UniformPlan = {
      method: 'afm',
      denseRank: null,
      embeddingRank: null,
      overrides: { d0: 64, d1: 8, d2: null, e0: 2 },
    };
    const r = layerRanks(inventory, plan);
    expect(rankSpread(r.filter((x) => x.kind === 'dense'))).toBe('8–64, 1 kept');
    expect(rankSpread(r.filter((x) => x.kind === 'embedding'))).toBe('2');
    expect(rankSpread(r.filter((x) => x.layer === 'd2'))).toBe('all kept');
    expect(rankSpread([])).toBe('');
  });
});

describe('the frontier of a method', () => {
  const at = (x: number, y: number) => ({ kind: 'current', x, y, params: x * 1000, auc: y }) as FrontierDatum;

  it('keeps, smallest first, the points no smaller point beats on AUC', () => {
    const front = paretoFront([at(300, 0.73), at(50, 0.72), at(100, 0.71), at(150, 0.735), at(150, 0.7)]);
    expect(front.map((d) => [d.x, d.y])).toEqual([
      [50, 0.72],
      [150, 0.735],
    ]);
  });
});
