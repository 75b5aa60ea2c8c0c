/**
 * The surface of every hand-drawn chart: an SVG as wide as its container and `height` high, drawn by `draw`
 * for the plot box the margins leave, with a hover layer that shows `tooltip` for the point under the pointer.
 * A hover redraws only the cursor and the tooltip: the drawing is memoized on the plot box and `draw`.
 */
import { memo, type ReactNode, useMemo, useState } from 'react';
import { HoverLayer, type HoverMode } from './HoverLayer';
import { type Margin, type PlotArea, plotArea } from './layout';
import { TooltipBox } from './TooltipBox';
import type { Pt } from './scale';
import { useContainerWidth } from './useContainerWidth';

/** What the pointer can land on: pixel positions (from the plot box) and the tooltip of each. */
export interface HoverSpec {
  /** 'x': the target nearest the pointer's x (a vertical cursor); 'xy': the point within reach (a crosshair). */
  mode: HoverMode;
  targets: (area: PlotArea) => Pt[];
  tooltip: (index: number) => ReactNode;
}

export interface SvgPlotProps {
  /** What the chart shows, in one sentence: the SVG's accessible name. */
  label: string;
  height: number;
  /** The margins, which may depend on the width (long tick labels). */
  margin: Margin;
  draw: (area: PlotArea) => ReactNode;
  hover?: HoverSpec;
  /** Width in a server render, where the container cannot be measured. */
  fallbackWidth?: number;
}

/** The drawing, skipped on a re-render when neither the box nor the drawing function changed. */
const Drawing = memo(function Drawing({ draw, area }: { draw: (a: PlotArea) => ReactNode; area: PlotArea }) {
  return <>{draw(area)}</>;
});

export function SvgPlot({ label, height, margin, draw, hover, fallbackWidth = 600 }: SvgPlotProps) {
  const { ref, width } = useContainerWidth<HTMLDivElement>(fallbackWidth);
  const { top, right, bottom, left } = margin;
  const area = useMemo(
    () => plotArea(width, height, { top, right, bottom, left }),
    [width, height, top, right, bottom, left],
  );
  const targets = useMemo(() => (hover ? hover.targets(area) : []), [hover, area]);
  const [active, setActive] = useState<number | null>(null);
  const shown = active !== null && active < targets.length ? active : null;
  return (
    <div className="chart-svg-box" ref={ref} style={{ height }}>
      {width > 0 && (
        <svg className="chart-svg" width={width} height={height} role="img" aria-label={label}>
          <Drawing draw={draw} area={area} />
          {hover && <HoverLayer area={area} mode={hover.mode} targets={targets} active={shown} onActive={setActive} />}
        </svg>
      )}
      {hover && shown !== null && (
        <TooltipBox x={targets[shown].x} y={area.top} containerWidth={width}>
          {hover.tooltip(shown)}
        </TooltipBox>
      )}
    </div>
  );
}
