/**
 * Scale-out statistics and synthetic data: per-shard `.stats` files merged by `compress --stats` give the
 * same bits as one compress over the same shards; the synthetic generator is seeded and Criteo-shaped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStatistics, mergeStatistics } from '../../../src/core/compress/statistics';
import { covariance } from '../../../src/core/linalg';
import { synthCriteo } from '../../../src/core/synth/criteo';
import { readDataset } from '../../../src/core/data';
import { quietCli } from '../../helpers/cli';

const MODEL = 'public/demo/models/deepfm';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ctr-scale-'));
  // Three shards of the demo training rows, chronological.
  const lines = (await readFile('public/demo/criteo/train.tsv', 'utf8')).trimEnd().split('\n');
  for (const [i, [a, b]] of [
    [0, 2500],
    [2500, 5000],
    [5000, 8000],
  ].entries())
    await writeFile(join(dir, `shard${i}.tsv`), lines.slice(a, b).join('\n') + '\n');
});

describe('scale-out statistics', () => {
  it('stats per shard, merged by compress --stats, equal one compress over the shards bit for bit', async () => {
    const shards = [0, 1, 2].map((i) => join(dir, `shard${i}.tsv`));
    for (const [i, s] of shards.entries())
      expect(await quietCli(['stats', '--model', MODEL, '--data', s, '--out', join(dir, `s${i}.stats`)])).toBe(0);
    const common = [
      '--model',
      MODEL,
      '--test',
      'public/demo/criteo/test.tsv',
      '--method',
      'afm',
      '--dense-rank',
      '32',
      '--embedding-rank',
      '4',
    ];
    expect(
      await quietCli([
        'compress',
        ...common,
        '--stats',
        [0, 1, 2].map((i) => join(dir, `s${i}.stats`)).join(','),
        '--out',
        join(dir, 'a'),
        '--report',
        join(dir, 'a.json'),
      ]),
    ).toBe(0);
    expect(
      await quietCli([
        'compress',
        ...common,
        '--train',
        shards.join(','),
        '--out',
        join(dir, 'b'),
        '--report',
        join(dir, 'b.json'),
      ]),
    ).toBe(0);
    const [wa, wb] = await Promise.all([
      readFile(join(dir, 'a', 'group1-shard1of1.bin')),
      readFile(join(dir, 'b', 'group1-shard1of1.bin')),
    ]);
    expect(wa.equals(wb)).toBe(true);
    const [ra, rb] = [
      JSON.parse(await readFile(join(dir, 'a.json'), 'utf8')),
      JSON.parse(await readFile(join(dir, 'b.json'), 'utf8')),
    ];
    expect(ra.calibrationRows).toBe(8000);
    expect(ra.compressed.auc).toBe(rb.compressed.auc);
  });

  it('merged shard statistics equal the statistics of the whole file (within the float32 Gram bound)', async () => {
    expect(
      await quietCli([
        'stats',
        '--model',
        MODEL,
        '--data',
        'public/demo/criteo/train.tsv',
        '--out',
        join(dir, 'all.stats'),
      ]),
    ).toBe(0);
    const read = async (f: string) => parseStatistics((await readFile(join(dir, f))).buffer as ArrayBuffer).stats;
    const merged = mergeStatistics(
      mergeStatistics(await read('s0.stats'), await read('s1.stats')),
      await read('s2.stats'),
    );
    const all = await read('all.stats');
    expect(merged.rows).toBe(all.rows);
    expect([...merged.idCounts.get('emb_C3')!]).toEqual([...all.idCounts.get('emb_C3')!]);
    const a = covariance(merged.denseInputs.get('deep_1')!);
    const b = covariance(all.denseInputs.get('deep_1')!);
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      norm = Math.max(norm, Math.abs(b[i]));
    }
    // Shards and the whole file cut their rows into different float32 blocks, so the two differ by rounding
    // within the bound of src/core/linalg/shiftedGram.ts: (3γ_k + 2u)·√(A_ii A_jj), about 5e-5 relative for
    // 256-row pieces (measured: 7e-7).
    expect(diff / norm).toBeLessThan(1e-5);
  });

  it('refuses statistics of another model, and files that are not statistics', async () => {
    const other = join(dir, 'dcn.stats');
    expect(
      await quietCli([
        'stats',
        '--model',
        'public/demo/models/dcnv2',
        '--data',
        join(dir, 'shard0.tsv'),
        '--out',
        other,
      ]),
    ).toBe(0);
    const args = [
      'compress',
      '--model',
      MODEL,
      '--test',
      'public/demo/criteo/test.tsv',
      '--dense-rank',
      '32',
      '--out',
      join(dir, 'x'),
    ];
    expect(await quietCli([...args, '--stats', other])).toBe(1);
    await writeFile(join(dir, 'junk.stats'), 'not statistics');
    expect(await quietCli([...args, '--stats', join(dir, 'junk.stats')])).toBe(1);
  });
});

describe('synthetic click logs', () => {
  it('are seeded, in the Criteo layout, with about the asked click rate', async () => {
    const take = (seed: number) => [...synthCriteo({ rows: 3000, seed, cardinalityScale: 0.001 }, 1000)].flat();
    const a = take(7);
    expect(take(7)).toEqual(a);
    expect(take(8)).not.toEqual(a);
    const { schema, batch, report } = await readDataset(a.join('\n'));
    expect(schema.format).toBe('criteo');
    expect(report.badRows).toBe(0);
    const rate = batch.labels.reduce((s, l) => s + l, 0) / batch.rows;
    expect(rate).toBeGreaterThan(0.17);
    expect(rate).toBeLessThan(0.27);
  });
});
