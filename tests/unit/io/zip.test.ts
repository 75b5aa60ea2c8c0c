/**
 * Zipped models: the pure archive helpers (folders flattened, OS junk left out, bad archives refused with one
 * sentence), and the command line reading and writing a .zip exactly as the folder it stands for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { filesToOpen, unzipFiles, zipFiles } from '../../../src/formats/zip/zip';
import { errorOf } from '../../helpers/errors';
import { runCli } from '../../helpers/cli';

const bytes = (s: string) => new TextEncoder().encode(s);
const MODEL = 'public/demo/models/deepfm';
const TEST = 'public/demo/criteo/test.tsv';

describe('zip helpers', () => {
  it('round-trips files, flattening folders and leaving out what the OS adds', () => {
    const zip = zipSync({
      'deepfm/model.json': bytes('{"a":1}'),
      'deepfm/group1-shard1of1.bin': new Uint8Array([1, 2, 3, 250]),
      'deepfm/': new Uint8Array(0),
      '__MACOSX/deepfm/._model.json': bytes('junk'),
      'deepfm/.DS_Store': bytes('junk'),
    });
    const files = unzipFiles(zip, 'deepfm.zip');
    expect(files.map((f) => f.name).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect([...files.find((f) => f.name.endsWith('.bin'))!.data]).toEqual([1, 2, 3, 250]);
    const again = unzipFiles(zipFiles(files), 'again.zip');
    expect(again.map((f) => [f.name, [...f.data]])).toEqual(files.map((f) => [f.name, [...f.data]]));
  });

  it('refuses what is not a zip, an empty zip and a name held twice, naming the file', () => {
    const notZip = errorOf(() => unzipFiles(bytes('label\tI1\n1\t2\n'), 'rows.zip'));
    expect(notZip.code).toBe('ARCHIVE_INVALID');
    expect(notZip.message).toMatch(/^rows\.zip could not be unzipped .*; zip the model's folder again/);
    expect(errorOf(() => unzipFiles(zipSync({ 'empty/': new Uint8Array(0) }), 'e.zip')).message).toMatch(
      /^e\.zip holds no files; /,
    );
    const twice = errorOf(() =>
      unzipFiles(zipSync({ 'a/model.json': bytes('{}'), 'b/model.json': bytes('{}') }), 'two.zip'),
    );
    expect(twice.message).toMatch(/two\.zip holds two files named model\.json .*one model's folder at a time/);
  });

  it("opens the tfjs model of the studio's export, not the ONNX copy beside it", () => {
    const both = [
      { name: 'model.json', data: bytes('{}') },
      { name: 'w.bin', data: new Uint8Array(1) },
      { name: 'model.onnx', data: new Uint8Array(1) },
    ];
    expect(filesToOpen(both).map((f) => f.name)).toEqual(['model.json', 'w.bin']);
    expect(filesToOpen([{ name: 'm.onnx', data: new Uint8Array(1) }]).map((f) => f.name)).toEqual(['m.onnx']);
  });
});

describe('the command line with zipped models', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctr-zip-'));
  });

  it(
    'a zipped model folder scores what the folder scores; compress writes a zip that ' + 'scores what it reports',
    async () => {
      const zipped = join(dir, 'deepfm.zip');
      const files = await Promise.all(
        ['model.json', 'group1-shard1of1.bin'].map(async (n) => ({
          name: `deepfm/${n}`,
          data: new Uint8Array(await readFile(join(MODEL, n))),
        })),
      );
      await writeFile(zipped, zipSync(Object.fromEntries(files.map((f) => [f.name, f.data]))));
      const fromFolder = await runCli(['evaluate', '--model', MODEL, '--data', TEST]);
      const fromZip = await runCli(['evaluate', '--model', zipped, '--data', TEST]);
      expect(fromZip.code, fromZip.err).toBe(0);
      expect(JSON.parse(fromZip.out).auc).toBe(JSON.parse(fromFolder.out).auc);

      const out = join(dir, 'small.zip');
      const compressed = await runCli([
        'compress',
        '--model',
        zipped,
        '--train',
        'public/demo/criteo/train.tsv',
        '--test',
        TEST,
        '--dense-rank',
        '32',
        '--embedding-rank',
        '4',
        '--calibration-rows',
        '2000',
        '--out',
        out,
      ]);
      expect(compressed.code, compressed.err).toBe(0);
      expect(JSON.parse(compressed.out).model).toBe(out);
      expect(
        unzipFiles(new Uint8Array(await readFile(out)), out)
          .map((f) => f.name)
          .sort(),
      ).toEqual(['group1-shard1of1.bin', 'model.json']);
      const rescored = await runCli(['evaluate', '--model', out, '--data', TEST]);
      expect(rescored.code, rescored.err).toBe(0);
      expect(Math.abs(JSON.parse(rescored.out).auc - JSON.parse(compressed.out).auc.compressed)).toBeLessThan(1e-6);
    },
  );

  it('a zip without a model says so in one sentence', async () => {
    const zipped = join(dir, 'rows.zip');
    await writeFile(zipped, zipSync({ 'test.tsv': bytes('1\t2\n') }));
    const r = await runCli(['evaluate', '--model', zipped, '--data', TEST]);
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/rows\.zip holds no model; give a tfjs model\.json with its weight files, a Keras/);
  });
});
