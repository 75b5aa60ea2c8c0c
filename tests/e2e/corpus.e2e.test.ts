/**
 * The input corpus (tests/fixtures/corpus/cases.json) dropped into the real studio, one case at a time, on
 * top of the demo: each ends in its error banner sentence or its success (the model opened, the rows read),
 * and the page stays usable: no page error, no tab crash, the job bar back to idle, the worker answering. A
 * refusal names the dropped files and says the open model is unchanged. The main thread's long tasks during
 * each drop are recorded (PerformanceObserver 'longtask'); with LONGTASK_REPORT=file.json they are written
 * there, as figures to read rather than a timing assertion.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openStudio } from './browser';
import { dropFiles, studioState, waitForScores } from './drop';
import { prepareGenerated } from '../fixtures/corpus/generated';
import { caseFiles, expectationFor, isOk, loadCases, type CorpusCase, type Expect } from '../fixtures/corpus/cases';

const DEMO_ID = 'deepfm';
const cases = loadCases();
let browser: Browser;
let page: Page;
let pageErrors: string[];
let demo: { model: string; data: string[] };
/** The longest main-thread task (ms) seen while each case was dropped and handled, and how many passed 50 ms. */
const longTasks: Record<string, { longestMs: number; over50: number }> = {};

/** Starts collecting long tasks afresh; the page keeps them in window.__longTasks. */
async function watchLongTasks(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[]; __observer?: PerformanceObserver };
    w.__longTasks = [];
    if (w.__observer) return;
    w.__observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    });
    w.__observer.observe({ type: 'longtask', buffered: false });
  });
}

async function recordLongTasks(id: string): Promise<void> {
  const tasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  longTasks[id] = { longestMs: Math.round(Math.max(0, ...tasks)), over50: tasks.length };
}

/** What identifies the demo being open: its model and its two files. */
async function openState(): Promise<{ model: string; data: string[] }> {
  const s = await studioState(page);
  return { model: s.model?.name ?? '', data: s.data.map((d) => `${d.role}:${d.name}:${d.rows}`) };
}

async function dismissError(): Promise<void> {
  const banner = page.getByTestId('error');
  if (await banner.count()) await banner.locator('button').click();
  await banner.waitFor({ state: 'detached', timeout: 10_000 });
}

/**
 * Waits until the scores on screen stop changing: opening a model or rows scores the plan twice (once at the
 * end of the analysis, once from the plan effect 60 ms after "prepared"), and a drop that lands between the
 * two makes the second fail with "The statistics are not ready yet" (a studio race, reported separately).
 */
async function settle(): Promise<void> {
  await waitForScores(page);
  let last = '';
  let same = 0;
  const end = Date.now() + 15_000;
  while (same < 4 && Date.now() < end) {
    await page.waitForTimeout(100);
    const now = await page.evaluate(() =>
      JSON.stringify([window.ctrStudio!.state().result, window.ctrStudio!.state().job]),
    );
    same = now === last ? same + 1 : 0;
    last = now;
  }
}

/** Reopens the demo when a case changed what is open, so every case starts from the same studio. */
async function backToDemo(): Promise<void> {
  const now = await openState();
  if (now.model === demo.model && now.data.join() === demo.data.join()) return;
  await page.evaluate((id) => window.ctrStudio!.actions.openDemo(id), DEMO_ID);
  await settle();
  expect(await openState()).toEqual(demo);
}

/** The page is still usable: no page error, no job left running, the worker answers. */
async function expectUsable(): Promise<void> {
  await page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
  expect(await page.evaluate(() => window.ctrStudio!.api()!.ping())).toBe('pong');
  expect(pageErrors).toEqual([]);
}

async function checkCase(c: CorpusCase, want: Expect): Promise<void> {
  await dismissError();
  const before = await openState();
  const files = caseFiles(c);
  await watchLongTasks();
  await dropFiles(page, files);
  if (!isOk(want)) {
    const sentence = page.getByTestId('error').locator('span');
    await sentence.waitFor({ timeout: 60_000 });
    // The error's own sentence, without what the studio adds when it refuses a drop ("X was not opened, ...").
    const own = (text: string | null) => {
      const t = text ?? '';
      const at = t.lastIndexOf('. ', t.lastIndexOf(' not opened, and '));
      return at >= 0 ? t.slice(0, at + 1) : t;
    };
    await expect
      .poll(async () => own(await sentence.textContent()), { timeout: 10_000 })
      .toMatch(new RegExp(want.sentence));
    expect(await sentence.textContent()).toMatch(/[.]$/);
    await expectUsable();
    await recordLongTasks(c.id);
    // A broken model never replaces the open one, and the banner names the refused file and says so. (A data
    // file can also be refused later, when it is scored: then it was opened.)
    expect((await openState()).model).toBe(before.model);
    if (c.kind === 'model') {
      expect(await sentence.textContent()).toMatch(/ (was|were) not opened, and the open model is unchanged\.$/);
      expect(await sentence.textContent()).toContain(files[0].name);
    }
    return;
  }
  if (c.kind === 'model') {
    const modelFile = files.find((f) => /\.(json|onnx|h5|keras|zip)$/i.test(f.name))!.name;
    const opened = modelFile.endsWith('.zip') ? 'model.json' : modelFile;
    await expect.poll(async () => (await studioState(page)).model?.name, { timeout: 60_000 }).toBe(opened);
    const s = await studioState(page);
    if (want.params !== undefined) expect(s.model!.params).toBe(want.params);
  } else {
    // A dropped file is the training file; its last 20% is the test split (listed as "name (last 20%)").
    const name = files[0].name;
    const rowsOf = async () =>
      (await studioState(page)).data
        .filter((d) => d.name === name || d.name.startsWith(`${name} (`))
        .reduce((n, d) => n + d.rows, 0);
    await expect.poll(rowsOf, { timeout: 60_000 }).toBe(want.rows);
    const d = (await studioState(page)).data.find((x) => x.name === name)!;
    if (want.badRows !== undefined) expect(d.badRows).toBe(want.badRows);
  }
  await expectUsable();
  await recordLongTasks(c.id);
  expect((await studioState(page)).error).toBeNull();
}

beforeAll(async () => {
  await prepareGenerated(cases.map((c) => c.generate));
  browser = await launchBrowser();
  const opened = await openStudio(browser, inject('baseUrl'));
  page = opened.page;
  pageErrors = opened.pageErrors;
  await settle();
  demo = await openState();
  expect(demo.model).toContain(DEMO_ID);
});

afterAll(async () => {
  await browser?.close();
  if (process.env.LONGTASK_REPORT) writeFileSync(process.env.LONGTASK_REPORT, JSON.stringify(longTasks, null, 2));
});

describe('the corpus dropped into the studio', () => {
  for (const c of cases) {
    const want = expectationFor(c, 'studio');
    if ('skip' in want) {
      it.skip(`${c.id} (${want.skip})`, () => {});
      continue;
    }
    const title = `${c.id}: ${isOk(want) ? 'ok' : want.code}`;
    const run = async () => {
      try {
        await checkCase(c, want);
      } finally {
        await dismissError().catch(() => {});
        await backToDemo();
      }
    };
    if (c.pending?.studio) it.fails(`${title} [pending: ${c.pending.studio}]`, run);
    else it(title, run);
  }
});
