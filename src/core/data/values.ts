/**
 * Parsing of single cells: numbers (strict decimal syntax, common missing markers) and 0/1 labels. Shared by
 * schema detection and the row reader so both agree on what a number is. Pure module.
 */

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MISSING_MARKERS = new Set(['', 'na', 'nan', 'null', 'none', 'n/a', '?']);

/** True for a cell that means "missing" in a numeric column: empty, or NA / NaN / null / None / N/A / ? (any case). */
export function isMissingCell(cell: string): boolean {
  if (cell.length === 0) return true;
  const c = cell.charCodeAt(0);
  if (c >= 48 && c <= 57) return false; // starts with a digit: the common case for numbers
  const t = cell.trim();
  return t.length <= 4 && MISSING_MARKERS.has(t.toLowerCase());
}

/**
 * A numeric cell: its value, NaN when missing ({@link isMissingCell}), or undefined when it is not a finite decimal
 * number (hex, "Infinity", "1e999", text). Surrounding spaces are allowed.
 */
export function parseNumericCell(cell: string): number | undefined {
  if (isMissingCell(cell)) return NaN;
  let s = cell;
  if (!NUMBER_RE.test(s)) {
    s = cell.trim();
    if (!NUMBER_RE.test(s)) return undefined;
  }
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** A label cell: 0 or 1 (also "0.0", "1.0", " 1 "), 'empty' when blank, 'bad' otherwise. */
export function parseLabelCell(cell: string): 0 | 1 | 'empty' | 'bad' {
  if (cell === '0') return 0;
  if (cell === '1') return 1;
  const s = cell.trim();
  if (s.length === 0) return 'empty';
  if (!NUMBER_RE.test(s)) return 'bad';
  const v = Number(s);
  return v === 0 ? 0 : v === 1 ? 1 : 'bad';
}

/** Shortens a cell for messages: at most `max` characters, JSON-quoted. */
export function quoteCell(cell: string, max = 40): string {
  return JSON.stringify(cell.length > max ? `${cell.slice(0, max)}…` : cell);
}
