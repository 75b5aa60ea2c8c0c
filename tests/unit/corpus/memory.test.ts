/**
 * Every refusal of the input corpus by the command line, each in a process of its own, within a memory bound:
 * a hostile file must be refused from what it declares, before its memory is taken. The peak resident memory
 * of the whole process (Node, tsx, tfjs and its WebAssembly included) is read from getrusage at exit. Set
 * CORPUS_MEMORY_LOG=1 to print each case's peak.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectationFor, isOk, loadCases, type CorpusCase } from '../../fixtures/corpus/cases';
import { cliArgs } from './runner';
import { prepareGenerated } from '../../fixtures/corpus/generated';

const ENTRY = fileURLToPath(new URL('./measured-cli.mjs', import.meta.url));
/** The bound the corpus holds every refusal to. */
const PEAK_LIMIT_MIB = 512;
/** Cases run this many processes at a time (the machine has two cores). */
const PARALLEL = 2;

interface Measured {
  id: string;
  code: number | null;
  peakMiB: number;
  err: string;
}

function measure(c: CorpusCase, argv: string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const peak = /maxrss-kib (\d+)\s*$/.exec(err);
      resolve({ id: c.id, code, peakMiB: peak ? Number(peak[1]) / 1024 : Number.NaN, err: err.trim() });
    });
  });
}

const refusals = loadCases().filter((c) => {
  const want = expectationFor(c, 'cli');
  return !('skip' in want) && !isOk(want) && !c.pending?.cli;
});

describe('the command line refuses every hostile case in bounded memory', () => {
  it(`refuses ${refusals.length} cases, each process peaking under ${PEAK_LIMIT_MIB} MiB`, async () => {
    await prepareGenerated(refusals.map((c) => c.generate));
    const queue = [...refusals];
    const results: Measured[] = [];
    const work = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) results.push(await measure(c, await cliArgs(c)));
    };
    await Promise.all(Array.from({ length: PARALLEL }, work));
    if (process.env.CORPUS_MEMORY_LOG) {
      for (const r of [...results].sort((a, b) => b.peakMiB - a.peakMiB))
        process.stdout.write(`${r.peakMiB.toFixed(0).padStart(5)} MiB  ${r.id}\n`);
    }
    expect(results).toHaveLength(refusals.length);
    for (const r of results) {
      expect(r.code, `${r.id}: ${r.err}`).toBe(1);
      expect(r.err, r.id).toMatch(/^error: .+[.]\n+maxrss-kib \d+$/m);
      expect(r.peakMiB, `${r.id} peaked at ${r.peakMiB.toFixed(0)} MiB`).toBeLessThan(PEAK_LIMIT_MIB);
    }
  }, 600_000);
});
