#!/usr/bin/env node
// Measures how the studio answers (not a test; timings go in the README): serves the built studio with
// `vite preview`, opens it in headless Chromium at 1280×800 and, with a PerformanceObserver('longtask') in the
// page, records every main-thread task over 50 ms while it
//   1. opens and scores the demo (time from navigation to the compressed AUC on screen, the worker idle),
//   2. takes 20 dense-rank slider steps (arrow keys, one every 60 ms): whether the parameter count changed
//      before the next animation frame after each step, and the time from the last step to its AUC,
//   3. runs the default sweep, 4. fine-tunes the plan for one epoch, 5. trains a DNN on a dropped file.
// Repeats RUNS times (a fresh page each) and prints medians with the range, since a shared machine is noisy.
// Usage: node scripts/measure-ui.mjs [RUNS=3]   (builds into its own folder, OUT_DIR, so a concurrent build of dist/
// cannot change what is measured; SKIP_BUILD=1 reuses it; PORT=4319 by default)
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { servePreview } from './preview-server.mjs';

const runs = Number(process.argv[2] ?? 3);
const server = await servePreview(4319);
const url = server.url;

/** Runs in the page before its own scripts: the long-task log, phases, and when the demo was first scored. */
function instrument() {
  const w = window;
  w.__m = { longTasks: [], phases: [{ phase: 'load', at: 0 }], scoredAt: null, steps: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__m.longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const scored = () => {
    const auc = document.querySelector('[data-testid=compressed-auc]');
    return auc && /0\.\d{4}/.test(auc.textContent ?? '') && document.querySelector('[data-testid=job-idle]');
  };
  const watch = new MutationObserver(() => {
    if (w.__m.scoredAt === null && scored()) {
      w.__m.scoredAt = performance.now();
      watch.disconnect();
    }
  });
  document.addEventListener('DOMContentLoaded', () =>
    watch.observe(document.body, { childList: true, subtree: true, characterData: true }),
  );
  // Each slider step: the count before it, and whether it had changed by the next animation frame.
  document.addEventListener(
    'input',
    (e) => {
      if (!(e.target instanceof HTMLInputElement) || e.target.dataset.testid !== 'dense-rank') return;
      const params = () => document.querySelector('[data-testid=planned-params]')?.textContent;
      const step = { at: performance.now(), before: params(), sameFrame: null };
      w.__m.steps.push(step);
      requestAnimationFrame(() => {
        step.sameFrame = params() !== step.before;
      });
    },
    true,
  );
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const summary = (xs) =>
  xs.length ? `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})` : 'n/a';

/** Marks the start of a phase: a long task belongs to the phase in which it started. */
async function setPhase(page, phase) {
  await page.evaluate((p) => {
    window.__m.phases.push({ phase: p, at: performance.now() });
  }, phase);
}

async function waitIdle(page, timeout = 300_000) {
  await page.waitForTimeout(300);
  await page.getByTestId('job-idle').waitFor({ timeout });
}

/** One visit: the figures of each phase. */
async function visit(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(instrument);
  await page.goto(url);
  await page.waitForFunction(() => window.__m.scoredAt !== null, null, { timeout: 120_000, polling: 50 });
  const scoredMs = await page.evaluate(() => window.__m.scoredAt);

  await setPhase(page, 'slider');
  const slider = page.getByTestId('dense-rank');
  await slider.focus();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(60);
  }
  // The AUC of the last step's plan: the first animation frame at which it is the result on screen.
  const aucMs = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const last = window.__m.steps.at(-1).at;
        const tick = () => {
          const s = window.ctrStudio.state();
          if (s.result && s.resultPlan === s.plan) resolve(performance.now() - last);
          else requestAnimationFrame(tick);
        };
        tick();
      }),
  );
  const steps = await page.evaluate(() => window.__m.steps);

  await setPhase(page, 'sweep');
  await page.getByTestId('run-sweep').click();
  await waitIdle(page);

  await setPhase(page, 'fine-tune');
  await page.getByTestId('ft-epochs').fill('1');
  await page.getByTestId('fine-tune').click();
  await page.getByTestId('finetune-result').waitFor({ timeout: 300_000 });
  await waitIdle(page);

  await setPhase(page, 'training');
  const csv = readFileSync('tests/fixtures/criteo_sample_deepctr200.csv');
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'criteo_sample_deepctr200.csv', mimeType: 'text/csv', buffer: csv });
  await waitIdle(page);
  await page.getByTestId('train-kind').selectOption('dnn');
  await page.getByTestId('train').click();
  await page.getByTestId('chart-training').waitFor({ timeout: 120_000 });
  await waitIdle(page);
  await setPhase(page, 'done');

  const longTasks = await page.evaluate(() =>
    window.__m.longTasks.map((t) => ({ ...t, phase: window.__m.phases.findLast((p) => p.at <= t.start).phase })),
  );
  await page.close();
  return { scoredMs, aucMs, steps, longTasks };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = [];
try {
  for (let r = 0; r < runs; r++) {
    const v = await visit(browser);
    results.push(v);
    const byPhase = (p) => v.longTasks.filter((t) => t.phase === p);
    console.log(
      `run ${r + 1}: demo scored ${v.scoredMs.toFixed(0)} ms; ${v.steps.length} steps, count in the same frame ` +
        `${v.steps.filter((s) => s.sameFrame).length}/${v.steps.length}; AUC ${v.aucMs.toFixed(0)} ms after the ` +
        `last step; long tasks ${['load', 'slider', 'sweep', 'fine-tune', 'training']
          .map((p) => `${p} ${byPhase(p).length} (max ${Math.max(0, ...byPhase(p).map((t) => t.ms)).toFixed(0)} ms)`)
          .join(', ')}`,
    );
  }
} finally {
  await browser.close();
  try {
    server.stop();
  } catch {
    /* already gone */
  }
}

console.log(`\nmedian (range) over ${runs} runs, preview build, 1280×800:`);
console.log(`  demo scored after opening: ${summary(results.map((v) => v.scoredMs))} ms`);
const sameFrame = results.map((v) => `${v.steps.filter((s) => s.sameFrame).length}/${v.steps.length}`);
console.log(`  parameter count changed before the next frame: ${sameFrame.join(', ')} steps`);
console.log(`  AUC on screen after the last of 20 steps: ${summary(results.map((v) => v.aucMs))} ms`);
for (const phase of ['load', 'slider', 'sweep', 'fine-tune', 'training']) {
  const tasks = results.map((v) => v.longTasks.filter((t) => t.phase === phase));
  const longest = tasks.map((t) => Math.max(0, ...t.map((x) => x.ms)));
  console.log(`  ${phase}: tasks over 50 ms ${summary(tasks.map((t) => t.length))}, longest ${summary(longest)} ms`);
}
