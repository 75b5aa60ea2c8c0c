/**
 * Output written whole (src/node/atomic.ts): a folder is swapped in complete, keeping the files beside the
 * model but not the old model's; what a stopped write leaves (a `.tmp-<pid>` or `.old-<pid>` sibling) is
 * explained on load and settled by the next write; a folder that cannot be swapped is refused in a sentence.
 * The stopped states are made by hand here; tests/unit/cli/kill-out.test.ts stops real runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelPath } from '../../../src/cli/shared/io';
import { isStudioError } from '../../../src/core/errors';
import type { OutputFile } from '../../../src/formats';
import { unzipFiles } from '../../../src/formats/zip/zip';
import { settleLeftovers, siblingOf, writeFileAtomic } from '../../../src/node/atomic';
import { writeFilesTo } from '../../../src/node/files';
import { tf } from '../../../src/tf/tfjs';
import { runCli } from '../../helpers/cli';

const MODEL = 'public/demo/models/deepfm';
const TEST = 'public/demo/criteo/test.tsv';
let dir: string;
/** A process id no process has any more (one that has exited). */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

const file = (name: string, text: string): OutputFile => ({
  name,
  data: new TextEncoder().encode(text),
  type: 'text/plain',
});

/** The demo model's files, as a writer gives them. */
async function demoFiles(): Promise<OutputFile[]> {
  const read = async (name: string) => new Uint8Array(await readFile(join(MODEL, name)));
  return [
    { name: 'model.json', data: await read('model.json'), type: 'application/json' },
    { name: 'group1-shard1of1.bin', data: await read('group1-shard1of1.bin'), type: 'application/octet-stream' },
  ];
}

const thrown = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e) => (isStudioError(e) ? { code: e.code, message: e.message } : e),
  );

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'ctr-atomic-'));
});

describe('writing an output folder whole', () => {
  it("keeps the files beside the model, drops the old model's, leaves nothing behind", async () => {
    const out = join(dir, 'kept');
    await writeFilesTo(out, [file('model.json', '{}'), file('a-shard.bin', 'old'), file('model.onnx', 'old')]);
    await writeFile(join(out, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['a-shard.bin'] }] }));
    await writeFile(join(out, 'notes.txt'), 'mine');
    await mkdir(join(out, 'sub'));
    await writeFile(join(out, 'sub', 'report.json'), '{}');
    await chmod(out, 0o750);
    expect(await writeFilesTo(out, await demoFiles())).toBe(join(out, 'model.json'));
    expect((await readdir(out)).sort()).toEqual(['group1-shard1of1.bin', 'model.json', 'notes.txt', 'sub']);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(out, 'sub', 'report.json'), 'utf8')).toBe('{}');
    expect((await stat(out)).mode & 0o777).toBe(0o750);
    expect(await readdir(dir)).toEqual(['kept']);
    const { model } = await loadModelPath(out);
    expect(model.params).toBe(523_809);
    model.dispose();
  });

  it('explains a swap stopped between its two renames, and the next write finishes it', async () => {
    const out = join(dir, 'stopped');
    const pid = deadPid();
    // The model's own files (the demo folder also holds work shipped for the studio).
    for (const side of ['old', 'tmp'] as const) {
      await mkdir(siblingOf(out, side, pid), { recursive: true });
      for (const f of ['model.json', 'group1-shard1of1.bin'])
        await cp(join(MODEL, f), join(siblingOf(out, side, pid), f));
    }
    await writeFile(join(siblingOf(out, 'tmp', pid), 'notes.txt'), 'mine');
    for (const path of [out, join(out, 'model.json')]) {
      const e = await thrown(loadModelPath(path));
      expect(e).toMatchObject({ code: 'FILE_NOT_FOUND' });
      const tmp = `stopped\\.tmp-${pid}`;
      expect(e.message).toMatch(
        new RegExp(`${tmp}; rename .*${tmp} to .*stopped, or run the command that writes it again\\.$`),
      );
      expect(e.message).toMatch(/is missing because a write to it was stopped halfway, and the new model is complete/);
    }
    const cli = await runCli(['evaluate', '--model', out, '--data', TEST]);
    expect([cli.code, cli.err]).toEqual([1, expect.stringMatching(/^error: .*stopped is missing because a write/)]);
    await writeFilesTo(out, [file('model.json', '{}')]);
    expect((await readdir(dir)).filter((n) => n.startsWith('stopped'))).toEqual(['stopped']);
    expect((await readdir(out)).sort()).toEqual(['model.json', 'notes.txt']);
  });

  it("settles only the leftovers of processes no longer running, and a file's too", async () => {
    const out = join(dir, 'left');
    await writeFilesTo(out, [file('model.json', '{}')]);
    const dead = deadPid();
    await mkdir(siblingOf(out, 'tmp', dead));
    await mkdir(siblingOf(out, 'old', dead));
    await mkdir(siblingOf(out, 'tmp', process.ppid)); // a write under way in a running process
    await writeFilesTo(out, [file('model.json', '[]')]);
    expect((await readdir(dir)).filter((n) => n.startsWith('left')).sort()).toEqual([
      'left',
      `left.tmp-${process.ppid}`,
    ]);
    expect(await readFile(join(out, 'model.json'), 'utf8')).toBe('[]');
    const zip = join(dir, 'm.zip');
    await writeFile(siblingOf(zip, 'tmp', dead), 'half a zip');
    await writeFilesTo(zip, await demoFiles());
    expect(unzipFiles(new Uint8Array(await readFile(zip)), 'm.zip').map((f) => f.name)).toEqual([
      'model.json',
      'group1-shard1of1.bin',
    ]);
    expect((await readdir(dir)).filter((n) => n.startsWith('m.zip'))).toEqual(['m.zip']);
    await settleLeftovers(join(dir, 'nowhere', 'x'));
  });

  it('writes a file through its link and keeps its permissions', async () => {
    const real = join(dir, 'report.json');
    await writeFile(real, 'old');
    await chmod(real, 0o600);
    await symlink(real, join(dir, 'link.json'));
    await writeFileAtomic(join(dir, 'link.json'), 'new');
    expect(await readFile(real, 'utf8')).toBe('new');
    expect((await stat(real)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((n) => /^(report|link)\.json/.test(n)).sort()).toEqual([
      'link.json',
      'report.json',
    ]);
  });

  it('refuses a file, the current folder and a folder holding it, in one sentence', async () => {
    const cwd = process.cwd();
    const inner = join(dir, 'cwd', 'inner');
    await mkdir(inner, { recursive: true });
    await writeFile(join(dir, 'plain'), 'x');
    process.chdir(inner);
    try {
      for (const out of ['.', inner, join(dir, 'cwd')]) {
        const e = await thrown(writeFilesTo(out, [file('model.json', '{}')]));
        expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
        expect(e.message).toMatch(/is the current folder or holds it, .*; name a new folder such as .*model\.$/);
      }
    } finally {
      process.chdir(cwd);
    }
    expect(await readdir(join(dir, 'cwd'))).toEqual(['inner']);
    expect(await readdir(inner)).toEqual([]);
    const e = await thrown(writeFilesTo(join(dir, 'plain'), [file('model.json', '{}')]));
    expect(e).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/plain is a file, not a folder/),
    });
  });
});
