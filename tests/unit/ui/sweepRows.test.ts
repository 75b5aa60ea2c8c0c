/** The rank charts' rows: every method keeps its own points (sequential AFM no longer lands in SVD's slot). */
import { describe, expect, it } from 'vitest';
import { sweepEmptyMessage, sweepRows } from '../../../src/ui/charts/sweepRows';
import type { SweepPointInfo } from '../../../src/engine/protocol';

const point = (
  method: SweepPointInfo['method'],
  denseRank: number | null,
  auc: number,
  embeddingRank: number | null = 4,
) =>
  ({
    method,
    denseRank,
    embeddingRank,
    auc,
    params: 1000,
    paramRatio: 0.5,
    delong: { diff: 0, low: 0, high: 0 },
  }) as unknown as SweepPointInfo;

describe('sweepRows', () => {
  it('puts each method under its own key, ranks ascending with keep last, only at the chosen embedding rank', () => {
    const points = [
      point('svd', 32, 0.71),
      point('afm-seq', 16, 0.73),
      point('afm', 16, 0.72),
      point('svd', 16, 0.7),
      point('afm', null, 0.74),
      point('afm', 16, 0.6, 8),
    ];
    const s = sweepRows(points, 4, (row, p) => (row[p.method] = p.auc));
    expect(s.rows.map((r) => r.rank)).toEqual(['16', '32', 'keep']);
    expect(s.rows[0]).toMatchObject({ afm: 0.72, 'afm-seq': 0.73, svd: 0.7 });
    expect(s.rows[0].points.svd!.auc).toBe(0.7);
    expect(s.rows[0].points['afm-seq']!.auc).toBe(0.73);
    expect(s.present).toEqual(['afm', 'afm-seq', 'svd']);
    expect(s.embLabel).toBe('embedding rank 4');
    expect(sweepEmptyMessage(s, points, 'AUC')).toBeNull();
    const none = sweepRows(points, null, () => {});
    expect(sweepEmptyMessage(none, points, 'AUC')).toBe('No sweep points with embeddings kept.');
    expect(
      sweepEmptyMessage(
        sweepRows([], 4, () => {}),
        [],
        'AUC',
      ),
    ).toBe('No sweep yet: run a rank sweep to see AUC against rank.');
  });
});
