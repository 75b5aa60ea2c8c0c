/** Parameter count against the dense rank, one line per method, with the original's count. */
import { memo } from 'react';
import type { SweepPointInfo } from '../../engine/protocol';
import { ChartFrame } from './ChartFrame';
import { rankParamsData } from './rankParamsData';
import { RankParamsPlot } from './RankParamsPlot';

export interface RankParamsChartProps {
  points: SweepPointInfo[];
  /** Parameters of the original model (null = not known yet). */
  baselineParams: number | null;
  /** Only the points with this embedding rank are drawn (null = embeddings kept). */
  embeddingRank: number | null;
}

/** The rank/parameters chart of the sweep points at one embedding rank. */
export const RankParamsChart = memo(function RankParamsChart({
  points,
  baselineParams,
  embeddingRank,
}: RankParamsChartProps) {
  const { sweep, y, same, legend, empty } = rankParamsData(points, baselineParams, embeddingRank);
  return (
    <ChartFrame
      testId="chart-rank-params"
      title={
        <>
          Parameters by dense rank <small>{sweep.embLabel}</small>
        </>
      }
      emptyMessage={empty}
      legend={legend}
    >
      <RankParamsPlot rows={sweep.rows} present={sweep.present} same={same} baselineParams={baselineParams} y={y} />
    </ChartFrame>
  );
});
