/**
 * A model saved by the CLI (in Node, wasm backend) loads in the studio's browser worker and gives the same
 * predictions there, to 1e-5: the shipped demo DeepFM, and a model the test trains with the CLI just now.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { encodeBatch } from '../../src/core/data';
import { loadData, loadStudioModel } from '../../src/cli/shared/io';
import { main } from '../../src/cli/main';
import { launchBrowser, openStudio } from './browser';

const TEST_TSV = 'public/demo/criteo/test.tsv';

async function nodePredictions(modelPath: string): Promise<Float32Array> {
  const { model, meta } = await loadStudioModel(modelPath);
  const data = await loadData(TEST_TSV);
  return model.probabilities(meta.encoding, encodeBatch(meta.encoding, data.raw, data.schema));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('Node ↔ browser parity', () => {
  it('the demo DeepFM scores the same in the browser worker as in Node', async () => {
    const { page, pageErrors } = await openStudio(browser, inject('baseUrl'));
    await page
      .getByTestId('compressed-auc')
      .filter({ hasText: /0\.\d{4}/ })
      .waitFor({ timeout: 60_000 });
    const browserProbs: number[] = await page.evaluate(async () =>
      Array.from(await window.ctrStudio!.api()!.predict()),
    );
    const nodeProbs = await nodePredictions('public/demo/models/deepfm/model.json');
    expect(browserProbs.length).toBe(2000);
    expect(maxAbsDiff(browserProbs, nodeProbs)).toBeLessThan(1e-5);
    expect(pageErrors).toEqual([]);
  });

  it('a model just trained by the CLI loads from dropped files and agrees to 1e-5', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctr-parity-'));
    const code = await main([
      'train',
      '--model',
      'widedeep',
      '--train',
      'public/demo/criteo/train.tsv',
      '--out',
      dir,
      '--tower',
      '32,16',
      '--epochs',
      '1',
      '--quiet',
    ]);
    expect(code).toBe(0);
    const files = await Promise.all(
      (await readdir(dir)).map(async (name) => ({ name, bytes: Array.from(await readFile(join(dir, name))) })),
    );
    const { page } = await openStudio(browser, inject('baseUrl'));
    await page
      .getByTestId('compressed-auc')
      .filter({ hasText: /0\.\d{4}/ })
      .waitFor({ timeout: 60_000 });
    const browserProbs: number[] = await page.evaluate(async (payload) => {
      const api = window.ctrStudio!.api()!;
      await api.loadModel(payload.map((f) => ({ name: f.name, data: new Uint8Array(f.bytes).buffer })));
      return Array.from(await api.predict());
    }, files);
    expect(maxAbsDiff(browserProbs, await nodePredictions(dir))).toBeLessThan(1e-5);
  });
});
