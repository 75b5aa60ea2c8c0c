/**
 * The marks of the frontier chart at a point's pixel position: a dot per sweep point in its method's colour,
 * a labelled diamond for the original, a ring for the current plan.
 */
import { CURRENT_COLOR, CURRENT_HALO } from './frontierData';
import { methodColor, ORIGINAL_COLOR } from './theme';

interface At {
  cx: number;
  cy: number;
}

/** A sweep point: a dot in its method's colour. */
export function MethodDot({ cx, cy, method }: At & { method: string }) {
  return <circle cx={cx} cy={cy} r={4} fill={methodColor(method)} fillOpacity={0.8} stroke="white" strokeWidth={1} />;
}

/** The original model: a diamond labelled "original" on its left. */
export function OriginalDiamond({ cx, cy }: At) {
  const s = 7;
  return (
    <g className="chart-scatter" data-series="original">
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

/** The current plan: a haloed ring (the point under it keeps the tooltip). */
export function CurrentRing({ cx, cy }: At) {
  return (
    <g className="chart-scatter" data-series="current">
      <circle cx={cx} cy={cy} r={9} fill={CURRENT_HALO} fillOpacity={0.3} stroke={CURRENT_COLOR} strokeWidth={2} />
    </g>
  );
}
