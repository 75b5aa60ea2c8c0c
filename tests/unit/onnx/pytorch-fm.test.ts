/**
 * pytorch-fm's models (rixwew/pytorch-fm) feed one int tensor x of per-field ids and add offsets to index one
 * shared table. Imported, such a model scores like onnxruntime-web; rows bind to x column by column in file
 * order, each field's ids checked against its own size (read from the offsets); full-rank AFM reproduces it;
 * compressed, it goes back to ONNX; and the command line scores the .onnx file on such rows directly.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bindEncoding,
  describeBinding,
  encodeBatch,
  readDataset,
  type EncodedBatch,
  type FeatureEncoding,
} from '../../../src/core/data';
import { auc } from '../../../src/core/metrics';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { createRng } from '../../../src/core/random';
import { compressorOf } from '../../helpers/compressor';
import { describeInputs } from '../../../src/tf/feed';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { predictProbs } from '../../../src/tf/predict';
import { tf, type LayersModel } from '../../../src/tf/tfjs';
import { runCli } from '../../helpers/cli';
import { errorOf } from '../../helpers/errors';
import { fullRankAfmDiff } from '../../helpers/fullRank';
import { maxAbsDiff, runOrt, runTfjs, type Feed } from './reference';
import { pytorchFmDeepFm } from './torch-graphs';

const FIELD_DIMS = [5, 7, 3, 6];
const bytes = pytorchFmDeepFm({ fieldDims: FIELD_DIMS, seed: 6 });

/** Per-field ids as the x feed, and as a CSV (label, f1..f4) with labels drawn from the model's own scores. */
async function pfmRows(
  rows: number,
  seed: number,
): Promise<{ csv: string; x: Feed; labels: Float32Array; ort: Float32Array }> {
  const rng = createRng(seed);
  const ids = new Int32Array(rows * FIELD_DIMS.length);
  ids.forEach((_, i) => (ids[i] = Math.floor(rng() * FIELD_DIMS[i % FIELD_DIMS.length])));
  const x: Feed = { ids: true, dims: [rows, FIELD_DIMS.length], data: ids };
  const ort = await runOrt(bytes, { x });
  const labels = Float32Array.from(ort, (p) => (rng() < p ? 1 : 0));
  const lines = [['label', 'f1', 'f2', 'f3', 'f4'].join(',')];
  for (let r = 0; r < rows; r++) lines.push([labels[r], ...ids.subarray(r * 4, r * 4 + 4)].join(','));
  return { csv: lines.join('\n') + '\n', x, labels, ort };
}

let model: LayersModel;
let rows: Awaited<ReturnType<typeof pfmRows>>;
let encoding: FeatureEncoding;
let batch: EncodedBatch;

beforeAll(async () => {
  await tf.setBackend('wasm');
  model = await loadModelFromArtifacts(importOnnx(bytes, 'pfm.onnx'), 'pfm.onnx');
  rows = await pfmRows(1000, 4);
  const { schema, batch: raw } = await readDataset(rows.csv, { overrides: { asIs: true } });
  encoding = bindEncoding(describeInputs(model), schema);
  batch = encodeBatch(encoding, raw, schema);
});

describe('pytorch-fm: one int tensor of ids, offsets into one shared table', () => {
  it('imports and scores like onnxruntime-web to 1e-5', async () => {
    expect(maxAbsDiff(await runTfjs(model, { x: rows.x }), rows.ort)).toBeLessThan(1e-5);
  });

  it("reads each field's id range from the offsets, and binds the columns in file order", () => {
    const [x] = describeInputs(model);
    expect(x).toMatchObject({ name: 'x', dtype: 'int32', width: 4 });
    const sizes = new Map(x.idRanges!.map((r) => [r.start, r.rows]));
    expect([0, 1, 2, 3].map((p) => sizes.get(p))).toEqual(FIELD_DIMS);
    expect(encoding.numeric.map((f) => [f.name, f.input, f.ids])).toEqual(
      ['f1', 'f2', 'f3', 'f4'].map((c, i) => [c, 'x', FIELD_DIMS[i]]),
    );
    expect(describeBinding(encoding)).toContain('f1, f2, f3, f4 into "x" (4 of them ids for embedding tables)');
  });

  it(
    'scores the bound rows as onnxruntime-web scores the same ids, and full-rank AFM ' + 'reproduces the logits',
    async () => {
      expect(maxAbsDiff(await predictProbs(model, encoding, batch), rows.ort)).toBeLessThan(1e-5);
      const { diff, layers } = await fullRankAfmDiff(model, encoding, batch);
      expect(layers).toBeGreaterThanOrEqual(3); // the shared table and the MLP's hidden layers
      expect(diff).toBeLessThanOrEqual(1e-4);
    },
  );

  it("refuses an id past its own field's size, though the shared table has rows for it", async () => {
    const lines = rows.csv.split('\n');
    lines[5] = lines[5]
      .split(',')
      .map((v, i) => (i === 2 ? '7' : v))
      .join(','); // f2 has ids 0..6
    const { schema, batch: raw } = await readDataset(lines.join('\n'), { overrides: { asIs: true } });
    const e = errorOf(() => encodeBatch(bindEncoding(describeInputs(model), schema), raw, schema));
    expect(e.message).toBe(
      'Column "f2" holds 7 on line 6, but the model\'s input "x" takes integer ids from ' +
        '0 to 6 in its place, as they are (the model carries no CTR Studio encoding); ' +
        'give that column the ids the model was trained with.',
    );
  });

  it('compressed, exports to ONNX that scores like the compressed tfjs model', async () => {
    const c = await compressorOf(model);
    await c.collect(encoding, batch);
    const built = c.build(c.uniformPlan({ method: 'afm', denseRank: 4, embeddingRank: 2 }));
    expect(built.params).toBeLessThan(c.originalParams);
    const compressed = await c.loadNet(built);
    expect(
      maxAbsDiff(await runOrt(exportOnnx(built.payload), { x: rows.x }), await runTfjs(compressed, { x: rows.x })),
    ).toBeLessThan(1e-4);
    compressed.dispose();
  });

  it('the command line scores the .onnx file on such rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctr-pfm-'));
    await writeFile(join(dir, 'pfm.onnx'), bytes);
    await writeFile(join(dir, 'rows.csv'), rows.csv);
    const r = await runCli(['evaluate', '--model', join(dir, 'pfm.onnx'), '--data', join(dir, 'rows.csv')]);
    expect(r.code, r.err).toBe(0);
    expect(Math.abs(JSON.parse(r.out).auc - auc(rows.labels, rows.ort))).toBeLessThan(1e-6);
  });
});
