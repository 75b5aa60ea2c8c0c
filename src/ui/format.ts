/** Number formats shared by the UI: AUC always with 4 decimals, parameters with thousands separators. */
export const formatAuc = (x: number): string => x.toFixed(4);
export const formatLoss = (x: number): string => x.toFixed(4);
export const formatInt = (x: number): string => Math.round(x).toLocaleString('en-US');
/** A signed AUC difference with 4 decimals (+0.0012, −0.0034). */
export const formatSigned = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
