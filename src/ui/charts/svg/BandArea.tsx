/** A shaded band between a lower and an upper edge (a 95% interval), in a series' colour. */
import { bandPath } from './scale';

interface Props {
  /** At each x, the band's top and bottom in pixels (null where the series has no point). */
  points: ({ x: number; top: number; bottom: number } | null)[];
  color: string;
  name: string;
  opacity?: number;
}

export function BandArea({ points, color, name, opacity = 0.12 }: Props) {
  return (
    <path
      className="chart-band"
      data-series={name}
      d={bandPath(points)}
      fill={color}
      fillOpacity={opacity}
      stroke="none"
    />
  );
}
