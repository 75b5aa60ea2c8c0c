/**
 * The pointer's layer over the plot box: a transparent rectangle that finds the target nearest the pointer
 * and a cursor at it (a vertical line for 'x', a dashed crosshair for 'xy'). Drawn last, so it is on top.
 */
import type { PointerEvent } from 'react';
import type { PlotArea } from './layout';
import { nearestByX, nearestPoint, type Pt } from './scale';
import { AXIS_COLOR } from './style';

export type HoverMode = 'x' | 'xy';

/** How close the pointer must come to a scatter point (pixels) for its tooltip. */
const REACH = 18;

interface Props {
  area: PlotArea;
  mode: HoverMode;
  targets: Pt[];
  active: number | null;
  onActive: (index: number | null) => void;
}

export function HoverLayer({ area, mode, targets, active, onActive }: Props) {
  const onMove = (e: PointerEvent<SVGRectElement>) => {
    const box = e.currentTarget.ownerSVGElement?.getBoundingClientRect();
    if (!box) return;
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    const i =
      mode === 'x'
        ? nearestByX(
            targets.map((t) => t.x),
            x,
          )
        : nearestPoint(targets, x, y, REACH);
    if (i !== active) onActive(i);
  };
  const t = active !== null ? targets[active] : undefined;
  return (
    <g className="chart-hover">
      {t && mode === 'x' && (
        <line x1={t.x} x2={t.x} y1={area.top} y2={area.bottom} stroke={AXIS_COLOR} strokeWidth={1} />
      )}
      {t && mode === 'xy' && (
        <g stroke={AXIS_COLOR} strokeDasharray="3 3">
          <line x1={t.x} x2={t.x} y1={area.top} y2={area.bottom} />
          <line x1={area.left} x2={area.right} y1={t.y} y2={t.y} />
          <circle cx={t.x} cy={t.y} r={7} fill="none" strokeDasharray="none" strokeWidth={1.5} />
        </g>
      )}
      <rect
        x={area.left}
        y={area.top}
        width={area.width}
        height={area.height}
        fill="transparent"
        pointerEvents="all"
        onPointerMove={onMove}
        onPointerLeave={() => onActive(null)}
      />
    </g>
  );
}
