/**
 * Pieces the two rank charts (AUC and parameters by dense rank) share. Element factories rather than
 * components, called inside the chart: recharts reads its axes and reference lines from its direct children.
 */
import { Label, ReferenceLine, XAxis } from 'recharts';
import { AXIS_LABEL, ORIGINAL_COLOR, ORIGINAL_DASH, TICK } from './theme';

/** The category axis of the swept dense ranks, every rank labelled. */
export function rankXAxis() {
  return (
    <XAxis dataKey="rank" type="category" tick={TICK} tickLine={false} interval={0}>
      <Label value="Dense rank (components)" position="bottom" offset={4} style={AXIS_LABEL} />
    </XAxis>
  );
}

/** The dashed line at the original model's value `y`, labelled `original <text>`. */
export function originalLine(y: number, text: string) {
  return (
    <ReferenceLine y={y} stroke={ORIGINAL_COLOR} strokeDasharray={ORIGINAL_DASH} ifOverflow="extendDomain">
      <Label value={`original ${text}`} position="insideBottomLeft" style={{ fontSize: 11, fill: ORIGINAL_COLOR }} />
    </ReferenceLine>
  );
}
