#!/usr/bin/env node
// Inference speed of the compressed demo DeepFM in the browser, as the studio's latency chart measures it (not a
// test; figures go in the README): serves the built studio with `vite preview`, opens the demo in headless
// Chromium, presses "Measure latency" for the demo's default plan (AFM, dense rank 64, embedding rank 4) and
// reads what the chart draws: per batch size, the median milliseconds per batch of the original and the
// compressed model over the studio's timed runs (the two taking turns), and their ratio in rows per second.
// Usage: node scripts/measure-latency.mjs [PAGES=3]   (a fresh page each; OUT_DIR, SKIP_BUILD, PORT as in
// scripts/preview-server.mjs; PORT=4320 by default)
import { chromium } from 'playwright-core';
import { servePreview } from './preview-server.mjs';

const pages = Number(process.argv[2] ?? 3);
const server = await servePreview(4320);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const ratios = new Map(); // batch size → compressed/original rows per second, one per page
const range = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
try {
  for (let p = 0; p < pages; p++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page
      .getByTestId('compressed-auc')
      .filter({ hasText: /0\.\d{4}/ })
      .waitFor({ timeout: 180_000 });
    await page.getByTestId('job-idle').waitFor({ timeout: 180_000 });
    const backend = await page.evaluate(() => window.ctrStudio.state().backend);
    await page.getByTestId('measure-latency').click();
    await page.waitForFunction(() => window.ctrStudio.state().latency?.length > 0, null, { timeout: 600_000 });
    const latency = await page.evaluate(() => window.ctrStudio.state().latency);
    for (const l of latency) {
      const ratio = l.compressedRowsPerSec / l.originalRowsPerSec;
      ratios.set(l.batchSize, [...(ratios.get(l.batchSize) ?? []), ratio]);
      const runs = (xs) => (xs ? ` (runs ${range(xs)} ms)` : '');
      console.log(
        `page ${p + 1}, ${JSON.stringify(backend)}, batch ${l.batchSize}: original ` +
          `${l.originalMsPerBatch.toFixed(2)} ms${runs(l.originalRuns)}, compressed ` +
          `${l.compressedMsPerBatch.toFixed(2)} ms${runs(l.compressedRuns)}: ${ratio.toFixed(2)}x the rows/s`,
      );
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.stop();
}
for (const [batch, xs] of ratios)
  console.log(
    `batch ${batch}: compressed/original rows/s median ${median(xs).toFixed(2)}x (${range(xs)}), ${xs.length} pages`,
  );
