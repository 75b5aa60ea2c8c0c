/**
 * The hand-drawn charts rendered to markup (no browser): an accessible SVG with axis titles and units, AUC
 * ticks with 4 decimals, a line and a band per method, the original's dashed line with its label, the frontier's
 * marks and the training chart's two axes.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FrontierChart, RankAucChart, RankParamsChart, TrainingChart } from '../../../src/ui/charts';
import type { BaselineInfo, SweepPointInfo, TrainEpochInfo } from '../../../src/engine/protocol';

const baseline = { rows: 2000, params: 120_000, auc: 0.7812, logloss: 0.47, scoreMs: 5, warnings: [] } as BaselineInfo;

const point = (method: string, denseRank: number | null, auc: number, params: number) =>
  ({
    method,
    denseRank,
    embeddingRank: 4,
    auc,
    params,
    paramRatio: params / baseline.params,
    delong: { diff: auc - baseline.auc, low: auc - baseline.auc - 0.004, high: auc - baseline.auc + 0.004 },
  }) as unknown as SweepPointInfo;

const points = [
  point('afm', 4, 0.772, 40_000),
  point('afm', 8, 0.7781, 52_000),
  point('afm', 16, 0.7802, 70_000),
  point('svd', 4, 0.761, 40_000),
  point('svd', 8, 0.7702, 52_000),
  point('svd', 16, 0.7775, 70_000),
];

const svgOf = (html: string) =>
  html.slice(html.indexOf('<svg class="chart-svg"'), html.indexOf('</svg>', html.indexOf('<svg class="chart-svg"')));

describe('the rank/AUC chart', () => {
  const html = renderToStaticMarkup(createElement(RankAucChart, { points, baseline, embeddingRank: 4 }));
  const svg = svgOf(html);
  it('is an image with a name that says what it shows', () => {
    expect(svg).toMatch(/role="img"/);
    expect(svg).toContain(
      'aria-label="Test AUC of AFM, SVD at dense ranks 4, 8 and 16, with 95% intervals; ' +
        'the original&#x27;s AUC is 0.7812."',
    );
    expect(svg).not.toMatch(/tabindex/i);
  });
  it('draws the axis titles, the ranks and AUC ticks with 4 decimals', () => {
    expect(svg).toContain('Test AUC');
    expect(svg).toContain('Dense rank (components)');
    for (const r of ['>4<', '>8<', '>16<']) expect(svg).toContain(r);
    const ticks = [...svg.matchAll(/>(0\.\d+)</g)].map((m) => m[1]);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const t of ticks) expect(t).toMatch(/^0\.\d{4}$/);
  });
  it('draws a line and a band per method and the original dashed with its label', () => {
    expect(svg.match(/class="chart-line"/g)).toHaveLength(2);
    expect(svg.match(/class="chart-band"/g)).toHaveLength(2);
    expect(svg).toContain('original 0.7812');
    expect(svg).toMatch(/stroke-dasharray="6 4"/);
  });
});

describe('the rank/parameters chart', () => {
  const svg = svgOf(
    renderToStaticMarkup(createElement(RankParamsChart, { points, baselineParams: baseline.params, embeddingRank: 4 })),
  );
  it('draws the parameters axis in thousands, the lines (the repeat dashed) and the original', () => {
    expect(svg).toContain('Parameters (thousands)');
    expect(svg).toContain('Dense rank (components)');
    expect(svg.match(/class="chart-line"/g)).toHaveLength(2);
    expect(svg).toContain('original 120,000');
    expect(svg).toMatch(/data-series="svd"><path class="chart-line"[^>]*stroke-dasharray="6 4"/);
  });
});

describe('the frontier chart', () => {
  const svg = svgOf(
    renderToStaticMarkup(createElement(FrontierChart, { points, baseline, current: { params: 52_000, auc: 0.7781 } })),
  );
  it('draws a scatter per method, the original and the current plan on AUC against parameters', () => {
    expect(svg).toContain('Parameters (thousands)');
    expect(svg).toContain('Test AUC');
    for (const s of ['afm', 'svd', 'original', 'current'])
      expect(svg).toContain(`class="chart-scatter" data-series="${s}"`);
    expect(svg.match(/<circle/g)!.length).toBeGreaterThanOrEqual(7);
    expect(svg).toContain('>original<');
  });
});

describe('the training chart', () => {
  const epochs: TrainEpochInfo[] = [
    { epoch: 0, trainLoss: Number.NaN, validAuc: 0.52, validLogloss: 0.69 },
    { epoch: 1, trainLoss: 0.5, validAuc: 0.71, validLogloss: 0.48 },
    { epoch: 2, trainLoss: 0.46, validAuc: 0.7312, validLogloss: 0.47 },
  ];
  const svg = svgOf(renderToStaticMarkup(createElement(TrainingChart, { epochs })));
  it('draws loss on the left axis and AUC on the right, both titled, with the epochs', () => {
    expect(svg).toContain('Training loss (log loss)');
    expect(svg).toContain('Validation AUC');
    expect(svg).toContain('>Epoch<');
    expect(svg).toContain('chart-axis-left');
    expect(svg).toContain('chart-axis-right');
    expect(svg.match(/class="chart-line"/g)).toHaveLength(2);
    // The untrained start has no training loss: 2 loss dots, 3 AUC dots.
    expect(svg.match(/<circle/g)).toHaveLength(5);
    expect(svg).toMatch(
      /aria-label="Training log loss and validation AUC over 3 checks to epoch 2: validation AUC 0.7312."/,
    );
  });
});
