/** AUC against parameters for every sweep point (the compression frontier), the original and the current plan. */
import { memo } from 'react';
import type { BaselineInfo, SweepPointInfo } from '../../engine/protocol';
import { ChartFrame } from './ChartFrame';
import { frontierData } from './frontierData';
import { FrontierPlot } from './FrontierPlot';

export interface FrontierChartProps {
  points: SweepPointInfo[];
  baseline: BaselineInfo | null;
  /** The plan being looked at, highlighted with a ring. */
  current?: { params: number; auc: number } | null;
}

/** The frontier chart: every sweep point by size and AUC, with the original and the current plan. */
export const FrontierChart = memo(function FrontierChart({ points, baseline, current }: FrontierChartProps) {
  const frontier = frontierData(points, baseline, current);
  const empty = points.length === 0 ? 'No sweep yet: run a rank sweep to see AUC against size.' : null;
  return (
    <ChartFrame
      testId="chart-frontier"
      title="Test AUC against model size"
      emptyMessage={empty}
      legend={frontier.legend}
      caption={
        frontier.frontiers.length > 0
          ? "Each method's line joins its points that no smaller point beats: the best AUC it reaches for a size."
          : undefined
      }
    >
      <FrontierPlot {...frontier} />
    </ChartFrame>
  );
});
