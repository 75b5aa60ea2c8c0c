/**
 * The WebGPU code path: headless Chromium offers only a software (SwiftShader) adapter, which 'auto' skips;
 * forcing WebGPU by name must still score the demo exactly like wasm (AUC to 1e-4).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openStudio } from './browser';
import { studioState, waitForScores } from './drop';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('WebGPU backend', () => {
  it('auto skips the software adapter; forced WebGPU scores the same AUC as wasm to 1e-4', async () => {
    const { page } = await openStudio(browser, inject('baseUrl'));
    await waitForScores(page);
    const wasm = await studioState(page);
    expect(wasm.backend!.backend).toBe('wasm');
    expect(wasm.backend!.webgpu).toBe('fallback'); // SwiftShader: offered, not chosen by default
    await page.getByTestId('backend-select').selectOption('webgpu');
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 60_000 }).toContain('webgpu');
    await expect
      .poll(async () => (await studioState(page)).baseline?.auc ?? null, { timeout: 170_000, interval: 1000 })
      .not.toBeNull();
    const gpu = await studioState(page);
    expect(gpu.backend!.backend).toBe('webgpu');
    console.log(`AUC wasm ${wasm.baseline!.auc.toFixed(6)}, webgpu ${gpu.baseline!.auc.toFixed(6)}`);
    expect(Math.abs(gpu.baseline!.auc - wasm.baseline!.auc)).toBeLessThan(1e-4);
    await page
      .getByTestId('cancel')
      .click()
      .catch(() => {}); // stop the slow software-GPU statistics pass
  });
});
