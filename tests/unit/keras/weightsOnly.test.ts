/**
 * Weights-only files with their architecture: tf.keras `save_weights('w.h5')` with `model.to_json()`, and
 * Keras 3 `save_weights('m.weights.h5')` with config.json, opened together through the format registry (as a
 * drop or `--model w.h5,arch.json` opens them), predicting like the plain forward pass; and the sentences for
 * one without the other.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { memoryFile, openFiles } from '../../../src/formats';
import { isStudioError } from '../../../src/core/errors';
import { randomWeights, strToU8 } from '../../fixtures/keras/build';
import { configJsonKeras3, kerasWeightsH5, saveWeightsH5, toJsonTfKeras } from '../../fixtures/keras/files';
import { RECURRENT_MODEL, TWO_TOWER } from '../../fixtures/keras/models';
import type { ModelDesc, Weights } from '../../fixtures/keras/build';
import { maxDifference } from './layouts';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

type Pair = (m: ModelDesc, w: Weights) => Promise<[string, Uint8Array][]>;
const PAIRS: [string, Pair][] = [
  [
    'tf.keras save_weights .h5 + to_json',
    async (m, w) => [
      ['weights.h5', await saveWeightsH5(m, w)],
      ['architecture.json', strToU8(toJsonTfKeras(m))],
    ],
  ],
  [
    'Keras 3 .weights.h5 + config.json',
    async (m, w) => [
      ['config.json', strToU8(configJsonKeras3(m))],
      ['model.weights.h5', await kerasWeightsH5(m, w)],
    ],
  ],
];

const open = (files: [string, Uint8Array][]) => openFiles(files.map(([n, b]) => memoryFile(n, b)));

describe.each(PAIRS)('%s', (_label, pair) => {
  it.each([
    ['two-tower', TWO_TOWER],
    ['recurrent', RECURRENT_MODEL],
  ] as const)('%s model opens as one model and predicts like the plain forward pass (1e-5)', async (_m, desc) => {
    const weights = randomWeights(desc, 8);
    const { model: opened, data } = await open(await pair(desc, weights));
    expect(data).toEqual([]);
    expect(opened?.kind).toBe('layers');
    if (opened?.kind !== 'layers') return;
    const model = await loadModelFromArtifacts(opened.artifacts, opened.name);
    expect(await maxDifference(model, desc, weights)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('says what is missing when the weights or the architecture come alone', async () => {
    const [a, b] = await pair(TWO_TOWER, randomWeights(TWO_TOWER, 2));
    const weightsFile = a[0].endsWith('.h5') ? a : b;
    const archFile = a === weightsFile ? b : a;
    for (const [files, pattern] of [
      [[weightsFile], /holds only weights \(model\.save_weights\) .* give it together with the architecture JSON/],
      [[archFile], /is a Keras model architecture without its weights; give it together with the weights file/],
    ] as const) {
      const e = await open([...files]).catch((x: unknown) => x);
      expect(isStudioError(e), String(e)).toBe(true);
      expect((e as Error).message).toMatch(pattern);
    }
  });
});
