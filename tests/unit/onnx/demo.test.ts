import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { predictProbs } from '../../../src/tf/predict';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { openDemoModel } from '../../helpers/demo';
import { feedsFromBatch, maxAbsDiff, runOrt } from './reference';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe.each(['deepfm', 'dcnv2'] as const)('the demo %s (real Criteo rows)', (kind) => {
  it('exports to ONNX and back with the same click probabilities on the 2,000 test rows', async () => {
    const demo = await openDemoModel(kind);
    const artifacts = await saveModelToArtifacts(demo.model);
    const want = await predictProbs(demo.model, demo.encoding, demo.test);
    const bytes = exportOnnx(artifacts);
    expect(maxAbsDiff(await runOrt(bytes, feedsFromBatch(demo.encoding, demo.test)), want)).toBeLessThan(1e-4);
    const back = await loadModelFromArtifacts(importOnnx(bytes, `${kind}.onnx`));
    expect(maxAbsDiff(await predictProbs(back, demo.encoding, demo.test), want)).toBeLessThan(1e-4);
  });
});
