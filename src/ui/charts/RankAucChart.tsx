/** Test AUC against the dense rank, one line per method, with the DeLong 95% band and the original's AUC. */
import { memo } from 'react';
import type { BaselineInfo, SweepPointInfo } from '../../engine/protocol';
import { ChartFrame } from './ChartFrame';
import { rankAucData } from './rankAucData';
import { RankAucPlot } from './RankAucPlot';

export interface RankAucChartProps {
  points: SweepPointInfo[];
  baseline: BaselineInfo | null;
  /** Only the points with this embedding rank are drawn (null = embeddings kept). */
  embeddingRank: number | null;
}

/** The rank/AUC chart of the sweep points at one embedding rank. */
export const RankAucChart = memo(function RankAucChart({ points, baseline, embeddingRank }: RankAucChartProps) {
  const { sweep, y, legend, empty } = rankAucData(points, baseline, embeddingRank);
  return (
    <ChartFrame
      testId="chart-rank-auc"
      title={
        <>
          Test AUC by dense rank <small>{sweep.embLabel}</small>
        </>
      }
      emptyMessage={empty}
      legend={legend}
    >
      <RankAucPlot rows={sweep.rows} present={sweep.present} baseline={baseline} y={y} />
    </ChartFrame>
  );
});
