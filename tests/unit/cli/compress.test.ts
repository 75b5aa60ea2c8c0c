/**
 * `ctr-studio compress` and `sweep` end to end in Node: the compressed model loads in plain tfjs (model.json
 * + weights through tf.loadLayersModel) and scores what the report says; the report has every field the
 * studio and users rely on; the original files are untouched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../../src/tf/tfjs';
import { encodeBatch } from '../../../src/core/data';
import { auc } from '../../../src/core/metrics';
import { loadData } from '../../../src/cli/shared/io';
import { quietCli } from '../../helpers/cli';

const MODEL = 'public/demo/models/deepfm';
const ARGS = ['--model', MODEL, '--train', 'public/demo/criteo/train.tsv', '--test', 'public/demo/criteo/test.tsv'];
let dir: string;

const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'ctr-compress-'));
});

describe('ctr-studio compress', () => {
  it('writes a model plain tfjs loads, with a complete report', async () => {
    const before = [await sha(join(MODEL, 'model.json')), await sha(join(MODEL, 'group1-shard1of1.bin'))];
    const out = join(dir, 'afm');
    const report = join(dir, 'afm.json');
    expect(
      await quietCli([
        'compress',
        ...ARGS,
        '--method',
        'afm',
        '--dense-rank',
        '64',
        '--embedding-rank',
        '4',
        '--calibration-rows',
        '4000',
        '--out',
        out,
        '--report',
        report,
      ]),
    ).toBe(0);
    const r = JSON.parse(await readFile(report, 'utf8'));
    expect(r.method).toBe('afm');
    expect(r.calibrationRows).toBe(4000);
    for (const side of ['original', 'compressed'])
      for (const k of ['params', 'auc', 'logloss']) expect(typeof r[side][k]).toBe('number');
    expect(r.compressed.params).toBeLessThan(r.original.params / 3);
    for (const k of ['diff', 'se', 'low', 'high']) expect(typeof r.delong[k]).toBe('number');
    for (const k of ['statistics', 'decomposition', 'rewrite', 'evaluation']) expect(r.timingsMs[k]).toBeGreaterThan(0);
    expect(r.maxAbsLogitDiff).toBeGreaterThan(0);
    const deep0 = r.layers.find((l: { name: string }) => l.name === 'deep_0');
    expect(deep0).toMatchObject({ kind: 'dense', method: 'afm', rank: 64 });
    expect(deep0.paramsAfter).toBeLessThan(deep0.paramsBefore);
    expect(deep0.explainedVariance).toBeGreaterThan(0.9);
    expect(deep0.explainedVariance).toBeLessThanOrEqual(1);
    for (const l of r.layers)
      for (const k of ['name', 'kind', 'rank', 'paramsBefore', 'paramsAfter', 'explainedVariance'])
        expect(l).toHaveProperty(k);

    // Plain tfjs: tf.loadLayersModel on model.json + weights, nothing of ours but the registered FM layer.
    const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
    const weights = await readFile(join(out, 'group1-shard1of1.bin'));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    expect(model.countParams()).toBe(r.compressed.params);
    expect(json.userDefinedMetadata.ctrStudio.compression).toMatchObject({
      method: 'afm',
      calibrationRows: 4000,
      seed: 42,
    });
    const meta = json.userDefinedMetadata.ctrStudio;
    const data = await loadData('public/demo/criteo/test.tsv');
    const rows = encodeBatch(meta.encoding, data.raw, data.schema);
    const inputs = model.inputNames.map((name) => {
      if (name === 'numeric') return tf.tensor2d(rows.numeric, [rows.rows, rows.numeric.length / rows.rows]);
      const f = meta.encoding.categorical.findIndex((c: { name: string }) => c.name === name);
      return tf.tensor2d(rows.categorical[f], [rows.rows, 1], 'int32');
    });
    const probs = (await (model.predict(inputs) as tf.Tensor).data()) as Float32Array;
    expect(Math.abs(auc(rows.labels, probs) - r.compressed.auc)).toBeLessThan(1e-6);
    expect([await sha(join(MODEL, 'model.json')), await sha(join(MODEL, 'group1-shard1of1.bin'))]).toEqual(before);
  });

  it('SVD needs no statistics and gives the same parameter count', async () => {
    const report = join(dir, 'svd.json');
    expect(
      await quietCli([
        'compress',
        ...ARGS,
        '--method',
        'svd',
        '--dense-rank',
        '64',
        '--embedding-rank',
        '4',
        '--out',
        join(dir, 'svd'),
        '--report',
        report,
      ]),
    ).toBe(0);
    const afm = JSON.parse(await readFile(join(dir, 'afm.json'), 'utf8'));
    const svd = JSON.parse(await readFile(report, 'utf8'));
    expect(svd.compressed.params).toBe(afm.compressed.params);
    expect(svd.timingsMs.statistics).toBe(0);
  });
});

describe('ctr-studio sweep', () => {
  it('reports every grid point for both methods', async () => {
    const report = join(dir, 'sweep.json');
    expect(
      await quietCli([
        'sweep',
        ...ARGS,
        '--methods',
        'afm,svd',
        '--dense-ranks',
        '16,64',
        '--embedding-ranks',
        '4,keep',
        '--report',
        report,
      ]),
    ).toBe(0);
    const r = JSON.parse(await readFile(report, 'utf8'));
    expect(r.points.length).toBe(8);
    expect(new Set(r.points.map((p: { method: string }) => p.method))).toEqual(new Set(['afm', 'svd']));
    const keep = r.points.find((p: { embeddingRank: number | null }) => p.embeddingRank === null);
    expect(keep).toBeDefined();
    for (const p of r.points) {
      expect(p.delong.low).toBeLessThanOrEqual(p.delong.diff);
      expect(p.delong.high).toBeGreaterThanOrEqual(p.delong.diff);
      expect(p.params).toBeLessThan(r.original.params);
    }
  });

  it('sweeps by fractions of the parameters', async () => {
    const report = join(dir, 'fractions.json');
    expect(
      await quietCli([
        'sweep',
        ...ARGS,
        '--methods',
        'afm',
        '--param-fractions',
        '0.1,0.33',
        '--embedding-ranks',
        '4',
        '--report',
        report,
      ]),
    ).toBe(0);
    const r = JSON.parse(await readFile(report, 'utf8'));
    expect(r.points.length).toBe(2);
    expect(r.points[0].paramRatio).toBeLessThanOrEqual(0.1);
    expect(r.points[1].paramRatio).toBeLessThanOrEqual(0.33);
    expect(r.points[1].paramRatio).toBeGreaterThan(0.3); // the largest rank that fits, not just any
  });

  it('bad method names and ranks are usage errors', async () => {
    expect(await quietCli(['sweep', ...ARGS, '--methods', 'pca', '--report', join(dir, 'x.json')])).toBe(2);
    expect(await quietCli(['sweep', ...ARGS, '--dense-ranks', '8,x', '--report', join(dir, 'x.json')])).toBe(2);
    expect(await quietCli(['compress', ...ARGS, '--out', join(dir, 'y')])).toBe(2);
  });
});
