/** The x axis under the plot: its line, a tick and a label at each position given, and its title centred below. */
import type { PlotArea } from './layout';
import { AXIS_COLOR, AXIS_LABEL, TICK } from './style';

/** A labelled position on an axis (pixels along it). */
export interface AxisTick {
  at: number;
  label: string;
}

interface Props {
  area: PlotArea;
  ticks: AxisTick[];
  /** The axis title, with its unit ("Dense rank (components)"). */
  title: string;
  /** Tick marks (a category axis of ranks has none, as recharts drew it). */
  marks?: boolean;
}

export function BottomAxis({ area, ticks, title, marks = true }: Props) {
  const y = area.bottom;
  return (
    <g className="chart-axis chart-axis-x">
      <line x1={area.left} x2={area.right} y1={y} y2={y} stroke={AXIS_COLOR} />
      {ticks.map((t) => (
        <g key={`${t.at}-${t.label}`}>
          {marks && <line x1={t.at} x2={t.at} y1={y} y2={y + 5} stroke={AXIS_COLOR} />}
          <text x={t.at} y={y + 17} textAnchor="middle" {...TICK}>
            {t.label}
          </text>
        </g>
      ))}
      <text x={(area.left + area.right) / 2} y={y + 34} textAnchor="middle" {...AXIS_LABEL}>
        {title}
      </text>
    </g>
  );
}
