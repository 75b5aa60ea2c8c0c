/**
 * A PyTorch-style model imported from ONNX, with rows bound to its inputs by column name: the bound rows score
 * as onnxruntime-web scores the same values; full-rank AFM on those rows reproduces the model; the export
 * carries the binding, reloads with it and scores the same.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bindEncoding,
  encodeBatch,
  readDataset,
  type EncodedBatch,
  type FeatureEncoding,
} from '../../../src/core/data';
import { METADATA_KEY, readMetadata } from '../../../src/core/model/metadata';
import { importOnnx } from '../../../src/core/onnx/import';
import { compressorOf } from '../../helpers/compressor';
import { describeInputs } from '../../../src/tf/feed';
import { checkEncodingFits, loadModelFromArtifacts } from '../../../src/tf/modelio';
import { predictProbs } from '../../../src/tf/predict';
import { tf, type LayersModel } from '../../../src/tf/tfjs';
import { foreignRows } from '../../helpers/foreignRows';
import { fullRankAfmDiff } from '../../helpers/fullRank';
import { maxAbsDiff, runOrt } from '../onnx/reference';

const NAME = 'deepfm-deepctr-gemm-opset13.onnx';
const bytes = new Uint8Array(readFileSync(new URL(`../../fixtures/onnx/${NAME}`, import.meta.url)));
const rows = foreignRows(1000);
let model: LayersModel;
let encoding: FeatureEncoding;
let batch: EncodedBatch;

beforeAll(async () => {
  await tf.setBackend('wasm');
  model = await loadModelFromArtifacts(importOnnx(bytes, NAME), NAME);
  const { schema, batch: raw } = await readDataset(rows.csv);
  encoding = bindEncoding(describeInputs(model), schema);
  batch = encodeBatch(encoding, raw, schema);
});

describe('an ONNX model with rows bound by column name', () => {
  it('describes its inputs with the tables their ids index', () => {
    expect(describeInputs(model)).toEqual([
      ...[1, 2, 3, 4].map((f) => ({
        name: `C${f}`,
        dtype: 'int32',
        width: 1,
        table: { layer: expect.stringMatching(new RegExp(`C${f}$`)), rows: 21 },
      })),
      { name: 'numeric', dtype: 'float32', width: 6 },
    ]);
  });

  it('scores the bound rows as onnxruntime-web scores the same values to 1e-4', async () => {
    const ort = await runOrt(bytes, rows.feeds);
    expect(maxAbsDiff(await predictProbs(model, encoding, batch), ort)).toBeLessThan(1e-4);
  });

  it('full-rank AFM on the bound rows reproduces the logits to 1e-4', async () => {
    const { diff, layers } = await fullRankAfmDiff(model, encoding, batch);
    expect(layers).toBeGreaterThanOrEqual(6); // 4 tables and the 2 hidden Dense layers
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it('exports with the binding, which reloads, fits the model and scores the same', async () => {
    const c = await compressorOf(model);
    await c.collect(encoding, batch);
    const built = c.build(c.uniformPlan({ method: 'afm', denseRank: 4, embeddingRank: 2 }));
    const compressed = await c.loadNet(built);
    const meta = { [METADATA_KEY]: { format: 1, studioVersion: 'test', encoding } };
    const reloaded = await loadModelFromArtifacts({ ...built.payload, userDefinedMetadata: meta }, 'model.json');
    checkEncodingFits(reloaded, meta);
    const back = readMetadata(JSON.parse(JSON.stringify(meta)))!.encoding;
    expect(back).toEqual(encoding);
    expect(await predictProbs(reloaded, back, batch)).toEqual(await predictProbs(compressed, encoding, batch));
    compressed.dispose();
    reloaded.dispose();
  });

  it('a stored binding whose ids run past a table is refused when the model opens', async () => {
    const meta = {
      [METADATA_KEY]: {
        format: 1,
        studioVersion: 'test',
        encoding: { ...encoding, categorical: encoding.categorical.map((f) => ({ ...f, size: 30 })) },
      },
    };
    expect(() => checkEncodingFits(model, meta)).toThrow(
      /gives field C1 30 ids but its embedding layer .* has only 21 rows/,
    );
  });
});
