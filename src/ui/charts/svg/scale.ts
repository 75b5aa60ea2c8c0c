/**
 * Pure geometry of the hand-drawn charts: value-to-pixel scales, category positions, SVG path strings, the
 * nearest point to the pointer, and a text-width estimate for sizing margins (no DOM, so it is unit-tested).
 */

/** A linear map from a value domain to a pixel range; a zero-width domain maps to the range's middle. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  if (span === 0 || !Number.isFinite(span)) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / span;
  return (v) => r0 + (v - d0) * k;
}

/** Centres of `count` equal bands across [start, end]: where a category axis puts its points (and labels). */
export function bandCentres(count: number, start: number, end: number): number[] {
  const step = count > 0 ? (end - start) / count : 0;
  return Array.from({ length: count }, (_, i) => start + (i + 0.5) * step);
}

/** A 2-D pixel point; `undefined` coordinates are gaps. */
export interface Pt {
  x: number;
  y: number;
}

const fmt = (v: number): string => (Math.round(v * 10) / 10).toString();

/** An SVG path through the points in order (missing ones skipped, so the line joins across them). */
export function linePath(points: readonly (Pt | null | undefined)[]): string {
  const shown = points.filter((p): p is Pt => !!p && Number.isFinite(p.x) && Number.isFinite(p.y));
  return shown.map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(p.x)},${fmt(p.y)}`).join('');
}

/** A closed SVG path between an upper and a lower edge at the same x positions (a confidence band). */
export function bandPath(points: readonly ({ x: number; top: number; bottom: number } | null | undefined)[]): string {
  const shown = points.filter((p) => !!p && [p.x, p.top, p.bottom].every(Number.isFinite)) as {
    x: number;
    top: number;
    bottom: number;
  }[];
  if (shown.length === 0) return '';
  const upper = shown.map((p) => ({ x: p.x, y: p.top }));
  const lower = [...shown].reverse().map((p) => ({ x: p.x, y: p.bottom }));
  return `${linePath([...upper, ...lower])}Z`;
}

/** The index of the position closest to `x` (null when there is none). */
export function nearestByX(xs: readonly number[], x: number): number | null {
  let best: number | null = null;
  let bestDist = Number.POSITIVE_INFINITY;
  xs.forEach((v, i) => {
    const d = Math.abs(v - x);
    if (d < bestDist) {
      best = i;
      bestDist = d;
    }
  });
  return best;
}

/**
 * The index of the point closest to (x, y) no farther than `radius` pixels (null when none is that close); of
 * points equally close, the first (so a mark drawn over a point can leave the tooltip to the point).
 */
export function nearestPoint(points: readonly Pt[], x: number, y: number, radius: number): number | null {
  let best: number | null = null;
  let bestDist = Number.POSITIVE_INFINITY;
  points.forEach((p, i) => {
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d <= radius * radius && d < bestDist) {
      best = i;
      bestDist = d;
    }
  });
  return best;
}

/**
 * Roughly how wide `text` is at `fontSize` px in the UI's sans-serif font: enough to size a margin so tick
 * labels are not cut off without measuring the DOM (digits are ~0.58 em, separators narrower).
 */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += /[.,:;·\s]/.test(ch) ? 0.3 : /[A-Z%–—−]/.test(ch) ? 0.68 : 0.58;
  return em * fontSize;
}

/** Every k-th of `labels`, k the smallest step that keeps `gap` pixels between neighbours `spacing` apart. */
export function thinLabels<T>(labels: readonly T[], widest: number, spacing: number, gap = 6): T[] {
  if (labels.length === 0 || spacing <= 0) return [...labels];
  const k = Math.max(1, Math.ceil((widest + gap) / spacing));
  return labels.filter((_, i) => i % k === 0);
}
