/**
 * Keras files as people save them, dropped on the studio: a two-tower model whose towers are nested Sequential
 * and Functional models with free-form names (flattened: every tower layer listed with its file name, counted
 * and compressed data-free), and a weights-only file dropped together with its model.to_json() architecture.
 * The files are written here in Keras' layouts (tests/fixtures/keras) and dropped as a user would.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SHOTS, launchBrowser, openStudio } from './browser';
import { dropFiles, studioState } from './drop';
import { randomWeights, strToU8 } from '../fixtures/keras/build';
import { legacyH5, saveWeightsH5, toJsonTfKeras } from '../fixtures/keras/files';
import { TWO_TOWER } from '../fixtures/keras/models';

// The page is ready once the drop zone is there and no job runs (the drops below replace the demo).
const studio = {} as { page: Page; browser: Browser };
beforeAll(async () => {
  studio.browser = await launchBrowser();
  studio.page = (await openStudio(studio.browser, inject('baseUrl'))).page;
  await studio.page.getByTestId('dropzone').waitFor({ timeout: 60_000 });
  // The demo's first work has ended (scored, or stopped with a message) before anything is dropped.
  await studio.page.waitForFunction(
    () => {
      const s = window.ctrStudio?.state();
      return Boolean(s && (s.result || s.error));
    },
    undefined,
    { timeout: 120_000 },
  );
  await studio.page.getByTestId('job-idle').waitFor({ timeout: 90_000 });
});
afterAll(async () => {
  await studio.browser?.close();
});
const weights = randomWeights(TWO_TOWER, 7);
const totalParams = [...weights.values()].flat().reduce((s, a) => s + a.data.length, 0);

describe('a two-tower Keras model with nested towers and free-form names', () => {
  it('opens flat, lists every tower layer with its file name and compresses inside the towers', async () => {
    const bytes = await legacyH5(TWO_TOWER, weights, { dialect: 'tf.keras2' });
    await dropFiles(studio.page, [{ name: 'two tower.h5', bytes }]);
    await expect
      .poll(() => studio.page.getByTestId('model-name').textContent(), { timeout: 60_000 })
      .toBe('two tower.h5');
    await studio.page.getByTestId('architecture').waitFor();
    expect(await studio.page.getByTestId('arch-User_s_features').textContent()).toContain("User's features");
    expect(await studio.page.getByTestId('arch-item_mlp_hidden').textContent()).toMatch(
      /item tower \/ item mlp \/ hidden.*Dense/,
    );
    await studio.page.getByTestId('data-free').waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('reconstruction-mean').filter({ hasText: /%$/ }).waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    const s = await studioState(studio.page);
    expect(s.model!.params).toBe(totalParams);
    // Ranks below every tower layer's break-even: a layer in each tower (and in the nested MLP) is replaced.
    await studio.page.evaluate(() => window.ctrStudio!.actions.setPlan({ denseRank: 2, embeddingRank: 2 }));
    const replaced = () =>
      studio.page.evaluate(() => Object.keys(window.ctrStudio!.state().result?.reconstruction?.perLayer ?? {}));
    await expect
      .poll(replaced, { timeout: 60_000 })
      .toEqual(expect.arrayContaining(['hidden', 'item_mlp_hidden', 'item_embedding']));
    expect((await studio.page.evaluate(() => window.ctrStudio!.state())).error).toBeNull();
    await studio.page.screenshot({ path: `${SHOTS}/12-keras-two-tower.png` });
  });
});

describe('a Keras weights-only file with its architecture', () => {
  it('opens when both are dropped together', async () => {
    await dropFiles(studio.page, [
      { name: 'weights.h5', bytes: await saveWeightsH5(TWO_TOWER, weights) },
      { name: 'architecture.json', bytes: strToU8(toJsonTfKeras(TWO_TOWER)) },
    ]);
    await expect
      .poll(() => studio.page.getByTestId('model-name').textContent(), { timeout: 60_000 })
      .toBe('weights.h5');
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    const s = await studioState(studio.page);
    expect(s.model!.params).toBe(totalParams);
    expect((await studio.page.evaluate(() => window.ctrStudio!.state())).error).toBeNull();
  });
});
