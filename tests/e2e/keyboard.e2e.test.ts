/**
 * The whole flow with the keyboard alone, in headless Chromium: every control is reached with Tab (never
 * focused by the test), and used with Enter, Space and the arrow keys: a demo model, the method, the ranks,
 * a sweep, an export and its download. Where the focus is stays visible.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useStudioPage } from './browser';
import { studioState, waitForSettled } from './drop';

const studio = useStudioPage();

/** The test id of the focused element (or of the label around a focused radio), '' when none. */
const focused = (page: Page) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.testid ?? '');

/** Presses Tab until the element with this test id has the focus; fails if it is not among the Tab stops. */
async function tabTo(page: Page, testId: string, max = 120): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if ((await focused(page)) === testId) return i;
  }
  throw new Error(`${testId} was not reached with ${max} presses of Tab`);
}

/** Whether the focused element (or, for a visually hidden radio, its label) draws a focus outline. */
const focusOutline = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const box = el.matches('input[type=radio]') ? el.closest('label')! : el;
    const style = getComputedStyle(box);
    return style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
  });

describe('the studio with the keyboard alone', () => {
  it('opens the other demo model and comes back', async () => {
    const { page } = studio;
    const before = (await studioState(page)).model!.params;
    await tabTo(page, 'demo-dcnv2');
    expect(await focusOutline(page)).toBe(true);
    await page.keyboard.press('Enter');
    await waitForSettled(page, { paramsNot: before });
    const dcn = (await studioState(page)).model!;
    expect(dcn.name).toMatch(/dcn/i);
    await tabTo(page, 'demo-deepfm');
    await page.keyboard.press('Enter');
    await waitForSettled(page, { paramsNot: dcn.params });
    expect((await studioState(page)).model!.name).toMatch(/deepfm/i);
  });

  it('switches the method with the arrow keys of the radio group', async () => {
    const { page } = studio;
    await tabTo(page, 'method-afm');
    expect(await focusOutline(page)).toBe(true);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await studioState(page)).plan!.method).toBe('svd');
    expect(await focused(page)).toBe('method-svd');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await studioState(page)).plan!.method).toBe('afm');
  });

  it('sets both ranks with the sliders and keeps a kind with Space', async () => {
    const { page } = studio;
    await tabTo(page, 'dense-rank');
    await page.keyboard.press('Home');
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('dense-rank-value').textContent()).toBe('8');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('dense-rank-keep');
    await page.keyboard.press('Space');
    expect(await page.getByTestId('dense-rank-value').textContent()).toBe('keep');
    await page.keyboard.press('Space');
    expect(await page.getByTestId('dense-rank-value').textContent()).not.toBe('keep');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('dense-rank');
    await page.keyboard.press('Home');
    for (let i = 0; i < 31; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('dense-rank-value').textContent()).toBe('32');
    await tabTo(page, 'embedding-rank');
    await page.keyboard.press('ArrowLeft');
    const s = await studioState(page);
    expect(s.plan).toMatchObject({ denseRank: 32, embeddingRank: 3 });
    await waitForSettled(page, {});
  });

  it('runs a sweep with Enter', async () => {
    const { page } = studio;
    await tabTo(page, 'run-sweep');
    await page.keyboard.press('Enter');
    await expect.poll(async () => Boolean((await studioState(page)).sweepRequest)).toBe(true);
    await page.getByTestId('job-idle').waitFor({ timeout: 90_000 });
    const s = await studioState(page);
    expect(s.sweepPoints.length).toBeGreaterThan(0);
    expect(new Set(s.sweepPoints.map((p) => p.method))).toEqual(new Set(['afm', 'svd']));
  });

  it('exports the model and downloads it with Enter', async () => {
    const { page } = studio;
    await tabTo(page, 'export');
    await page.keyboard.press('Enter');
    await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
    await page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    await tabTo(page, 'download-zip');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
  });
});
