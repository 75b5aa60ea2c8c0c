/**
 * The README's path for PyTorch users, through the command line: a torch-style ONNX CTR model is compressed
 * as ONNX (data-free), and its tfjs conversion scores like ONNX Runtime scores it; ONNX → tfjs → ONNX keeps
 * the original's scores.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../../../src/tf/tfjs';
import { readModelFiles } from '../../../src/node/files';
import { loadModelFromFiles } from '../../../src/tf/modelio';
import { maxAbsDiff, randomFeeds, runOrt, runTfjs } from '../onnx/reference';
import { quietCli, runCli } from '../../helpers/cli';
import { foreignRows } from '../../helpers/foreignRows';
import { writeFile } from 'node:fs/promises';
import { auc } from '../../../src/core/metrics';

const ONNX = 'tests/fixtures/onnx/deepfm-deepctr-gemm-opset13.onnx';
let dir: string;

async function loadDir(path: string) {
  const { modelJson, weights, fileName } = await readModelFiles(path);
  return loadModelFromFiles(modelJson, weights, fileName);
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'ctr-convert-'));
});

describe('PyTorch (ONNX) → compressed → ONNX', () => {
  it('ONNX → tfjs → ONNX scores like the original in ONNX Runtime', async () => {
    expect(await quietCli(['convert', '--model', ONNX, '--to', 'tfjs', '--out', join(dir, 'tfjs')])).toBe(0);
    expect(
      await quietCli(['convert', '--model', join(dir, 'tfjs'), '--to', 'onnx', '--out', join(dir, 'back.onnx')]),
    ).toBe(0);
    const model = await loadDir(join(dir, 'tfjs'));
    const vocab = Math.min(
      ...model.layers
        .filter((l) => l.getClassName() === 'Embedding')
        .map((l) => (l.getConfig() as { inputDim: number }).inputDim),
    );
    const numeric = model.inputs.find((t) => t.dtype === 'float32')?.shape[1] as number | undefined;
    const feeds = randomFeeds(64, model.inputs.length - (numeric ? 1 : 0), vocab, numeric ?? 0);
    const original = await runOrt(new Uint8Array(await readFile(ONNX)), feeds);
    expect(maxAbsDiff(original, await runTfjs(model, feeds))).toBeLessThan(1e-4);
    expect(
      maxAbsDiff(original, await runOrt(new Uint8Array(await readFile(join(dir, 'back.onnx'))), feeds)),
    ).toBeLessThan(1e-4);
  });

  it('compressed data-free as ONNX, converted to tfjs, scores like onnxruntime-web does', async () => {
    const args = ['--data-free', '--dense-rank', '4', '--embedding-rank', '2', '--out', join(dir, 'small')];
    expect(await quietCli(['compress', '--model', ONNX, ...args])).toBe(0);
    const written = join(dir, 'small', 'model.onnx');
    expect(
      await quietCli(['convert', '--model', join(dir, 'small'), '--to', 'tfjs', '--out', join(dir, 'small-tfjs')]),
    ).toBe(0);
    const small = await loadDir(join(dir, 'small-tfjs'));
    const vocab = Math.min(
      ...small.layers
        .filter((l) => l.getClassName() === 'Embedding')
        .map((l) => (l.getConfig() as { inputDim: number }).inputDim),
    );
    const numeric = small.inputs.find((t) => t.dtype === 'float32')?.shape[1] as number | undefined;
    const feeds = randomFeeds(64, small.inputs.length - (numeric ? 1 : 0), vocab, numeric ?? 0, 9);
    const ortScores = await runOrt(new Uint8Array(await readFile(written)), feeds);
    expect(maxAbsDiff(await runTfjs(small, feeds), ortScores)).toBeLessThan(1e-4);
    const original = await loadDir(join(dir, 'tfjs'));
    expect(small.countParams()).toBeLessThan(original.countParams());
  });
});

describe('PyTorch (ONNX) with its own rows → data-aware AFM → ONNX', () => {
  it(
    'convert --data binds the columns; compress then runs data-aware AFM on those ' +
      'rows; the result exports to ONNX',
    async () => {
      const rows = foreignRows(4000, 21);
      const data = join(dir, 'rows.csv');
      await writeFile(data, rows.csv);
      const bound = await runCli([
        'convert',
        '--model',
        ONNX,
        '--to',
        'tfjs',
        '--out',
        join(dir, 'bound'),
        '--data',
        data,
      ]);
      expect(bound.code, bound.err).toBe(0);
      const report = JSON.parse(bound.out).binding;
      expect(report.columns).toContain('C1, C2, C3, C4 as ids; n1 … n6 (6 columns) into "numeric"');
      // The AUC it reports is the ONNX model's own AUC on those values (onnxruntime-web as the reference).
      const ort = await runOrt(new Uint8Array(await readFile(ONNX)), rows.feeds);
      expect(Math.abs(report.auc - auc(rows.labels, ort))).toBeLessThan(1e-6);
      const again = await runCli([
        'convert',
        '--model',
        join(dir, 'bound'),
        '--to',
        'tfjs',
        '--out',
        join(dir, 'bound2'),
        '--data',
        data,
      ]);
      expect(again.code).not.toBe(0);
      expect(again.err).toMatch(/already carries a CTR Studio feature encoding; --data is for models made elsewhere/);
      // compress reads the binding like any encoding: AFM statistics from those rows, AUC on them.
      const out = join(dir, 'bound-afm');
      const r = await runCli([
        'compress',
        '--model',
        join(dir, 'bound'),
        '--train',
        data,
        '--test',
        data,
        '--method',
        'afm',
        '--dense-rank',
        '4',
        '--embedding-rank',
        '2',
        '--out',
        out,
        '--report',
        `${out}.json`,
      ]);
      expect(r.code, r.err).toBe(0);
      const rep = JSON.parse(await readFile(`${out}.json`, 'utf8'));
      expect(rep.calibrationRows).toBe(4000);
      expect(Math.abs(rep.original.auc - report.auc)).toBeLessThan(1e-6);
      expect(rep.compressed.params).toBeLessThan(rep.original.params);
      expect(
        await quietCli([
          'convert',
          '--model',
          join(dir, 'bound-afm'),
          '--to',
          'onnx',
          '--out',
          join(dir, 'bound-afm.onnx'),
        ]),
      ).toBe(0);
      const small = await loadDir(join(dir, 'bound-afm'));
      expect(
        maxAbsDiff(
          await runTfjs(small, rows.feeds),
          await runOrt(new Uint8Array(await readFile(join(dir, 'bound-afm.onnx'))), rows.feeds),
        ),
      ).toBeLessThan(1e-4);
    },
  );
});

describe('a model made elsewhere straight into the row commands', () => {
  it(
    'evaluate binds an ONNX model to the rows it is given, says so on stderr, and ' + 'scores as onnxruntime-web',
    async () => {
      const rows = foreignRows(500, 31);
      const data = join(dir, 'eval-rows.csv');
      await writeFile(data, rows.csv);
      const r = await runCli(['evaluate', '--model', ONNX, '--data', data]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toContain(
        "note: The model carries no CTR Studio encoding, so the data's columns feed its inputs by name, as they are",
      );
      const ort = await runOrt(new Uint8Array(await readFile(ONNX)), rows.feeds);
      expect(Math.abs(JSON.parse(r.out).auc - auc(rows.labels, ort))).toBeLessThan(1e-6);
    },
  );
});
