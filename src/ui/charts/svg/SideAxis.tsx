/**
 * A y axis beside the plot, left or right: its line, a tick and a label at each position given, and its title
 * turned along the outer edge of the SVG (reading upwards on the left, downwards on the right).
 */
import type { AxisTick } from './BottomAxis';
import { type PlotArea, TICK_SPACE } from './layout';
import { AXIS_COLOR, AXIS_LABEL, TICK } from './style';

interface Props {
  area: PlotArea;
  side: 'left' | 'right';
  ticks: AxisTick[];
  /** The axis title, with its unit ("Parameters (thousands)"). */
  title: string;
  /** The axis line's colour (the training chart colours each axis as its curve). */
  color?: string;
}

/** Distance from the SVG's edge to the title's baseline: the glyphs sit between the edge and it. */
const TITLE_BASELINE = 13;

export function SideAxis({ area, side, ticks, title, color = AXIS_COLOR }: Props) {
  const left = side === 'left';
  const x = left ? area.left : area.right;
  const dir = left ? -1 : 1;
  const mid = (area.top + area.bottom) / 2;
  const titleX = left ? TITLE_BASELINE : area.svgWidth - TITLE_BASELINE;
  return (
    <g className={`chart-axis chart-axis-${side}`}>
      <line x1={x} x2={x} y1={area.top} y2={area.bottom} stroke={color} />
      {ticks.map((t) => (
        <g key={`${t.at}-${t.label}`}>
          <line x1={x} x2={x + dir * 5} y1={t.at} y2={t.at} stroke={color} />
          <text x={x + dir * TICK_SPACE} y={t.at} dy="0.32em" textAnchor={left ? 'end' : 'start'} {...TICK}>
            {t.label}
          </text>
        </g>
      ))}
      <text transform={`translate(${titleX},${mid}) rotate(${left ? -90 : 90})`} textAnchor="middle" {...AXIS_LABEL}>
        {title}
      </text>
    </g>
  );
}
