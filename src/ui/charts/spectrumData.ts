/**
 * What the spectrum chart plots for one layer: each method's cumulative explained variance as rows by rank,
 * the rank axis' ticks, the legend, and the explained variance at the chosen rank for the caption.
 */
import { METHODS as REGISTERED } from '../../core/compress/methods';
import type { LayerSpectrum, Method } from '../../engine/protocol';
import type { LegendItem } from './ChartLegend';
import { methodColor, methodLabel, niceAxis } from './theme';

/** Every method of the registry has a spectrum (a sequential variant is a sweep series, not a spectrum). */
export const SPECTRUM_METHODS: readonly Method[] = REGISTERED.map((m) => m.id);

/** One rank: each method's explained variance there, in percent. */
export interface SpectrumRow {
  rank: number;
  [method: string]: number | undefined;
}

/** One method's cumulative explained variance (fractions, index = rank). */
interface MethodSpectrum {
  method: Method;
  explained: number[];
}

export interface SpectrumData {
  /** The methods with a spectrum of the layer. */
  mine: MethodSpectrum[];
  /** The largest rank charted. */
  maxRank: number;
  rows: SpectrumRow[];
  /** Ticks at a nice step, the axis ending at the last rank (not at the next nice number). */
  xTicks: number[];
  legend: LegendItem[];
  /** "AFM 91.2%, SVD 80.4%" at the chosen rank ('' when none). */
  atText: string;
}

/** The spectrum chart's rows, ticks, legend and caption numbers for `layer` at `rank` (null = kept). */
export function spectrumData(layer: string, spectra: LayerSpectrum[], rank: number | null): SpectrumData {
  const mine = SPECTRUM_METHODS.map((m) => ({
    method: m,
    explained: spectra.find((s) => s.layer === layer && s.method === m)?.explained,
  })).filter((s): s is MethodSpectrum => !!s.explained && s.explained.length > 0);
  const maxRank = Math.max(0, ...mine.map((s) => s.explained.length - 1));
  const rows: SpectrumRow[] = Array.from({ length: maxRank + 1 }, (_, k) => {
    const row: SpectrumRow = { rank: k };
    for (const s of mine) if (k < s.explained.length) row[s.method] = s.explained[k] * 100;
    return row;
  });
  const xTicks = (niceAxis([0, maxRank], 6, { includeZero: true, pad: 0 })?.ticks ?? [0]).filter((t) => t <= maxRank);
  const legend: LegendItem[] = mine.map((s) => ({
    label: methodLabel(s.method),
    color: methodColor(s.method),
    mark: 'line',
  }));
  const at = (m: Method) => {
    const s = mine.find((t) => t.method === m);
    return s && rank !== null ? s.explained[Math.min(rank, s.explained.length - 1)] : undefined;
  };
  const atText = SPECTRUM_METHODS.map((m) => [m, at(m)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([m, v]) => `${methodLabel(m)} ${(v! * 100).toFixed(1)}%`)
    .join(', ');
  return { mine, maxRank, rows, xTicks, legend, atText };
}

/** True when the rank and break-even labels would overlap (the ranks are close): break-even's goes to the bottom. */
export function spectrumLabelsClash(rank: number | null, breakEvenRank: number, maxRank: number): boolean {
  return rank !== null && Math.abs(rank - breakEvenRank) < Math.max(1, maxRank * 0.15);
}
