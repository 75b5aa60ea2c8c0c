/** The rank sweep chart: valid SVG with one mark per point, at the right place, with text escaped. */
import { describe, expect, it } from 'vitest';
import { escapeXml, niceTicks, rankChartSvg } from '../../../src/core/report/rankChart';

const point = (denseRank: number | null, auc: number, low = -0.01, high = 0.01) => ({
  denseRank,
  auc,
  delong: { diff: auc - 0.75, se: 0.005, low: auc - 0.75 + low, high: auc - 0.75 + high, p: 0.5 },
});

const series = [
  { label: 'AFM', color: '#2563eb', points: [point(4, 0.7), point(16, 0.74), point(64, 0.749)] },
  {
    label: 'SVD <x>',
    color: '#ea580c',
    points: [point(4, 0.72), point(16, 0.73), point(64, 0.745), point(null, 0.75)],
  },
];

/** The cx, cy of every circle of one colour. */
function circles(svg: string, color: string): { cx: number; cy: number }[] {
  return [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+" fill="([^"]+)"/g)]
    .filter((m) => m[3] === color)
    .map((m) => ({ cx: Number(m[1]), cy: Number(m[2]) }));
}

describe('rankChartSvg', () => {
  const svg = rankChartSvg(series, { title: 'DeepFM & co', originalAuc: 0.75, teacherAuc: 0.9 });

  it('is one svg element with the title and labels escaped', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('DeepFM &amp; co');
    expect(svg).toContain('SVD &lt;x&gt;');
    expect(svg).not.toContain('<x>');
  });

  it('draws one point per ranked point, left to right by rank, higher AUC higher up', () => {
    const afm = circles(svg, '#2563eb');
    const svd = circles(svg, '#ea580c');
    expect(afm).toHaveLength(3);
    expect(svd).toHaveLength(3); // the point without a dense rank is left out
    expect(afm[0].cx).toBeLessThan(afm[1].cx);
    expect(afm[1].cx).toBeLessThan(afm[2].cx);
    // Equal log steps: 4 → 16 and 16 → 64 are the same distance apart (up to the side-by-side offset).
    expect(Math.abs(afm[1].cx - afm[0].cx - (afm[2].cx - afm[1].cx))).toBeLessThan(0.2);
    expect(afm[0].cy).toBeGreaterThan(svd[0].cy); // 0.70 is drawn below 0.72 (y grows downwards)
    expect(afm[2].cy).toBeLessThan(afm[1].cy);
  });

  it('keeps a far teacher line off the chart but names it', () => {
    expect(svg).toContain('teacher 0.9000 (off the chart)');
    const near = rankChartSvg(series, { title: 't', originalAuc: 0.75, teacherAuc: 0.751 });
    expect(near).toContain('teacher 0.7510');
    expect(near).not.toContain('off the chart');
  });

  it('refuses a sweep with no ranked point', () => {
    expect(() =>
      rankChartSvg([{ label: 'a', color: '#000', points: [point(null, 0.7)] }], { title: '', originalAuc: 0.7 }),
    ).toThrow(/no point/);
  });
});

describe('chart helpers', () => {
  it('niceTicks covers the range with round steps', () => {
    const t = niceTicks(0.712, 0.748);
    expect(t[0]).toBeGreaterThanOrEqual(0.712);
    expect(t[t.length - 1]).toBeLessThanOrEqual(0.748);
    expect(t.length).toBeGreaterThanOrEqual(3);
    const steps = t.slice(1).map((v, i) => Number((v - t[i]).toFixed(6)));
    expect(new Set(steps).size).toBe(1);
    expect([0.005, 0.01]).toContain(steps[0]);
  });

  it('escapeXml escapes the five XML characters', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&#39;');
  });
});
