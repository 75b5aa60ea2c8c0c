/**
 * Models from elsewhere in the studio: a Keras .keras file dropped on the page is converted, its layers are
 * listed, it is compressed data-free (it carries no feature encoding, so the rows cannot feed it: SVD for
 * Dense layers, AFM with uniform id weights for tables, reconstruction error instead of AUC) and exported.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openStudio, SHOTS } from './browser';
import { dropFiles, fileFromDisk, waitForScores } from './drop';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = (await openStudio(browser, inject('baseUrl'))).page;
  await waitForScores(page);
});

afterAll(async () => {
  await browser?.close();
});

describe('a Keras model, data-free', () => {
  it('is converted, its layers listed, compressed without data and exported', async () => {
    await dropFiles(page, [await fileFromDisk('tests/fixtures/keras/ctr_keras3.h5py.keras')]);
    await expect.poll(() => page.getByTestId('model-name').textContent(), { timeout: 60_000 }).toBe('ctr_keras3.h5py.keras');
    // The architecture: every layer with its class; Dense and Embedding layers with what compression can do.
    await page.getByTestId('architecture').waitFor();
    expect(await page.getByTestId('arch-emb_C1').textContent()).toMatch(/Embedding.*folds into hidden/);
    expect(await page.getByTestId('arch-concatenate').textContent()).toContain('Concatenate');
    // Data-free: no AUC, a reconstruction error.
    await page.getByTestId('data-free').waitFor({ timeout: 60_000 });
    await page.getByTestId('reconstruction-mean').filter({ hasText: /%$/ }).waitFor({ timeout: 60_000 });
    await page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    const s = await page.evaluate(() => window.ctrStudio!.state());
    expect(s.prepared!.dataFree).toBe(true);
    expect(s.result!.reconstruction!.mean).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/8-keras-data-free.png` });
    await page.getByTestId('export').click();
    await page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('export-check').textContent()).toMatch(/the same weights \(data-free/);
    const exported = await page.evaluate(() => window.ctrStudio!.state().exported);
    expect(exported!.params).toBeLessThan(317);
    expect(exported!.recipe).toMatchObject({ dataFree: true });
  });
});

describe('a PyTorch model exported to ONNX, data-free', () => {
  it('is converted (FM recognised), its layers listed, compressed and exported as tfjs and as ONNX', async () => {
    await dropFiles(page, [await fileFromDisk('tests/fixtures/onnx/deepfm-deepctr-gemm-opset13.onnx')]);
    await expect.poll(() => page.getByTestId('model-name').textContent(), { timeout: 60_000 }).toBe('deepfm-deepctr-gemm-opset13.onnx');
    await page.getByTestId('architecture').waitFor();
    expect(await page.getByTestId('architecture').textContent()).toContain('FMInteraction');
    await page.getByTestId('reconstruction-mean').filter({ hasText: /%$/ }).waitFor({ timeout: 60_000 });
    await page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    await page.getByTestId('export').click();
    await page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    const exported = await page.evaluate(() => {
      const e = window.ctrStudio!.state().exported!;
      return { names: e.files.map((f) => f.name), onnxBytes: e.files.find((f) => f.name === 'model.onnx')?.data.byteLength ?? 0, params: e.params };
    });
    expect(exported.names).toEqual(['model.json', 'group1-shard1of1.bin', 'model.onnx']);
    expect(exported.onnxBytes).toBeGreaterThan(1000);
    expect(await page.getByTestId('download-model.onnx').isVisible()).toBe(true);
  });
});

