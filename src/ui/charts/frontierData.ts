/**
 * What the frontier chart plots: every sweep point by method, the original and the current plan as points in
 * thousands of parameters against AUC, both axes, and the legend.
 */
import type { BaselineInfo, SweepPointInfo } from '../../engine/protocol';
import type { LegendItem } from './ChartLegend';
import { methodColor, methodLabel, METHODS, niceAxis, ORIGINAL_COLOR, type NiceAxis } from './theme';

type Method = string;

/** The current plan's ring and its halo. */
export const CURRENT_COLOR = '#111827';
export const CURRENT_HALO = '#facc15';

/** One plotted point: x = thousands of parameters, y = AUC. */
export type FrontierDatum =
  | { kind: 'point'; method: Method; x: number; y: number; point: SweepPointInfo }
  | { kind: 'original'; x: number; y: number; baseline: BaselineInfo }
  | { kind: 'current'; x: number; y: number; params: number; auc: number };

export interface FrontierData {
  /** The sweep points of each method that has any, in METHODS order. */
  byMethod: { method: Method; data: FrontierDatum[] }[];
  /** Each method's frontier: its points no smaller point beats on AUC, by size (joined by a line). */
  frontiers: { method: Method; data: FrontierDatum[] }[];
  /** The original model (empty when not known). */
  original: FrontierDatum[];
  /** The current plan (empty when not scored). */
  current: FrontierDatum[];
  x: NiceAxis | null;
  y: NiceAxis | null;
  legend: LegendItem[];
}

/** The points no smaller point beats on AUC, smallest first: the best AUC a method reaches for its size. */
export function paretoFront(data: FrontierDatum[]): FrontierDatum[] {
  const out: FrontierDatum[] = [];
  for (const d of [...data].sort((a, b) => a.x - b.x || b.y - a.y)) {
    if (out.length === 0 || d.y > out[out.length - 1].y) out.push(d);
  }
  return out;
}

/** The frontier chart's series, axes and legend. */
export function frontierData(
  points: SweepPointInfo[],
  baseline: BaselineInfo | null,
  current: { params: number; auc: number } | null | undefined,
): FrontierData {
  const byMethod = METHODS.map((m) => ({
    method: m,
    data: points
      .filter((p) => p.method === m)
      .map((p): FrontierDatum => ({ kind: 'point', method: m, x: p.params / 1000, y: p.auc, point: p })),
  })).filter((s) => s.data.length > 0);
  const original: FrontierDatum[] = baseline
    ? [{ kind: 'original', x: baseline.params / 1000, y: baseline.auc, baseline }]
    : [];
  const cur: FrontierDatum[] = current
    ? [{ kind: 'current', x: current.params / 1000, y: current.auc, params: current.params, auc: current.auc }]
    : [];
  const all = [...byMethod.flatMap((s) => s.data), ...original, ...cur];
  const x = niceAxis(
    all.map((d) => d.x),
    6,
    { includeZero: true },
  );
  const y = niceAxis(
    all.map((d) => d.y),
    6,
    { pad: 0.08 },
  );
  const legend: LegendItem[] = [
    ...byMethod.map((s): LegendItem => ({ label: methodLabel(s.method), color: methodColor(s.method), mark: 'dot' })),
    ...(baseline ? [{ label: 'original', color: ORIGINAL_COLOR, mark: 'diamond' } as LegendItem] : []),
    ...(current ? [{ label: 'current plan', color: CURRENT_COLOR, mark: 'ring' } as LegendItem] : []),
  ];
  const frontiers = byMethod
    .map((s) => ({ method: s.method, data: paretoFront(s.data) }))
    .filter((f) => f.data.length > 1);
  return { byMethod, frontiers, original, current: cur, x, y, legend };
}
