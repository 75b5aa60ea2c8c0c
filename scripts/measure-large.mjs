#!/usr/bin/env node
// Measures the studio on large files (not a test): synthesises ROWS rows of training and test data in
// Criteo's layout (unless they exist), serves the built studio, drops both files into headless Chromium via
// the file picker, and times reading, statistics over every training row and scoring of every test row,
// sampling the resident memory of all Chromium processes (the page, its worker, the GPU process) for the peak.
// Usage: node scripts/measure-large.mjs [ROWS=1000000]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = process.env.TMPDIR ?? '/tmp';
const files = { train: `${dir}/ctr-synth-${rows}-train.tsv`, test: `${dir}/ctr-synth-${rows}-test.tsv` };
for (const [role, path] of Object.entries(files)) {
  if (!existsSync(path))
    spawnSync(
      'node',
      ['bin/ctr-studio.mjs', 'synth', '--rows', String(rows), '--seed', role === 'train' ? '1' : '2', '--out', path],
      { stdio: 'inherit' },
    );
}
if (!existsSync('dist/index.html')) spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
const server = spawn('npx', ['vite', 'preview', '--port', '4311', '--strictPort', '--host', '127.0.0.1'], {
  stdio: 'ignore',
  detached: true,
});
await new Promise((r) => setTimeout(r, 2500));

/** Resident memory (MB) of every process whose command line is Chromium's. */
function chromiumRssMb() {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      /* process ended */
    }
  }
  return kb / 1024;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
});
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, chromiumRssMb());
}, 250);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto('http://127.0.0.1:4311/');
  await page
    .getByTestId('compressed-auc')
    .filter({ hasText: /0\.\d{4}/ })
    .waitFor({ timeout: 120_000 });
  await page.getByTestId('job-idle').waitFor({ timeout: 120_000 });
  const idle = chromiumRssMb();
  const t0 = Date.now();
  const stages = [];
  let last = '';
  const watch = setInterval(
    async () => {
      const label = await page
        .getByTestId('job')
        .textContent({ timeout: 1000 })
        .catch(() => null);
      const stage = label?.split('…')[0] ?? 'idle';
      if (stage !== last) {
        stages.push({ stage, at: (Date.now() - t0) / 1000 });
        last = stage;
      }
      if (process.env.VERBOSE)
        console.error(
          `${((Date.now() - t0) / 1000).toFixed(0)} s: ${label ?? 'idle'} (chromium ${Math.round(chromiumRssMb())} MB)`,
        );
    },
    process.env.VERBOSE ? 5000 : 200,
  );
  await page.getByTestId('file-input').setInputFiles([files.train, files.test]);
  // Done when the new rows are scored, statistics collected and the plan evaluated on them.
  await page.waitForFunction(
    (n) => {
      const s = window.ctrStudio.state();
      return (
        s.job === null &&
        s.prepared !== null &&
        s.result !== null &&
        s.resultPlan === s.plan &&
        s.data.some((d) => d.role === 'test' && d.rows === n)
      );
    },
    rows,
    { timeout: 3_600_000, polling: 500 },
  );
  clearInterval(watch);
  const seconds = (Date.now() - t0) / 1000;
  const state = await page.evaluate(() => {
    const s = window.ctrStudio.state();
    return {
      data: s.data,
      baseline: s.baseline,
      prepared: s.prepared && { calibrationRows: s.prepared.calibrationRows, statisticsMs: s.prepared.statisticsMs },
    };
  });
  console.log(
    JSON.stringify(
      { rows, seconds, stages, peakChromiumRssMb: Math.round(peak), idleChromiumRssMb: Math.round(idle), ...state },
      null,
      2,
    ),
  );
} finally {
  clearInterval(sampler);
  await browser.close();
  process.kill(-server.pid);
}
