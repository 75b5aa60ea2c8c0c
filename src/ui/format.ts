/** Number formats shared by the UI: AUC always with 4 decimals, parameters with thousands separators. */
export const formatAuc = (x: number): string => x.toFixed(4);
export const formatLoss = (x: number): string => x.toFixed(4);
// One formatter for every count: toLocaleString builds a new one per call (a 500-row table spent 40 ms on it).
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const formatInt = (x: number): string => INTEGER.format(Math.round(x));
/** A signed AUC difference with 4 decimals (+0.0012, −0.0034). */
export const formatSigned = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
