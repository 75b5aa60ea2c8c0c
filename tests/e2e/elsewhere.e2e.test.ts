/**
 * Models from elsewhere in the studio: a Keras .keras file dropped on the page is converted, its layers are
 * listed, it is compressed data-free (it carries no feature encoding, so the rows cannot feed it: SVD for
 * Dense layers, AFM with uniform id weights for tables, reconstruction error instead of AUC) and exported.
 */
import { describe, expect, it } from 'vitest';
import { SHOTS, useStudioPage } from './browser';
import { dropFiles, fileFromDisk } from './drop';

const studio = useStudioPage();

describe('a Keras model, data-free', () => {
  it('is converted, its layers listed, compressed without data and exported', async () => {
    await dropFiles(studio.page, [await fileFromDisk('tests/fixtures/keras/ctr_keras3.h5py.keras')]);
    await expect.poll(() => studio.page.getByTestId('model-name').textContent(), { timeout: 60_000 }).toBe('ctr_keras3.h5py.keras');
    // The architecture: every layer with its class; Dense and Embedding layers with what compression can do.
    await studio.page.getByTestId('architecture').waitFor();
    expect(await studio.page.getByTestId('arch-emb_C1').textContent()).toMatch(/Embedding.*folds into hidden/);
    expect(await studio.page.getByTestId('arch-concatenate').textContent()).toContain('Concatenate');
    // Data-free: no AUC, a reconstruction error.
    await studio.page.getByTestId('data-free').waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('reconstruction-mean').filter({ hasText: /%$/ }).waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    const s = await studio.page.evaluate(() => window.ctrStudio!.state());
    expect(s.prepared!.dataFree).toBe(true);
    expect(s.result!.reconstruction!.mean).toBeGreaterThanOrEqual(0);
    await studio.page.screenshot({ path: `${SHOTS}/8-keras-data-free.png` });
    await studio.page.getByTestId('export').click();
    await studio.page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    expect(await studio.page.getByTestId('export-check').textContent()).toMatch(/the same weights \(data-free/);
    const exported = await studio.page.evaluate(() => window.ctrStudio!.state().exported);
    expect(exported!.params).toBeLessThan(317);
    expect(exported!.recipe).toMatchObject({ dataFree: true });
  });
});

describe('a PyTorch model exported to ONNX, data-free', () => {
  it('is converted (FM recognised), its layers listed, compressed and exported as tfjs and as ONNX', async () => {
    await dropFiles(studio.page, [await fileFromDisk('tests/fixtures/onnx/deepfm-deepctr-gemm-opset13.onnx')]);
    await expect.poll(() => studio.page.getByTestId('model-name').textContent(), { timeout: 60_000 }).toBe('deepfm-deepctr-gemm-opset13.onnx');
    await studio.page.getByTestId('architecture').waitFor();
    expect(await studio.page.getByTestId('architecture').textContent()).toContain('FMInteraction');
    await studio.page.getByTestId('reconstruction-mean').filter({ hasText: /%$/ }).waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('export').click();
    await studio.page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    const exported = await studio.page.evaluate(() => {
      const e = window.ctrStudio!.state().exported!;
      return { names: e.files.map((f) => f.name), onnxBytes: e.files.find((f) => f.name === 'model.onnx')?.data.byteLength ?? 0, params: e.params };
    });
    expect(exported.names).toEqual(['model.json', 'group1-shard1of1.bin', 'model.onnx']);
    expect(exported.onnxBytes).toBeGreaterThan(1000);
    expect(await studio.page.getByTestId('download-model.onnx').isVisible()).toBe(true);
  });
});

