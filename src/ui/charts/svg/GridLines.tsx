/** The light grid behind the data: horizontal lines at the y ticks, vertical ones at the x ticks when given. */
import type { PlotArea } from './layout';
import { GRID_COLOR } from './style';

export function GridLines({ area, ys = [], xs = [] }: { area: PlotArea; ys?: number[]; xs?: number[] }) {
  return (
    <g className="chart-grid-lines" stroke={GRID_COLOR}>
      {ys.map((y) => (
        <line key={`y${y}`} x1={area.left} x2={area.right} y1={y} y2={y} />
      ))}
      {xs.map((x) => (
        <line key={`x${x}`} x1={x} x2={x} y1={area.top} y2={area.bottom} />
      ))}
    </g>
  );
}
