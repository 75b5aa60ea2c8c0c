/** Sweep points at one embedding rank as chart rows, one per dense rank, each method under its own key. */
import type { SweepPointInfo } from '../../engine/protocol';

type Method = string;
import { METHODS, rankLabel, sortRanks } from './theme';

/** One dense rank: each method's point, and the values a chart plots under keys it chooses. */
export interface RankRow {
  rank: string;
  points: Partial<Record<Method, SweepPointInfo>>;
  [key: string]: unknown;
}

export interface SweepRows {
  shown: SweepPointInfo[];
  rows: RankRow[];
  /** Methods with points, in METHODS order. */
  present: Method[];
  /** "embedding rank 4" or "embeddings kept". */
  embLabel: string;
}

/** The points with `embeddingRank`, by dense rank ("keep" last); `fill` writes a point's plotted values. */
export function sweepRows(
  points: SweepPointInfo[],
  embeddingRank: number | null,
  fill: (row: RankRow, p: SweepPointInfo) => void,
): SweepRows {
  const shown = points.filter((p) => p.embeddingRank === embeddingRank);
  const ranks = sortRanks(shown.map((p) => p.denseRank));
  const rows: RankRow[] = ranks.map((r) => ({ rank: rankLabel(r), points: {} }));
  for (const p of shown) {
    const row = rows[ranks.indexOf(p.denseRank)];
    row.points[p.method] = p;
    fill(row, p);
  }
  return {
    shown,
    rows,
    present: METHODS.filter((m) => shown.some((p) => p.method === m)),
    embLabel: embeddingRank === null ? 'embeddings kept' : `embedding rank ${embeddingRank}`,
  };
}

/** What an empty rank chart says: no sweep yet, or none at this embedding rank. */
export function sweepEmptyMessage(s: SweepRows, points: SweepPointInfo[], against: string): string | null {
  if (s.shown.length > 0) return null;
  return points.length === 0
    ? `No sweep yet: run a rank sweep to see ${against} against rank.`
    : `No sweep points with ${s.embLabel}.`;
}

/** A tooltip heading for a row. */
export const rankHeading = (row: RankRow): string =>
  row.rank === 'keep' ? 'Dense layers kept' : `Dense rank ${row.rank}`;
