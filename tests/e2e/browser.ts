/** Launching Debian's Chromium with playwright-core, with the flags that work on this machine. */
import { afterAll, beforeAll, inject } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitForScores } from './drop';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--enable-unsafe-webgpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page at 1280×800 that records every request outside the page's own origin, every page error, and every
 * Content-Security-Policy violation the console reports (page and worker).
 */
export async function openStudio(
  browser: Browser,
  url: string,
): Promise<{ page: Page; foreignRequests: string[]; pageErrors: string[]; cspViolations: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const origin = new URL(url).origin;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  context.on('request', (req) => {
    const u = req.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreignRequests.push(u);
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('crash', () => pageErrors.push('the tab crashed'));
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|compile|create|connect)/.test(m.text()))
      cspViolations.push(m.text());
  });
  await page.goto(url);
  return { page, foreignRequests, pageErrors, cspViolations };
}

/**
 * Where the tests put their screenshots: test-results/screenshots (ignored by git) unless
 * SCREENSHOTS=docs, which refreshes the README's images in docs/screenshots.
 */
export const SHOTS = process.env.SCREENSHOTS === 'docs' ? 'docs/screenshots' : 'test-results/screenshots';

/**
 * One browser and one studio page for a whole test file (opened before its tests, closed after), waiting
 * until the demo is scored. Call at the top level of a test file; read `.page` inside the tests.
 */
export function useStudioPage(): {
  page: Page;
  browser: Browser;
  foreignRequests: string[];
  pageErrors: string[];
  cspViolations: string[];
} {
  const ctx = {} as ReturnType<typeof useStudioPage>;
  beforeAll(async () => {
    ctx.browser = await launchBrowser();
    Object.assign(ctx, await openStudio(ctx.browser, inject('baseUrl')));
    await waitForScores(ctx.page);
  });
  afterAll(async () => {
    await ctx.browser?.close();
  });
  return ctx;
}
