/**
 * A reference across the plot with a label: horizontal at `y` (the original's value, labelled at its left
 * end, above the line unless that would leave the plot) or vertical at `x` (a rank, labelled above the plot,
 * anchored to end at the line near the right edge so the label is not cut off).
 */
import type { CSSProperties } from 'react';
import type { PlotArea } from './layout';

interface Props {
  area: PlotArea;
  /** Pixel position of a horizontal line, or of a vertical one. */
  y?: number;
  x?: number;
  label: string;
  color: string;
  dash?: string;
  strokeWidth?: number;
  labelStyle?: CSSProperties;
  /** A vertical line's label at the plot's bottom-left of the line instead of above the plot (a clash). */
  labelBelow?: boolean;
}

const FONT = 11;

export function ReferenceLine({ area, y, x, label, color, dash, strokeWidth = 1, labelStyle, labelBelow }: Props) {
  if (y !== undefined) {
    // Above the line, unless the line is too near the top for a line of text.
    const above = y - area.top >= FONT + 4;
    return (
      <g className="chart-reference">
        <line
          x1={area.left}
          x2={area.right}
          y1={y}
          y2={y}
          stroke={color}
          strokeDasharray={dash}
          strokeWidth={strokeWidth}
        />
        <text x={area.left + 5} y={above ? y - 5 : y + FONT + 3} fontSize={FONT} fill={color} style={labelStyle}>
          {label}
        </text>
      </g>
    );
  }
  if (x === undefined) return null;
  const nearRight = x >= area.left + 0.8 * area.width;
  return (
    <g className="chart-reference">
      <line
        x1={x}
        x2={x}
        y1={area.top}
        y2={area.bottom}
        stroke={color}
        strokeDasharray={dash}
        strokeWidth={strokeWidth}
      />
      <text
        x={labelBelow ? x + 6 : x}
        y={labelBelow ? area.bottom - 6 : area.top - 4}
        textAnchor={labelBelow ? 'start' : nearRight ? 'end' : 'middle'}
        fontSize={FONT}
        fill={color}
        style={labelStyle}
      >
        {label}
      </text>
    </g>
  );
}
