/**
 * Where a chart's tooltip sits: beside the hovered x, on the side with more room, so it never runs past the
 * chart's right edge. Its content is the chart's own ChartTooltip; it never takes the pointer.
 */
import type { ReactNode } from 'react';

const GAP = 12;

export function TooltipBox({
  x,
  y,
  containerWidth,
  children,
}: {
  x: number;
  y: number;
  containerWidth: number;
  children: ReactNode;
}) {
  const leftSide = x > containerWidth / 2;
  return (
    <div
      className="chart-tooltip-box"
      style={{
        left: leftSide ? undefined : x + GAP,
        right: leftSide ? containerWidth - x + GAP : undefined,
        top: y,
      }}
    >
      {children}
    </div>
  );
}
