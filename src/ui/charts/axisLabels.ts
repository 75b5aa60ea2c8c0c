/**
 * Props of the y-axis titles the charts share (spread into a recharts Label): the title turned to run along
 * the axis, centred on it, inside its left or right edge.
 */
import { AXIS_LABEL } from './theme';

/** The title along a y axis, inside its left (or right) edge, reading upwards (or downwards). */
export function yAxisTitle(value: string, side: 'left' | 'right' = 'left', offset = -8) {
  return {
    value,
    angle: side === 'left' ? -90 : 90,
    position: side === 'left' ? 'insideLeft' : 'insideRight',
    offset,
    style: { ...AXIS_LABEL, textAnchor: 'middle' },
  } as const;
}
