/**
 * `report --scale` reruns: the synthetic files and a trained model in --work are reused when made with the same
 * settings (and from the same data, by content), and made again otherwise.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  fileFingerprint,
  readSplits,
  synthOnce,
  trainAndSave,
  trainedBefore,
  type TrainingKey,
} from '../../../src/cli/commands/reportScaleData';

let dir: string;
const synth = { teacher: 'deep' as const, strength: 1, cardinalityScale: 0.001, zipf: 1.15 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctr-scale-resume-'));
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('synthOnce', () => {
  it('reuses a file written with the same settings (and its teacher scores), else writes it again', async () => {
    const path = join(dir, 'a.tsv');
    const first = await synthOnce(path, { ...synth, rows: 300, seed: 1 });
    expect(first.reused).toBe(false);
    const text = await readFile(path, 'utf8');
    const again = await synthOnce(path, { ...synth, rows: 300, seed: 1 });
    expect(again.reused).toBe(true);
    expect(again.probabilities).toEqual(first.probabilities);
    expect(again.labels).toEqual(first.labels);
    expect(again.clicks).toBe(first.clicks);
    const other = await synthOnce(path, { ...synth, rows: 300, seed: 2 });
    expect(other.reused).toBe(false);
    expect(await readFile(path, 'utf8')).not.toBe(text);
    // A file changed behind the record's back (another size) is written again.
    await writeFile(path, 'truncated\n');
    expect((await synthOnce(path, { ...synth, rows: 300, seed: 2 })).reused).toBe(false);
  });
});

describe('trainedBefore', () => {
  it('finds the model trained with the same key and encoding, and nothing for another key', async () => {
    const files = { train: join(dir, 'train.tsv'), test: join(dir, 'test.tsv') };
    await synthOnce(files.train, { ...synth, rows: 1500, seed: 1 });
    await synthOnce(files.test, { ...synth, rows: 300, seed: 2 });
    const split = { validFraction: 0.1, minCount: 2 };
    const splits = await readSplits(files.train, files.test, split);
    const key: TrainingKey = {
      kind: 'lr',
      train: await fileFingerprint(files.train),
      test: await fileFingerprint(files.test),
      split,
      settings: { epochs: 1, patience: 2, seed: 42 },
    };
    const modelDir = join(dir, 'lr');
    expect(await trainedBefore(modelDir, key, splits.encoding)).toBeNull();
    const trained = await trainAndSave(key, splits, modelDir, files);
    const found = await trainedBefore(modelDir, key, splits.encoding);
    expect(found).toEqual(trained);
    expect(
      await trainedBefore(modelDir, { ...key, settings: { ...key.settings, epochs: 2 } }, splits.encoding),
    ).toBeNull();
    expect(await trainedBefore(modelDir, { ...key, kind: 'deepfm' }, splits.encoding)).toBeNull();
    expect(
      await trainedBefore(modelDir, { ...key, train: { ...key.train, sha256: '0'.repeat(64) } }, splits.encoding),
    ).toBeNull();
    const otherEncoding = { ...splits.encoding, fitRows: splits.encoding.fitRows + 1 };
    expect(await trainedBefore(modelDir, key, otherEncoding)).toBeNull();
  }, 60_000);
});
