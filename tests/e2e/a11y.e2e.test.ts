/**
 * Accessibility of the studio in headless Chromium: axe-core finds no serious or critical violation on the
 * scored demo, after a sweep, with an error shown, and with a dropped model.
 */
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './axe';
import { useStudioPage } from './browser';
import { dropFiles, fileFromDisk, fileFromText, waitForSettled } from './drop';

const studio = useStudioPage();

async function expectNoSerious(): Promise<void> {
  const violations = await seriousViolations(studio.page);
  if (violations.length > 0) console.warn(JSON.stringify(violations, null, 2));
  expect(violations.map((v) => `${v.id} (${v.impact}, ${v.nodes} nodes)`)).toEqual([]);
}

describe('axe-core finds no serious or critical violation', () => {
  it('on the scored demo', async () => {
    await expectNoSerious();
  });

  it('after a sweep', async () => {
    await studio.page.getByTestId('run-sweep').click();
    await expect.poll(() => studio.page.evaluate(() => window.ctrStudio!.state().sweepRequest !== null)).toBe(true);
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 90_000 });
    // The charts redraw in a background render, a moment after the job ends.
    await expect
      .poll(() => studio.page.getByTestId('chart-rank-auc').locator('.chart-line').count())
      .toBeGreaterThan(0);
    await expectNoSerious();
  });

  it('with an error shown', async () => {
    await dropFiles(studio.page, [fileFromText('model.json', 'this is not JSON')]);
    await studio.page.getByTestId('error').waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    await expectNoSerious();
    await studio.page.getByTestId('error').getByRole('button').click();
  });

  it('with a dropped model', async () => {
    const dir = 'public/demo/models/dcnv2';
    await dropFiles(studio.page, [
      await fileFromDisk(`${dir}/model.json`),
      await fileFromDisk(`${dir}/group1-shard1of1.bin`),
    ]);
    await waitForSettled(studio.page, { modelName: 'model.json' });
    await expectNoSerious();
  });
});
