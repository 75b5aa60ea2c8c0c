import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { importOnnx } from '../../../src/core/onnx/import';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { FIXTURES } from '../../fixtures/onnx/make-fixtures';
import { maxAbsDiff, randomFeeds, runOrt, runTfjs } from './reference';
import { torchDeepFm } from './torch-graphs';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const path = (name: string) => new URL(`../../fixtures/onnx/${name}`, import.meta.url);

describe.each(Object.entries(FIXTURES))('fixture %s', (name, opts) => {
  it('is what its recipe writes', () => {
    expect(Buffer.from(torchDeepFm(opts)).equals(readFileSync(path(name)))).toBe(true);
  });

  it('imports with FMInteraction and scores like onnxruntime-web to 1e-4', async () => {
    const bytes = new Uint8Array(readFileSync(path(name)));
    const model = await loadModelFromArtifacts(importOnnx(bytes, name), name);
    expect(model.layers.some((l) => l.getClassName() === 'FMInteraction')).toBe(true);
    const feeds = randomFeeds(128, 4, 21, 6, 77);
    expect(maxAbsDiff(await runTfjs(model, feeds), await runOrt(bytes, feeds))).toBeLessThan(1e-4);
  });
});
