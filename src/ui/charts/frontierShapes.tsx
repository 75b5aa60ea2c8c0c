/**
 * The marks of the frontier chart, as shape functions its Scatter series call with each point's position: a
 * dot per sweep point in its method's colour, a labelled diamond for the original, a ring for the current plan.
 */
import type { ScatterShapeProps } from 'recharts';
import { CURRENT_COLOR, CURRENT_HALO } from './frontierData';
import { methodColor, ORIGINAL_COLOR } from './theme';

/** A sweep point: a dot in its method's colour, larger while active. */
export function methodDot(props: ScatterShapeProps, method: string) {
  const { cx, cy } = props;
  if (cx == null || cy == null) return <g />;
  return (
    <circle
      cx={cx}
      cy={cy}
      r={props.isActive ? 5.5 : 4}
      fill={methodColor(method)}
      fillOpacity={0.8}
      stroke="white"
      strokeWidth={1}
    />
  );
}

/** The original model: a diamond labelled "original" on its left. */
export function originalDiamond(props: ScatterShapeProps) {
  const { cx, cy } = props;
  if (cx == null || cy == null) return <g />;
  const s = 7;
  return (
    <g>
      <path
        d={`M${cx} ${cy - s} L${cx + s} ${cy} L${cx} ${cy + s} L${cx - s} ${cy} Z`}
        fill={ORIGINAL_COLOR}
        stroke="white"
        strokeWidth={1}
      />
      <text x={cx - s - 4} y={cy + 4} textAnchor="end" fontSize={11} fill={ORIGINAL_COLOR}>
        original
      </text>
    </g>
  );
}

/** The current plan: a haloed ring that lets the pointer through. */
export function currentRing(props: ScatterShapeProps) {
  const { cx, cy } = props;
  if (cx == null || cy == null) return <g />;
  return (
    <g pointerEvents="none">
      <circle cx={cx} cy={cy} r={9} fill={CURRENT_HALO} fillOpacity={0.3} stroke={CURRENT_COLOR} strokeWidth={2} />
    </g>
  );
}
