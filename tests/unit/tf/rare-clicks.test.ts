/**
 * Training on rare clicks, with the CLI's default learning rates and batch sizes (DeepFM gets a small tower to keep
 * the test short):
 * - the Criteo demo rows with their clicks thinned to 0.5% (each kept with a seeded probability; about 28 clicks,
 *   4 of them in the validation tail): logistic regression and DeepFM train past their first epochs, keep a best
 *   epoch after the first and learn the click rate (AUC early stopping used to quit there after 3 epochs, a model
 *   still predicting about 50% clicks);
 * - a synthetic Criteo-layout log with 0.5% clicks and a planted logistic teacher (`ctr-studio synth`): both reach
 *   a test AUC whose DeLong 95% interval lies above 0.5 (`ctr-studio evaluate`), which the demo's 2,000 test rows
 *   with 10 clicks could not show.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../../src/core/random';
import { runCli } from '../../helpers/cli';

const TRAIN_ROWS = 24_000;
const TEST_ROWS = 8_000;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctr-rare-'));
  const all = join(dir, 'all.tsv');
  const synth = await runCli([
    'synth',
    '--rows',
    String(TRAIN_ROWS + TEST_ROWS),
    '--out',
    all,
    '--seed',
    '7',
    '--click-rate',
    '0.005',
    '--cardinality-scale',
    '0.0005',
  ]);
  expect(synth.code).toBe(0);
  // Chronological split, as the demo's: the head trains, the tail tests.
  const lines = (await readFile(all, 'utf8')).trimEnd().split('\n');
  await writeFile(join(dir, 'train.tsv'), `${lines.slice(0, TRAIN_ROWS).join('\n')}\n`);
  await writeFile(join(dir, 'test.tsv'), `${lines.slice(TRAIN_ROWS).join('\n')}\n`);
  const clicks = lines.filter((l) => l.startsWith('1')).length / lines.length;
  expect(clicks).toBeGreaterThan(0.004);
  expect(clicks).toBeLessThan(0.007);
  await writeFile(join(dir, 'demo-thinned.tsv'), await thinClicks('public/demo/criteo/train.tsv', 0.005, 8));
});

/** A file's rows with each click kept with the seeded probability that leaves `share` of clicks. */
async function thinClicks(file: string, share: number, seed: number): Promise<string> {
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  const clicks = lines.filter((l) => l.startsWith('1')).length;
  const keep = (share * (lines.length - clicks)) / ((1 - share) * clicks);
  const rng = createRng(seed);
  const kept = lines.filter((l) => !l.startsWith('1') || rng() < keep);
  const share2 = kept.filter((l) => l.startsWith('1')).length / kept.length;
  expect(Math.abs(share2 - share)).toBeLessThan(0.001);
  return `${kept.join('\n')}\n`;
}

interface Training {
  bestEpoch: number;
  epochs: { epoch: number; validLogloss: number }[];
}

/** Trains a kind with the CLI's defaults (plus `extra`) on a file in the temporary folder; its training record. */
async function train(kind: string, file: string, extra: string[]) {
  const out = join(dir, `${kind}-${file}`);
  const argv = ['train', '--model', kind, '--train', join(dir, file), '--out', out, '--quiet', ...extra];
  const trained = await runCli(argv);
  expect(trained.code, trained.err).toBe(0);
  const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
  const training = json.userDefinedMetadata.ctrStudio.training as Training;
  const last = training.epochs[training.epochs.length - 1].epoch;
  const best = training.epochs.find((e) => e.epoch === training.bestEpoch)!;
  // Past the first epochs, stopped by patience (epochs without a gain after the best) before the epoch cap.
  expect(last).toBeGreaterThanOrEqual(3);
  expect(training.bestEpoch).toBeGreaterThan(1);
  expect(last).toBeGreaterThan(training.bestEpoch);
  expect(last).toBeLessThan(40);
  // The best epoch is the lowest validation log loss (up to the relative 1e-4 within which AUC breaks ties).
  const lowest = Math.min(...training.epochs.map((e) => e.validLogloss));
  expect(best.validLogloss).toBeLessThanOrEqual(lowest * 1.0001);
  return { out, last, training, best };
}

const SMALL_DEEPFM = ['--tower', '32,16', '--embedding-dim', '4'];
const KINDS: [string, string[]][] = [
  ['lr', []],
  ['deepfm', SMALL_DEEPFM],
];

describe('training on the demo rows with 0.5% clicks', () => {
  it.each(KINDS)(
    '%s trains past its first epochs and learns the click rate',
    async (kind, extra) => {
      const r = await train(kind, 'demo-thinned.tsv', extra);
      // A model still at a 50% click rate scores a log loss of about 0.7; one at the rate of 0.5%, about 0.03.
      expect(r.best.validLogloss).toBeLessThan(0.06);
      console.log(`${kind} on the thinned demo: ${r.last} epochs, best ${r.training.bestEpoch}`);
    },
    60_000,
  );
});

describe('training on a synthetic log with 0.5% clicks', () => {
  it.each(KINDS)(
    '%s reaches a test AUC above a constant by DeLong',
    async (kind, extra) => {
      const r = await train(kind, 'train.tsv', extra);
      const evaluated = await runCli(['evaluate', '--model', r.out, '--data', join(dir, 'test.tsv')]);
      expect(evaluated.code, evaluated.err).toBe(0);
      const result = JSON.parse(evaluated.out) as { auc: number; aucInterval95: [number, number]; warnings: string[] };
      console.log(
        `${kind} on 0.5% clicks: ${r.last} epochs, best ${r.training.bestEpoch}, test AUC ${result.auc.toFixed(4)} ` +
          `[${result.aucInterval95.map((x) => x.toFixed(4)).join(', ')}]`,
      );
      expect(result.aucInterval95[0]).toBeGreaterThan(0.5);
      expect(result.warnings).toEqual([]);
    },
    90_000,
  );
});
