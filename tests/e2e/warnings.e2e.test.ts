/**
 * Degenerate scores are said beside the headline AUC: the demo shows no warning; the demo DeepFM with its
 * linear bias raised to 800 (every test probability saturated at 1), dropped onto the open demo rows, shows a
 * visible alert saying so, for the original and for the compressed model and their comparison.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { SHOTS, useStudioPage } from './browser';
import { dropFiles, studioState, waitForSettled } from './drop';

const studio = useStudioPage();
const DEMO_MODEL = 'public/demo/models/deepfm';

/** The demo DeepFM's files with the float32 weight `name` set to `value`. */
async function demoWithWeight(name: string, value: number) {
  const json = await readFile(`${DEMO_MODEL}/model.json`);
  const bin = await readFile(`${DEMO_MODEL}/group1-shard1of1.bin`);
  const manifest = JSON.parse(json.toString('utf8')).weightsManifest[0].weights as { name: string; shape: number[] }[];
  let offset = 0;
  for (const w of manifest) {
    if (w.name === name) bin.writeFloatLE(value, offset);
    offset += 4 * w.shape.reduce((a, b) => a * b, 1);
  }
  return [
    { name: 'group1-shard1of1.bin', bytes: new Uint8Array(bin) },
    { name: 'model.json', bytes: new Uint8Array(json) },
  ];
}

describe('warnings about degenerate scores', () => {
  it('the demo shows none; a saturated model shows an alert beside the AUC', async () => {
    const { page } = studio;
    expect(await page.getByTestId('score-warnings').count()).toBe(0);
    expect((await studioState(page)).baseline!.warnings).toEqual([]);
    const previous = (await studioState(page)).model!.params;
    await dropFiles(page, await demoWithWeight('lin_out/bias', 800));
    await waitForSettled(page, { modelName: 'model.json' });
    expect((await studioState(page)).model!.params).toBe(previous); // the same architecture, another bias
    const alert = page.getByTestId('score-warnings');
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await alert.isVisible()).toBe(true);
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(/The original model gives 100\.0% of the 2000 test rows a click probability within 1e-6/);
    expect(text).toMatch(/The comparison of the compressed model with the original model cannot tell anything/);
    // Dark text on a light background (contrast above 4.5:1, computed from the rendered colours).
    const contrast = await alert.evaluate((el) => {
      const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: number[]) => {
        const [r, g, b] = c.map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const style = getComputedStyle(el);
      const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
    expect(contrast).toBeGreaterThan(4.5);
    await page.screenshot({ path: `${SHOTS}/warning-saturated.png` });
  });
});
