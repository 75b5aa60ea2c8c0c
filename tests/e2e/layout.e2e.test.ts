/**
 * The layout at 1280×800, 1920×1080 and 800 px wide, after a sweep: the headline numbers, the sliders and the
 * rank-AUC chart they drive are in view without scrolling (1280×800 and up); nothing is wider than the
 * window; no chart's text runs outside its chart; the progress bar stays in sight while the page scrolls.
 * Screenshots of each size go to SHOTS (docs/screenshots with SCREENSHOTS=docs).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SHOTS, useStudioPage } from './browser';

const studio = useStudioPage();

/** Test ids of the elements whose bottom edge lies below the window's (they need scrolling to be seen). */
const belowFold = (page: Page, ids: string[]) =>
  page.evaluate(
    (list) =>
      list.filter((id) => {
        const el = document.querySelector(`[data-testid="${id}"]`);
        return !el || el.getBoundingClientRect().bottom > window.innerHeight;
      }),
    ids,
  );

/** Chart texts (tick labels, axis titles, reference labels) that run outside their chart's drawing. */
async function cutTexts(page: Page): Promise<string[]> {
  const { checked, cut } = await page.evaluate(() => {
    const texts = [
      ...document.querySelectorAll<SVGSVGElement>('figure.chart svg.chart-svg, figure.chart svg.recharts-surface'),
    ].flatMap((svg) => [...svg.querySelectorAll('text')].map((t) => ({ svg, t, r: t.getBoundingClientRect() })));
    const shown = texts.filter(({ r }) => r.width > 0);
    const outside = shown.filter(({ svg, r }) => {
      const box = svg.getBoundingClientRect();
      return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1;
    });
    return {
      checked: shown.length,
      cut: outside.map(({ svg, t }) => `${svg.closest('figure')?.dataset.testid}: "${t.textContent}"`),
    };
  });
  expect(checked).toBeGreaterThan(20); // the charts are drawn: ticks, axis titles, labels
  return cut;
}

const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('the layout', () => {
  it('after a sweep, at 1280×800: the numbers, sliders and the rank-AUC chart are in view', async () => {
    const { page } = studio;
    await page.getByTestId('run-sweep').click();
    await expect.poll(() => page.evaluate(() => window.ctrStudio!.state().sweepRequest !== null)).toBe(true);
    await page.getByTestId('job-idle').waitFor({ timeout: 90_000 });
    await page.getByTestId('chart-rank-auc').locator('.chart-line').first().waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(await belowFold(page, ['summary', 'dense-rank', 'embedding-rank', 'run-sweep', 'chart-rank-auc'])).toEqual(
      [],
    );
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await cutTexts(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/layout-1280x800.png` });
  });

  it('at 1920×1080 the same, with room to spare', async () => {
    const { page } = studio;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300); // the charts follow their container's size
    expect(await belowFold(page, ['summary', 'dense-rank', 'chart-rank-auc', 'chart-rank-params'])).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await cutTexts(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/layout-1920x1080.png` });
  });

  it('at 800 px wide nothing is wider than the window and the sliders are in view', async () => {
    const { page } = studio;
    await page.setViewportSize({ width: 800, height: 1000 });
    await page.waitForTimeout(300);
    expect(await belowFold(page, ['summary', 'dense-rank', 'embedding-rank'])).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await cutTexts(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/layout-800.png` });
  });

  it('keeps the progress bar and its Cancel in sight while the page scrolls', async () => {
    const { page } = studio;
    await page.getByTestId('export').scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    const bar = await page.getByTestId('job-idle').boundingBox();
    expect(bar!.y).toBeGreaterThanOrEqual(0);
    expect(bar!.y).toBeLessThan(5);
    await page.getByTestId('sweep-ranks').fill('1,2,3,4,6,8,12,16,24,32,48,64,96,128');
    await page.getByTestId('run-sweep').click();
    await page.getByTestId('cancel').waitFor({ timeout: 30_000 });
    await page.getByTestId('export').scrollIntoViewIfNeeded();
    const cancel = await page.getByTestId('cancel').boundingBox();
    expect(cancel!.y).toBeLessThan(60);
    await page.getByTestId('cancel').click();
    await page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
  });
});
