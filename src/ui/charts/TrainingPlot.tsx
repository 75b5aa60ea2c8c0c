/**
 * The plot of the training chart: log loss on the left axis and validation AUC on the right, per epoch.
 * Hand-drawn SVG: recharts spent 50–100 ms redrawing it per epoch.
 */
import { memo, useCallback, useMemo } from 'react';
import { formatAuc, formatLoss } from '../format';
import { BottomAxis } from './svg/BottomAxis';
import { GridLines } from './svg/GridLines';
import { type PlotArea, X_AXIS_SPACE, yAxisMargin } from './svg/layout';
import { LineSeries } from './svg/LineSeries';
import { linearScale } from './svg/scale';
import { SideAxis } from './svg/SideAxis';
import { SvgPlot } from './svg/SvgPlot';
import { CHART_HEIGHT } from './theme';
import { AUC_COLOR, epochText, LOSS_COLOR, type TrainingData } from './trainingData';
import { TrainingTooltip } from './TrainingTooltip';

/** Two lines on two y axes over the epochs. */
export const TrainingPlot = memo(function TrainingPlot({
  data,
  last,
  epochDomain,
  epochTicks,
  loss,
  auc,
}: TrainingData) {
  const draw = useCallback(
    (area: PlotArea) => {
      const sx = linearScale(epochDomain, [area.left, area.right]);
      const sLoss = linearScale(loss?.domain ?? [0, 1], [area.bottom, area.top]);
      const sAuc = linearScale(auc?.domain ?? [0, 1], [area.bottom, area.top]);
      return (
        <>
          <GridLines area={area} ys={(loss ?? auc)?.ticks.map(loss ? sLoss : sAuc)} />
          <SideAxis
            area={area}
            side="left"
            color={LOSS_COLOR}
            ticks={(loss?.ticks ?? []).map((t) => ({ at: sLoss(t), label: formatLoss(t) }))}
            title="Training loss (log loss)"
          />
          <SideAxis
            area={area}
            side="right"
            color={AUC_COLOR}
            ticks={(auc?.ticks ?? []).map((t) => ({ at: sAuc(t), label: formatAuc(t) }))}
            title="Validation AUC"
          />
          <BottomAxis area={area} ticks={epochTicks.map((t) => ({ at: sx(t), label: String(t) }))} title="Epoch" />
          {loss && (
            <LineSeries
              name="trainLoss"
              color={LOSS_COLOR}
              points={data.map((e) =>
                Number.isFinite(e.trainLoss) ? { x: sx(e.epoch), y: sLoss(e.trainLoss) } : null,
              )}
            />
          )}
          {auc && (
            <LineSeries
              name="validAuc"
              color={AUC_COLOR}
              points={data.map((e) => (Number.isFinite(e.validAuc) ? { x: sx(e.epoch), y: sAuc(e.validAuc) } : null))}
            />
          )}
        </>
      );
    },
    [data, epochDomain, epochTicks, loss, auc],
  );
  const hover = useMemo(
    () => ({
      mode: 'x' as const,
      targets: (area: PlotArea) => {
        const sx = linearScale(epochDomain, [area.left, area.right]);
        return data.map((e) => ({ x: sx(e.epoch), y: area.top }));
      },
      tooltip: (i: number) => <TrainingTooltip epoch={data[i]} />,
    }),
    [data, epochDomain],
  );
  const label = last
    ? `Training log loss and validation AUC over ${data.length} checks to epoch ${epochText(last.epoch)}: ` +
      `validation AUC ${formatAuc(last.validAuc)}.`
    : 'Training log loss and validation AUC per epoch.';
  const margin = {
    top: 10,
    right: yAxisMargin((auc?.ticks ?? []).map(formatAuc)),
    bottom: X_AXIS_SPACE,
    left: yAxisMargin((loss?.ticks ?? []).map(formatLoss)),
  };
  return <SvgPlot label={label} height={CHART_HEIGHT} margin={margin} draw={draw} hover={hover} />;
});
