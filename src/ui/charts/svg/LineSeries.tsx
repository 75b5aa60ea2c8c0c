/** One series as a line through its points (gaps joined), with a dot at each point unless `dotRadius` is 0. */
import { linePath, type Pt } from './scale';

interface Props {
  points: (Pt | null)[];
  color: string;
  /** Names the series in the DOM (data-series) for tests and styling. */
  name: string;
  strokeWidth?: number;
  dash?: string;
  dotRadius?: number;
}

export function LineSeries({ points, color, name, strokeWidth = 2, dash, dotRadius = 3 }: Props) {
  const shown = points.filter((p): p is Pt => p !== null);
  return (
    <g className="chart-series" data-series={name}>
      <path
        className="chart-line"
        d={linePath(shown)}
        fill="none"
        stroke={color}
        strokeWidth={strokeWidth}
        strokeDasharray={dash}
        strokeLinejoin="round"
      />
      {dotRadius > 0 &&
        shown.map((p) => <circle key={`${p.x},${p.y}`} cx={p.x} cy={p.y} r={dotRadius} fill={color} stroke="white" />)}
    </g>
  );
}
