/**
 * A rank sweep as a standalone SVG image: test AUC against dense rank (log2 axis) for each series of a sweep
 * (AFM and SVD at one embedding rank), each point with its 95% DeLong interval against the original, the
 * original's AUC as a dashed line and, when known, the teacher's (the Bayes limit of synthetic data). Written by
 * pure code, so a report can save it next to its tables and any browser or Markdown viewer shows it. Pure.
 */
import type { SweepPoint } from '../compress/report';

export interface RankChartSeries {
  /** Legend text. */
  label: string;
  color: string;
  points: Pick<SweepPoint, 'denseRank' | 'auc' | 'delong'>[];
}

export interface RankChartOptions {
  title: string;
  /** The original model's test AUC (dashed line; the DeLong intervals are around it). */
  originalAuc: number;
  /** The teacher's AUC on the same rows (dotted line), for synthetic data. */
  teacherAuc?: number;
  width?: number;
  height?: number;
}

const MARGIN = { left: 64, right: 220, top: 36, bottom: 46 };

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Round tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

/** The AUC interval of a point: the original's AUC plus the DeLong interval of the difference. */
const intervalOf = (p: Pick<SweepPoint, 'auc' | 'delong'>) => [
  p.auc - p.delong.diff + p.delong.low,
  p.auc - p.delong.diff + p.delong.high,
];

/**
 * The y range: every point, interval and the original's line, padded by 5%. The teacher's line is drawn only
 * when it falls inside (far above, it would squash the points into a band); the legend gives its value anyway.
 */
function yRange(series: RankChartSeries[], o: RankChartOptions): [number, number] {
  const ys = [o.originalAuc];
  for (const s of series) for (const p of s.points) ys.push(p.auc, ...intervalOf(p));
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = (hi - lo || 0.01) * 0.05;
  return [lo - pad, hi + pad];
}

/** The sweep as SVG text. Points without a dense rank (kept layers) are left out. */
export function rankChartSvg(series: RankChartSeries[], o: RankChartOptions): string {
  const W = o.width ?? 800;
  const H = o.height ?? 420;
  const plotW = W - MARGIN.left - MARGIN.right;
  const plotH = H - MARGIN.top - MARGIN.bottom;
  const ranks = [...new Set(series.flatMap((s) => s.points.map((p) => p.denseRank)))]
    .filter((r): r is number => r !== null && r > 0)
    .sort((a, b) => a - b);
  if (ranks.length === 0) throw new RangeError('rankChartSvg: no point has a dense rank');
  const [lx0, lx1] = [Math.log2(ranks[0]), Math.log2(ranks[ranks.length - 1])];
  // 4% of the width inside each end, so that the first and last points sit off the frame.
  const x = (r: number) =>
    MARGIN.left + (lx1 > lx0 ? (0.04 + (0.92 * (Math.log2(r) - lx0)) / (lx1 - lx0)) * plotW : plotW / 2);
  const [y0, y1] = yRange(series, o);
  const y = (v: number) => MARGIN.top + (1 - (v - y0) / (y1 - y0)) * plotH;
  const f = (v: number) => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      'font-family="sans-serif" font-size="12">',
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(o.title)}</text>`,
  ];
  for (const t of niceTicks(y0, y1)) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(y(t) + 4)}" text-anchor="end">${t.toFixed(3)}</text>`,
    );
  }
  for (const r of ranks) {
    out.push(`<text x="${f(x(r))}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${r}</text>`);
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${H - 8}" text-anchor="middle">dense rank (log scale)</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">test AUC</text>`,
  );
  const legend: [string, string, string][] = [];
  const hline = (v: number, dash: string, color: string, label: string) => {
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${f(y(v))}" y2="${f(y(v))}" ` +
        `stroke="${color}" stroke-dasharray="${dash}"/>`,
    );
    legend.push([color, dash, `${label} ${v.toFixed(4)}`]);
  };
  hline(o.originalAuc, '6 4', '#111827', 'original');
  if (o.teacherAuc !== undefined && o.teacherAuc >= y0 && o.teacherAuc <= y1)
    hline(o.teacherAuc, '2 3', '#6b7280', 'teacher');
  else if (o.teacherAuc !== undefined)
    legend.push(['#ffffff', '', `teacher ${o.teacherAuc.toFixed(4)} (off the chart)`]);
  // Series side by side at each rank (a few pixels apart), so that intervals do not hide each other.
  series.forEach((s, i) => out.push(...seriesMarks(s, (r) => x(r) + (i - (series.length - 1) / 2) * 5, y, f)));
  legend.unshift(...series.map((s): [string, string, string] => [s.color, '', s.label]));
  legend.forEach(([color, dash, label], i) => {
    const ly = MARGIN.top + 10 + i * 18;
    const lx = MARGIN.left + plotW + 12;
    out.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"` +
        `${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<text x="${lx + 28}" y="${ly + 4}">${escapeXml(label)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** One series: its line through the points, and a point with its interval at each rank. */
function seriesMarks(
  s: RankChartSeries,
  x: (r: number) => number,
  y: (v: number) => number,
  f: (v: number) => string,
): string[] {
  const pts = s.points
    .filter((p): p is typeof p & { denseRank: number } => p.denseRank !== null && p.denseRank > 0)
    .sort((a, b) => a.denseRank - b.denseRank);
  const marks = [
    `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="` +
      `${pts.map((p) => `${f(x(p.denseRank))},${f(y(p.auc))}`).join(' ')}"/>`,
  ];
  for (const p of pts) {
    const [lo, hi] = intervalOf(p);
    const cx = f(x(p.denseRank));
    marks.push(
      `<line x1="${cx}" x2="${cx}" y1="${f(y(lo))}" y2="${f(y(hi))}" stroke="${s.color}" stroke-opacity="0.5"/>`,
      `<circle cx="${cx}" cy="${f(y(p.auc))}" r="3.5" fill="${s.color}">` +
        `<title>${escapeXml(`${s.label}, dense rank ${p.denseRank}: AUC ${p.auc.toFixed(4)}`)}</title></circle>`,
    );
  }
  return marks;
}
