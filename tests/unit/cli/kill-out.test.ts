/**
 * `ctr-studio compress --out DIR` stopped by SIGKILL at seeded random points, over a complete model of another
 * method: after every kill DIR holds the old complete model or the new complete one, never the model.json of
 * one run beside the weights of the other. Half the kills come at a random point of a run (40-110% of how long
 * the first one took), half within 30 ms of the run starting to write (when its `DIR.tmp-<pid>` appears),
 * where a kill used to leave a mixture. The
 * runs are separate processes (SIGKILL cannot be caught); nothing here depends on how long anything takes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadStudioModel } from '../../../src/cli/shared/io';
import { createRng } from '../../../src/core/random';
import { siblingOf } from '../../../src/node/atomic';
import { tf } from '../../../src/tf/tfjs';
import { runCli } from '../../helpers/cli';

const TEST = 'public/demo/criteo/test.tsv';
const COMMON = [
  ...['bin/ctr-studio.mjs', 'compress', '--model', 'public/demo/models/deepfm'],
  ...['--train', 'public/demo/criteo/train.tsv', '--test', TEST, '--dense-rank', '32', '--embedding-rank', '4'],
];
const METHOD_ARGS = { afm: ['--method', 'afm', '--calibration-rows', '2000'], svd: ['--method', 'svd'] };
type Method = keyof typeof METHOD_ARGS;
const KILLS = 6;

let parent: string;
let out: string;

/** Runs compress with `method` into `out`; `kill` may stop it (given the child's pid, it resolves when to). */
async function compress(method: Method, kill?: (pid: number, exited: Promise<unknown>) => Promise<void>) {
  const child = spawn(process.execPath, [...COMMON, ...METHOD_ARGS[method], '--out', out], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => void (err += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  if (kill) {
    await Promise.race([kill(child.pid!, exited), exited]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  return { ...(await exited), err };
}

/** A promise settled when the run with this pid starts writing (its temporary folder appears) or exits. */
function whenWriting(pid: number, extraMs: number, exited: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const name = basename(siblingOf(out, 'tmp', pid));
    const watcher = watch(parent, (_, f) => {
      if (f !== name) return;
      watcher.close();
      setTimeout(resolve, extraMs);
    });
    exited.then(() => {
      watcher.close();
      resolve();
    });
  });
}

/** What `out` holds: the method of its complete model (checked by loading and scoring it). */
async function holds(): Promise<Method> {
  const names = await readdir(parent);
  if (!names.includes(basename(out))) {
    // Stopped between the two renames of the swap: the loader says where the complete new model is.
    const cli = await runCli(['evaluate', '--model', out, '--data', TEST]);
    expect(cli.err).toMatch(/is missing because a write to it was stopped halfway, and the new model is complete in/);
    const tmp = await loadStudioModel(join(parent, names.find((n) => n.startsWith(`${basename(out)}.tmp-`))!));
    tmp.model.dispose();
    return tmp.meta.compression!.method as Method;
  }
  // The weights are the ones model.json was written with (hashed here independently of the loader's check).
  const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
  const shard = await readFile(join(out, 'group1-shard1of1.bin'));
  expect(json.weightsSha256['group1-shard1of1.bin']).toBe(createHash('sha256').update(shard).digest('hex'));
  const loaded = await loadStudioModel(out);
  const method = loaded.meta.compression!.method as Method;
  loaded.model.dispose();
  const cli = await runCli(['evaluate', '--model', out, '--data', TEST]);
  expect(cli.code, cli.err).toBe(0);
  expect(JSON.parse(cli.out).auc).toBeGreaterThan(0.6);
  return method;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  parent = await mkdtemp(join(tmpdir(), 'ctr-kill-'));
  out = join(parent, 'model');
});
afterAll(() => rm(parent, { recursive: true, force: true }));

describe('compress --out stopped by SIGKILL', () => {
  it('leaves the old complete model or the new one, never a mixture', { timeout: 240_000 }, async () => {
    const t0 = performance.now();
    const first = await compress('afm');
    const runMs = performance.now() - t0; // spreads the kills over a run, whatever this machine's speed
    expect(first.code, first.err).toBe(0);
    let present: Method = await holds();
    expect(present).toBe('afm');
    const rng = createRng(20_261_205);
    const seen: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      const next: Method = present === 'afm' ? 'svd' : 'afm';
      const atWrite = i % 2 === 1;
      const delayMs = Math.floor(atWrite ? rng() * 30 : runMs * (0.4 + 0.7 * rng()));
      const run = await compress(next, (pid, exited) =>
        atWrite ? whenWriting(pid, delayMs, exited) : new Promise((resolve) => setTimeout(resolve, delayMs)),
      );
      expect(run.signal === 'SIGKILL' || run.code === 0, run.err).toBe(true);
      const now = await holds();
      expect([present, next]).toContain(now);
      seen.push(`${atWrite ? 'at write' : 'after'} +${delayMs} ms: ${run.signal ?? 'finished'}, holds ${now}`);
      present = now;
    }
    // A complete run afterwards settles whatever the killed ones left beside the folder.
    const last: Method = present === 'afm' ? 'svd' : 'afm';
    const final = await compress(last);
    expect(final.code, final.err).toBe(0);
    expect(await holds()).toBe(last);
    expect(await readdir(parent), seen.join('\n')).toEqual(['model']);
  });
});
