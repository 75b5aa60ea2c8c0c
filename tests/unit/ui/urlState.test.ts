import { describe, expect, it } from 'vitest';
import { formatUrlState, parseUrlState } from '../../../src/ui/urlState';

describe('URL state', () => {
  it('round-trips demo, method, ranks and per-layer overrides', () => {
    const plan = {
      method: 'svd' as const,
      denseRank: 32,
      embeddingRank: null,
      overrides: { deep_0: 16, emb_C3: null },
    };
    const back = parseUrlState(formatUrlState({ demo: 'dcnv2', plan }));
    expect(back).toEqual({ demo: 'dcnv2', plan });
  });

  it('ignores what it cannot read instead of failing', () => {
    expect(parseUrlState('#method=pca&dense=-3&emb=x&layers=deep_0:zz')).toEqual({
      demo: null,
      plan: { overrides: {} },
    });
    expect(parseUrlState('')).toEqual({ demo: null, plan: {} });
  });
});
