/** axe-core (from npm) run inside a studio page: the serious and critical violations, one line each. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let source: string | null = null;

/** One violation: the rule, its impact, and where (the first few targets, with axe's summary of the first). */
export interface Violation {
  id: string;
  impact: string;
  nodes: number;
  where: string[];
  /** axe's distinct failure summaries (colour pairs, missing names), at most five. */
  summary: string[];
}

/**
 * Runs axe-core on the whole page and returns the violations of impact serious or critical. The script is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
 */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  source ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const has = await page.evaluate(() => 'axe' in window);
  if (!has) await page.evaluate(source);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe's global, typed by axe-core but not in the page's types
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return (
      result.violations as {
        id: string;
        impact: string;
        nodes: { target: string[]; failureSummary: string }[];
      }[]
    )
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.length,
        where: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
        summary: [...new Set(v.nodes.map((n) => n.failureSummary.replace(/^Fix any of the following:\s*/, '')))].slice(
          0,
          5,
        ),
      }));
  });
}
