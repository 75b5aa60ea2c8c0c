/** Colors, labels and small helpers shared by the charts (pure data, no React). */
import { allSeries, seriesOf } from '../../core/compress/methods';

/** A method's (or sweep series') chart colour and name, from the method registry. */
export const methodColor = (id: string): string => seriesOf(id).color;
export const methodLabel = (id: string): string => seriesOf(id).label;
/** Every sweep series, in the registry's order (a method, then its sequential variant). */
export const METHODS: readonly string[] = allSeries().map((s) => s.id);
/** The original (uncompressed) model: dark gray, drawn dashed. */
export const ORIGINAL_COLOR = '#374151';
export const ORIGINAL_DASH = '6 4';
/** Compressed model when its method is not known (latency bars). */
export const COMPRESSED_COLOR = '#0d9488';
export const MUTED_COLOR = '#829ab1';

/** Height of every chart's plot area (the wrapping div adds the h3 title): fits a 600×300 box. */
export const CHART_HEIGHT = 256;

/** Tick and axis-title text and the grid's colour: the plotting kit's, shared with the recharts charts. */
export { AXIS_LABEL, GRID_COLOR, TICK } from './svg/style';

/** A rank as shown on a categorical axis: null = the layers are kept ("keep"). */
export const rankLabel = (r: number | null): string => (r === null ? 'keep' : String(r));

/** Ascending numeric ranks, then "keep" (no compression, the largest model) last. */
export function sortRanks(ranks: Iterable<number | null>): (number | null)[] {
  const set = new Set<number | null>(ranks);
  const nums = [...set].filter((r): r is number => r !== null).sort((a, b) => a - b);
  return set.has(null) ? [...nums, null] : nums;
}

/** A signed AUC difference with 4 decimals ("+0.0012", "−0.0100"). */
export function formatDelta(d: number): string {
  const s = Math.abs(d).toFixed(4);
  return d < 0 && s !== '0.0000' ? `\u2212${s}` : `+${s}`;
}

export const formatPercent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}%`;

/** A numeric axis covering the finite values given: a "nice" step, domain snapped to it, the ticks. */
export interface NiceAxis {
  domain: [number, number];
  ticks: number[];
}

export function niceAxis(
  values: number[],
  count = 5,
  opts: { includeZero?: boolean; pad?: number } = {},
): NiceAxis | null {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return null;
  // A loop, not Math.min(...v): a long series would overflow the argument list.
  let lo = v[0];
  let hi = v[0];
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (opts.includeZero) lo = Math.min(lo, 0);
  const span0 = hi - lo || Math.abs(hi) * 0.01 || 1e-3;
  const pad = opts.pad ?? 0.04;
  if (!(opts.includeZero && lo === 0)) lo -= span0 * pad;
  hi += span0 * pad;
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * 0.999) ?? 10 * mag;
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last + step * 1e-6; i++) ticks.push(Number((first + i * step).toPrecision(12)));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

/** A tick formatter with as many decimals as the ticks' step needs (0, 100, 200 / 0, 0.5, 1.0 / 0, 25, 50). */
export function stepFormatter(ticks: number[] | undefined): (v: number) => string {
  const step = ticks && ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  let decimals = 0;
  while (decimals < 6 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals++;
  return (v: number) =>
    v === 0 ? '0' : v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
