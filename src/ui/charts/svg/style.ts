/** Text and line styles of the plotting kit (theme.ts re-exports them for the charts still on recharts). */

/** Axis tick text. */
export const TICK = { fontSize: 11, fill: '#486581' } as const;
/** Axis titles. */
export const AXIS_LABEL = { fontSize: 12, fill: '#334e68' } as const;
export const GRID_COLOR = '#e4e7eb';
/** Axis lines and tick marks. */
export const AXIS_COLOR = '#829ab1';
