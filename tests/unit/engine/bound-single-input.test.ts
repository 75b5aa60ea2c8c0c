/**
 * DeepCTR-Torch's way of feeding a model: one float tensor X, whose first columns are label-encoded ids that the
 * model slices and casts for its embedding tables, and whose last columns are numeric values. Rows bound to it
 * in file order score as onnxruntime-web scores the same X; full-rank AFM reproduces the model; an id past a
 * table, text where a number goes, and a wrong column count each get one sentence; a stored binding that
 * would feed unchecked or too large ids to a table is refused when the model opens; and the command line
 * scores the .onnx file on such rows directly.
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
import { METADATA_KEY } from '../../../src/core/model/metadata';
import { importOnnx } from '../../../src/core/onnx/import';
import { describeInputs } from '../../../src/tf/feed';
import { checkEncodingFits, loadModelFromArtifacts } from '../../../src/tf/modelio';
import { predictProbs } from '../../../src/tf/predict';
import { tf, type LayersModel } from '../../../src/tf/tfjs';
import { runCli } from '../../helpers/cli';
import { singleInputRows } from '../../helpers/foreignRows';
import { fullRankAfmDiff } from '../../helpers/fullRank';
import { maxAbsDiff, runOrt } from '../onnx/reference';
import { torchDeepFm } from '../onnx/torch-graphs';

const bytes = torchDeepFm({ singleInput: true, seed: 9 }); // X = [C1..C4 ids, 6 numeric values]
const rows = singleInputRows(800, 23);
let model: LayersModel;
let encoding: FeatureEncoding;
let batch: EncodedBatch;

async function bind(csv: string): Promise<{ encoding: FeatureEncoding; batch: EncodedBatch }> {
  // As the studio reads rows for a model made elsewhere: as they are.
  const { schema, batch: raw } = await readDataset(csv, { overrides: { asIs: true } });
  const enc = bindEncoding(describeInputs(model), schema);
  return { encoding: enc, batch: encodeBatch(enc, raw, schema) };
}

async function refusal(csv: string): Promise<string> {
  try {
    await bind(csv);
  } catch (e) {
    expect((e as { code?: string }).code).toBe('DATA_SCHEMA');
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  model = await loadModelFromArtifacts(importOnnx(bytes, 'deepctr-x.onnx'), 'deepctr-x.onnx');
  ({ encoding, batch } = await bind(rows.csv));
});

describe('a model fed one tensor X of ids and values (DeepCTR-Torch)', () => {
  it('describes X with the positions that index tables, and binds the columns in file order', () => {
    const [x] = describeInputs(model);
    expect(x).toMatchObject({ name: 'X', dtype: 'float32', width: 10 });
    expect(new Set(x.idRanges!.map((r) => `${r.start}-${r.end}:${r.rows}`))).toEqual(
      new Set(['0-1:21', '1-2:21', '2-3:21', '3-4:21']),
    );
    expect(encoding.categorical).toEqual([]);
    expect(encoding.numeric.map((f) => [f.name, f.input, f.ids])).toEqual([
      ...['C1', 'C2', 'C3', 'C4'].map((c) => [c, 'X', 21]),
      ...['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((c) => [c, 'X', undefined]),
    ]);
    expect(describeBinding(encoding)).toContain('C1 … n6 (10 columns) into "X" (4 of them ids for embedding tables)');
  });

  it('scores the bound rows as onnxruntime-web scores the same X to 1e-4', async () => {
    const ort = await runOrt(bytes, { X: rows.x });
    expect(maxAbsDiff(await predictProbs(model, encoding, batch), ort)).toBeLessThan(1e-4);
  });

  it('full-rank AFM on the bound rows reproduces the logits to 1e-4', async () => {
    const { diff, layers } = await fullRankAfmDiff(model, encoding, batch);
    expect(layers).toBeGreaterThanOrEqual(6); // 4 tables and the 2 hidden Dense layers
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it(
    'refuses an id past a table, text where a number goes, and a wrong column count, ' + 'each in one sentence',
    async () => {
      const lines = rows.csv.split('\n');
      const cells = lines[3].split(',');
      cells[2] = '21'; // C2 on line 4: the tables have rows 0..20
      expect(await refusal([...lines.slice(0, 3), cells.join(','), ...lines.slice(4)].join('\n'))).toBe(
        'Column "C2" holds 21 on line 4, but the model\'s input "X" takes integer ids ' +
          'from 0 to 20 in its place, as they are (the model carries no CTR Studio ' +
          'encoding); give that column the ids the model was trained with.',
      );
      const text = lines.map((l, i) =>
        i === 0 ? l.replace('n1', 'site') : l.replace(/^([^,]*,[^,]*,[^,]*,[^,]*,[^,]*),[^,]*/, '$1,a' + i),
      );
      expect(await refusal(text.join('\n'))).toMatch(
        /^Column "site" holds text, but it is value 5 of the model input "X", which takes a number there/,
      );
      const fewer = lines.map((l) => l.split(',').slice(0, 10).join(','));
      expect(await refusal(fewer.join('\n'))).toMatch(
        new RegExp(
          /^The model input "X" takes 10 values per row \(4 of them ids for embedding tables\), /.source +
            /but the data has 9 feature columns/.source,
        ),
      );
    },
  );

  it('refuses a stored binding that feeds a table unchecked or too large ids', () => {
    const stored = (numeric: FeatureEncoding['numeric']) => ({
      [METADATA_KEY]: { format: 1, studioVersion: 'test', encoding: { ...encoding, numeric } },
    });
    expect(() => checkEncodingFits(model, stored(encoding.numeric))).not.toThrow();
    const tooLarge = encoding.numeric.map((f) => (f.name === 'C3' ? { ...f, ids: 30 } : f));
    expect(() => checkEncodingFits(model, stored(tooLarge))).toThrow(
      /feeds column C3 to value 3 of the input X, which indexes the embedding layer .* of 21 rows, with ids up to 29/,
    );
    const unchecked = encoding.numeric.map(({ ids: _, ...f }) => f);
    expect(() => checkEncodingFits(model, stored(unchecked))).toThrow(
      /feeds column C1 to value 1 of the input X, .* without checking it holds ids/,
    );
  });

  it('the command line scores the .onnx file on such rows, saying how it bound them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctr-x-'));
    await writeFile(join(dir, 'model.onnx'), bytes);
    await writeFile(join(dir, 'rows.csv'), rows.csv);
    const r = await runCli(['evaluate', '--model', join(dir, 'model.onnx'), '--data', join(dir, 'rows.csv')]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('into "X" (4 of them ids for embedding tables)');
    expect(Math.abs(JSON.parse(r.out).auc - auc(rows.labels, await runOrt(bytes, { X: rows.x })))).toBeLessThan(1e-6);
  });
});
