/**
 * Beyond the paper, in the studio: automatic ranks for a budget (never exceeded), fine-tuning with a live
 * curve and the best checkpoint, AFM + activation (flagged as needing fine-tuning), and a quantized export
 * that is loaded back, rescored and sized before it is offered.
 */
import { describe, expect, it } from 'vitest';
import { SHOTS, useStudioPage } from './browser';
import { studioState, waitForScores } from './drop';

const studio = useStudioPage();

describe('fine-tuning, automatic ranks, activation, quantized export', () => {
  it('chooses ranks for a third of the parameters and stays within the budget', async () => {
    await studio.page.getByTestId('auto-ranks').click();
    await studio.page.getByTestId('auto-result').waitFor({ timeout: 60_000 });
    // Wait for the new plan's own result (the previous plan's result may still be on screen).
    await expect
      .poll(
        () =>
          studio.page.evaluate(() => {
            const st = window.ctrStudio!.state();
            return st.resultPlan === st.plan && st.result !== null;
          }),
        { timeout: 30_000 },
      )
      .toBe(true);
    const s = await studio.page.evaluate(() => {
      const st = window.ctrStudio!.state();
      return { auto: st.autoRanks, result: st.result, original: st.model!.params };
    });
    expect(s.auto!.candidates.length).toBeGreaterThan(1);
    expect(s.result!.params).toBeLessThanOrEqual(s.auto!.budget);
    expect(s.auto!.budget).toBeLessThanOrEqual(Math.ceil(s.original * 0.33));
    await expect
      .poll(async () => Number((await studio.page.getByTestId('planned-params').textContent())!.replace(/,/g, '')))
      .toBe(s.result!.params);
    // The chosen ranks are on the page: per layer under the global sliders and in each row, or on the sliders.
    const plan = (await studioState(studio.page)).plan!;
    const own = Object.entries(plan.overrides ?? {}).find(([, r]) => r !== null);
    if (own) {
      const kind = await studio.page.evaluate(
        (name) => window.ctrStudio!.state().model!.inventory.find((l) => l.name === name)!.kind,
        own[0],
      );
      expect(await studio.page.getByTestId(`${kind}-per-layer`).textContent()).toMatch(/own rank/);
      expect(await studio.page.getByTestId(`layer-${own[0]}`).locator('output').textContent()).toBe(String(own[1]));
    } else {
      expect(await studio.page.getByTestId('dense-rank-value').textContent()).toBe(String(plan.denseRank ?? 'keep'));
    }
  });

  it('fine-tunes the plan in the worker with a live curve and keeps the best checkpoint', async () => {
    await studio.page.getByTestId('ft-epochs').fill('1');
    await studio.page.getByTestId('fine-tune').click();
    await studio.page.getByTestId('chart-training').waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('finetune-result').waitFor({ timeout: 120_000 });
    const s = await studio.page.evaluate(() => window.ctrStudio!.state());
    expect(s.fineTuneEpochs[0].epoch).toBe(0); // the compressed start is checkpoint 0
    const best = Math.max(...s.fineTuneEpochs.map((e) => e.validAuc));
    expect(s.fineTuneEpochs.find((e) => e.epoch === s.fineTuned!.bestEpoch)!.validAuc).toBe(best);
    expect(await studio.page.getByTestId('finetune-result').textContent()).toMatch(/test AUC \d\.\d{4}/);
    // The headline numbers are the fine-tuned model's (the one export uses), and say so.
    expect(await studio.page.getByTestId('compressed-auc').textContent()).toBe(s.fineTuned!.auc.toFixed(4));
    expect(await studio.page.getByTestId('auc-label').textContent()).toMatch(/fine-tuned/);
    expect(await studio.page.getByTestId('untuned-auc').textContent()).toContain(s.result!.auc.toFixed(4));
  });

  it('exports the fine-tuned model quantized to 8 bits, checked after reloading', async () => {
    await studio.page.getByTestId('quantize').selectOption('uint8');
    await studio.page.getByTestId('export').click();
    await studio.page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    const e = (await studio.page.evaluate(() => window.ctrStudio!.state().exported))!;
    expect(e.weightBytes * 4).toBe(e.float32Bytes);
    expect(e.recipe).toMatchObject({
      quantization: 'uint8',
      fineTune: expect.objectContaining({ epochs: expect.any(Number) }),
    });
    expect(Math.abs(e.reloadedAuc - e.auc)).toBeLessThan(5e-3); // 8-bit weights move the AUC a little, not a lot
    await studio.page.getByTestId('finetune-panel').scrollIntoViewIfNeeded();
    await studio.page.screenshot({ path: `${SHOTS}/7-finetune-auto-quantize.png` });
  });

  it('AFM + activation is flagged as needing fine-tuning, and cannot be exported untuned', async () => {
    await studio.page.getByTestId('activation').check();
    await studio.page.getByTestId('activation-note').waitFor();
    await waitForScores(studio.page);
    await expect.poll(() => studio.page.url()).toContain('act=1');
    await studio.page.getByTestId('quantize').selectOption('none');
    await studio.page.getByTestId('export').click();
    await studio.page.getByTestId('error').waitFor({ timeout: 30_000 });
    expect(await studio.page.getByTestId('error').textContent()).toMatch(/must be fine-tuned before it is exported/);
    const s = await studioState(studio.page);
    expect(s.result!.auc).toBeGreaterThan(0.7); // the shifted-ReLU start is (nearly) the AFM model
  });
});
