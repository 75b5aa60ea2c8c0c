/**
 * Bad inputs through the command line: each gives one clear sentence on stderr and a non-zero exit code,
 * never a stack trace, a hang or a result.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../helpers/cli';

const DEMO_MODEL = 'public/demo/models/deepfm';
const TEST_TSV = 'public/demo/criteo/test.tsv';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctr-bad-'));
});

const run = (...argv: string[]) => runCli(argv);

/** One line, starting with "error: ", ending in a sentence. */
function expectOneSentence(err: string, pattern: RegExp) {
  const lines = err.trim().split('\n');
  expect(lines.length).toBe(1);
  expect(lines[0]).toMatch(/^error: .+[.]$/);
  expect(lines[0]).toMatch(pattern);
}

describe('bad data files', () => {
  it('an empty file', async () => {
    const f = join(dir, 'empty.tsv');
    await writeFile(f, '');
    const r = await run('evaluate', '--model', DEMO_MODEL, '--data', f);
    expect(r.code).toBe(1);
    expectOneSentence(r.err, /no data rows/);
    expect(r.out).toBe('');
  });

  it('rows with the wrong number of columns', async () => {
    const f = join(dir, 'columns.tsv');
    await writeFile(f, '0\t1\t2\n1\t3\t4\n0\t5\t6\n');
    const r = await run('evaluate', '--model', DEMO_MODEL, '--data', f);
    expect(r.code).toBe(1);
    expectOneSentence(r.err, /label|column/i);
  });

  it('a label of "yes"', async () => {
    const f = join(dir, 'yes.csv');
    await writeFile(f, 'label,I1,C1\nyes,1,a\nno,2,b\nyes,3,c\n');
    const r = await run('train', '--model', 'lr', '--train', f, '--out', join(dir, 'never'));
    expect(r.code).toBe(1);
    expectOneSentence(r.err, /"yes"|not 0 or 1/);
  });

  it('a data file that does not exist', async () => {
    const r = await run('evaluate', '--model', DEMO_MODEL, '--data', join(dir, 'nope.tsv'));
    expect(r.code).toBe(1);
    expectOneSentence(r.err, /does not exist/);
  });
});

describe('bad model files', () => {
  it('a model.json that is not JSON', async () => {
    const m = join(dir, 'notjson');
    await cp(DEMO_MODEL, m, { recursive: true });
    await writeFile(join(m, 'model.json'), '{"modelTopology": {"class_name": "Model", ');
    const r = await run('evaluate', '--model', m, '--data', TEST_TSV);
    expect(r.code).toBe(1);
    expectOneSentence(r.err, /not valid JSON/);
  });

  it('a model.json whose weight file is missing', async () => {
    const m = join(dir, 'noweights');
    await cp(DEMO_MODEL, m, { recursive: true });
    await rm(join(m, 'group1-shard1of1.bin'));
    const r = await run('evaluate', '--model', join(m, 'model.json'), '--data', TEST_TSV);
    expect(r.code).toBe(1);
    expectOneSentence(r.err, /group1-shard1of1\.bin .*missing/);
  });

  it('a weight file cut short', async () => {
    const m = join(dir, 'short');
    await cp(DEMO_MODEL, m, { recursive: true });
    await writeFile(join(m, 'group1-shard1of1.bin'), new Uint8Array(100));
    const r = await run('evaluate', '--model', m, '--data', TEST_TSV);
    expect(r.code).toBe(1);
    expectOneSentence(r.err, /100 bytes/);
  });
});

describe('usage', () => {
  it('every command has --help', async () => {
    for (const cmd of ['train', 'evaluate', 'compare', 'compress', 'sweep', 'bench']) {
      const r = await run(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`ctr-studio ${cmd}`);
      expect(r.out).toContain('--help');
    }
  });

  it('a missing required option and an unknown model kind are usage errors', async () => {
    expect((await run('evaluate', '--data', TEST_TSV)).code).toBe(2);
    const r = await run('train', '--model', 'xgboost', '--train', TEST_TSV, '--out', dir);
    expect(r.code).toBe(2);
    expectOneSentence(r.err, /--model must be one of/);
  });

  it('the installed bin prints the sentence and exits non-zero', async () => {
    const exec = promisify(execFile);
    const err = await exec('node', [
      'bin/ctr-studio.mjs',
      'evaluate',
      '--model',
      join(dir, 'missing-model'),
      '--data',
      TEST_TSV,
    ]).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr.trim()).toMatch(/^error: The model file .* does not exist; check the path\.$/);
  });
});
