/** The studio's starting ranks: the default sweep fits the model's own break-even ranks. */
import { describe, expect, it } from 'vitest';
import { defaultSweep } from '../../../src/ui/defaults';
import type { LayerInfo } from '../../../src/engine/protocol';

const dense = (name: string, breakEvenRank: number) =>
  ({
    name,
    kind: 'dense',
    compressible: true,
    breakEvenRank,
    shape: { dIn: 4 * breakEvenRank, dOut: 4 * breakEvenRank },
  }) as unknown as LayerInfo;
const plan = { method: 'afm' as const, denseRank: 2, embeddingRank: 1 };

describe('defaultSweep', () => {
  it('sweeps 16-128 on a CTR tower and the powers of two below break-even on a small model', () => {
    expect(defaultSweep([dense('a', 200), dense('b', 150)], plan, ['afm']).denseRanks).toEqual([16, 32, 64, 128]);
    expect(defaultSweep([dense('a', 40)], plan, ['afm']).denseRanks).toEqual([16, 32]);
    expect(defaultSweep([dense('a', 9), dense('b', 5)], plan, ['afm']).denseRanks).toEqual([1, 2, 4, 8]);
    expect(defaultSweep([dense('a', 1)], plan, ['afm']).denseRanks).toEqual([1]);
    expect(defaultSweep([], plan, ['afm']).denseRanks).toEqual([null]);
  });
});
