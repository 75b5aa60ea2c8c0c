/**
 * A model that is itself a compression (an export dropped back) shows its recipe and is scored as it is, not
 * compressed again until the user asks; the demo is scored from the work shipped beside it; and a quantized
 * export says what its model.onnx holds.
 */
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './axe';
import { SHOTS, useStudioPage } from './browser';
import { dropFiles, waitForSettled } from './drop';

const studio = useStudioPage();

describe('an export dropped back', () => {
  it('the demo was scored from its shipped statistics and eigenvectors', async () => {
    const prepared = await studio.page.evaluate(() => window.ctrStudio!.state().prepared);
    expect(prepared).toMatchObject({ precomputed: true, calibrationRows: 8000, dataFree: false });
    expect(prepared!.spectra.some((s) => s.method === 'svd')).toBe(true); // every method's spectrum, shipped too
  });

  it('exports 8-bit weights, with model.onnx holding them decoded to float32', async () => {
    const page = studio.page;
    await page.getByTestId('quantize').selectOption('uint8');
    await page.getByTestId('export').click();
    await page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('export-result').textContent()).toContain(
      'with the 8-bit weights decoded to float32 as tfjs decodes them',
    );
  });

  it('shows its recipe and is scored as it is, not compressed again', async () => {
    const page = studio.page;
    const exported = await page.evaluate(() => {
      const e = window.ctrStudio!.state().exported!;
      return {
        recipe: e.recipe,
        reloadedAuc: e.reloadedAuc,
        files: e.files.map((f) => ({ name: f.name, data: Array.from(new Uint8Array(f.data)) })),
      };
    });
    const back = exported.files
      .filter((f) => f.name !== 'model.onnx')
      .map((f) => ({ name: f.name, bytes: Uint8Array.from(f.data) }));
    await dropFiles(page, back);
    await waitForSettled(page, { modelName: 'model.json' });
    await page.getByTestId('recipe').waitFor();
    const r = exported.recipe;
    expect(await page.getByTestId('recipe-method').textContent()).toBe(
      `AFM, dense rank ${r.denseRank}, embedding rank ${r.embeddingRank}`,
    );
    expect(await page.getByTestId('recipe-layers').textContent()).toMatch(
      new RegExp(`^${Object.keys(r.ranks).length} layers, from statistics of 8,000 rows`),
    );
    const auc = await page.getByTestId('recipe-auc').textContent();
    expect(auc).toContain(`${r.aucBefore!.toFixed(4)} before → ${r.aucAfter!.toFixed(4)} after`);
    expect(auc).toContain(`now ${exported.reloadedAuc.toFixed(4)} on the open rows`);
    expect(await page.getByTestId('recipe-version').textContent()).toContain(`CTR Studio ${r.studioVersion}`);
    expect(await page.getByTestId('recipe').textContent()).toContain('uint8, not fine-tuned');
    // Nothing is prepared or compressed while it is held, even a while later; the sliders are not offered.
    await page.waitForTimeout(1000);
    const held = await page.evaluate(() => {
      const s = window.ctrStudio!.state();
      return { prepared: s.prepared, result: s.result, job: s.job };
    });
    expect(held).toEqual({ prepared: null, result: null, job: null });
    expect(await page.getByTestId('dense-rank').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]); // axe-core: nothing serious or critical on the recipe
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/recipe-held.png` });
  });

  it('is compressed again when the user asks', async () => {
    const page = studio.page;
    await page.getByTestId('compress-again').click();
    await waitForSettled(page, { modelName: 'model.json' });
    const s = await page.evaluate(() => window.ctrStudio!.state());
    expect(s.compressAgain).toBe(true);
    expect(s.prepared).not.toBeNull();
    expect(s.result!.params).toBeLessThan(s.model!.params);
    expect(await page.getByTestId('compress-again').count()).toBe(0);
    expect(await page.getByTestId('recipe').textContent()).toContain('Compressed again below');
    await page
      .getByTestId('compressed-auc')
      .filter({ hasText: /0\.\d{4}/ })
      .waitFor();
    await page.screenshot({ path: `${SHOTS}/recipe-again.png` });
  });
});
