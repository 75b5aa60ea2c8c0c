/**
 * Degenerate results are said, not hidden: a model whose every test probability is saturated at 1 (the demo
 * DeepFM with its linear bias raised to 800, as a column constant in training and far off in the test rows
 * would do) gets a `warning: ...` sentence on stderr and a `warnings` field in the JSON of evaluate, compare,
 * compress (its report included) and sweep; the healthy demo model gets none.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';

const DEMO_MODEL = 'public/demo/models/deepfm';
const TRAIN = 'public/demo/criteo/train.tsv';
const TEST = 'public/demo/criteo/test.tsv';
let dir: string;
let saturated: string;

/** A copy of the demo DeepFM whose weight `name` (one float32) is set to `value`. */
async function withWeight(out: string, name: string, value: number): Promise<string> {
  await mkdir(out, { recursive: true });
  const json = JSON.parse(await readFile(join(DEMO_MODEL, 'model.json'), 'utf8'));
  const bin = await readFile(join(DEMO_MODEL, 'group1-shard1of1.bin'));
  let offset = 0;
  for (const w of json.weightsManifest[0].weights as { name: string; shape: number[]; dtype: string }[]) {
    expect(w.dtype).toBe('float32');
    if (w.name === name) bin.writeFloatLE(value, offset);
    offset += 4 * w.shape.reduce((a, b) => a * b, 1);
  }
  await writeFile(join(out, 'group1-shard1of1.bin'), bin);
  await copyFile(join(DEMO_MODEL, 'model.json'), join(out, 'model.json'));
  return out;
}

const SATURATED = /^warning: The model gives 100\.0% of the 2000 test rows a click probability within 1e-6 of 0 or 1/m;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctr-warnings-'));
  saturated = await withWeight(join(dir, 'saturated'), 'lin_out/bias', 800);
});

describe('warnings about degenerate scores', () => {
  it('evaluate says a saturated model cannot be trusted, on stderr and in its JSON; nothing for the demo', async () => {
    const bad = await runCli(['evaluate', '--model', saturated, '--data', TEST]);
    expect(bad.code).toBe(0);
    expect(bad.err).toMatch(SATURATED);
    const json = JSON.parse(bad.out);
    expect(json.auc).toBeGreaterThan(0.5); // the logits still rank: only the probabilities saturate
    expect(json.warnings).toHaveLength(1);
    expect(json.warnings[0]).toMatch(/far outside their training range/);

    const good = await runCli(['evaluate', '--model', DEMO_MODEL, '--data', TEST]);
    expect(good.code).toBe(0);
    expect(good.err).not.toMatch(/warning/);
    expect(JSON.parse(good.out).warnings).toEqual([]);
  });

  it('compare says two saturated models cannot be compared', async () => {
    const r = await runCli(['compare', '--baseline', saturated, '--model', saturated, '--data', TEST]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.delong).toMatchObject({ diff: 0, low: 0, high: 0 });
    expect(json.warnings).toHaveLength(3);
    expect(json.warnings[2]).toMatch(/^The comparison of model B \(--model\) with model A \(--baseline\) cannot tell/);
    expect(r.err.split('\n').filter((l) => l.startsWith('warning: '))).toHaveLength(3);
  });

  it('compress says Δ 0 [0, 0] of two saturated models tells nothing, in stderr, its JSON and its report', async () => {
    const report = join(dir, 'svd.json');
    const r = await runCli([
      'compress',
      '--model',
      saturated,
      '--train',
      TRAIN,
      '--test',
      TEST,
      '--method',
      'svd',
      '--dense-rank',
      '32',
      '--out',
      join(dir, 'svd'),
      '--report',
      report,
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.auc).toMatchObject({ diff: 0, low: 0, high: 0 });
    expect(json.maxAbsLogitDiff).toBeGreaterThan(1e-3);
    expect(json.warnings).toHaveLength(3);
    expect(json.warnings[0]).toMatch(/^The original model gives 100\.0% of the 2000 test rows/);
    expect(json.warnings[1]).toMatch(/^The compressed model gives 100\.0% of the 2000 test rows/);
    expect(json.warnings[2]).toMatch(
      /^The comparison of the compressed model with the original model cannot tell anything: .*logits differ by up to/,
    );
    expect(json.warnings[2]).toMatch(/AUC change of \+0\.0000 \[\+0\.0000, \+0\.0000\] comes from ties/);
    for (const w of json.warnings) expect(r.err).toContain(`warning: ${w}`);
    expect(JSON.parse(await readFile(report, 'utf8')).warnings).toEqual(json.warnings);
  });

  it('sweep carries the warnings per point and in all', async () => {
    const report = join(dir, 'sweep.json');
    const r = await runCli([
      'sweep',
      '--model',
      saturated,
      '--train',
      TRAIN,
      '--test',
      TEST,
      '--methods',
      'svd',
      '--dense-ranks',
      '32',
      '--embedding-ranks',
      'keep',
      '--report',
      report,
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.warnings).toHaveLength(3);
    expect(json.warnings[0]).toMatch(/^The original model gives 100\.0%/);
    expect(json.warnings[2]).toMatch(/^svd dense 32 emb keep: The comparison of the compressed model/);
    const full = JSON.parse(await readFile(report, 'utf8'));
    expect(full.warnings).toEqual(json.warnings);
    expect(full.points[0].warnings).toHaveLength(2);
  });
});
