/**
 * Nested models compress layer by layer: data-free AFM factors at least one layer inside every submodel of the
 * two-tower file that has a Dense or Embedding layer, the factored model loads and scores, inspect counts every
 * tower's parameters, and a plan that factors nothing says so and why. The CLI opens a weights file with its
 * architecture named together (`--model weights.h5,architecture.json`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { tfjsLoader } from '../../../src/tf/runtime';
import { ModelCompressor } from '../../../src/app/modelCompressor';
import { memoryFile, openModelFiles } from '../../../src/formats';
import { originalNames } from '../../../src/formats/keras/originalNames';
import { nothingFactoredWarning } from '../../../src/cli/shared/compression';
import { readAnyModel } from '../../../src/cli/shared/io';
import { randomWeights, strToU8 } from '../../fixtures/keras/build';
import { legacyH5, saveWeightsH5, toJsonTfKeras } from '../../fixtures/keras/files';
import { TWO_TOWER } from '../../fixtures/keras/models';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const dir = mkdtempSync(join(tmpdir(), 'keras-nested-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openTwoTower() {
  const weights = randomWeights(TWO_TOWER, 12);
  const opened = await openModelFiles([
    memoryFile('two_tower.h5', await legacyH5(TWO_TOWER, weights, { dialect: 'tf.keras2' })),
  ]);
  const { model } = await tfjsLoader()(opened);
  return { model, names: originalNames(model.userDefinedMetadata), weights };
}

describe('a two-tower file with nested towers', () => {
  it('data-free AFM factors a layer inside every submodel with a Dense or Embedding layer', async () => {
    const { model, names, weights } = await openTwoTower();
    expect(model.params).toBe([...weights.values()].flat().reduce((s, a) => s + a.data.length, 0));
    const c = new ModelCompressor(model);
    c.setDataFree();
    const resolved = c.uniformPlan({ method: 'afm', denseRank: 2, embeddingRank: 2 });
    const factored = resolved.filter((r) => r.rank !== null).map((r) => names[r.layer] ?? r.layer);
    // The submodel a layer sits in directly: its original name without the last part.
    const owner = (original: string) => original.split(' / ').slice(0, -1).join(' / ');
    for (const sub of ['user tower', 'item tower', 'item tower / item mlp'])
      expect(
        factored.some((n) => owner(n) === sub),
        `${sub}: ${factored.join(', ')}`,
      ).toBe(true);
    expect(nothingFactoredWarning(resolved)).toBeNull();
    const built = c.build(resolved);
    expect(built.params).toBeLessThan(model.params);
    const compressed = await c.load(built);
    expect(compressed.params).toBe(built.params);
    compressed.dispose();
    model.dispose();
  });

  it('says that nothing was factored, and why, when every rank is above break-even', async () => {
    const { model } = await openTwoTower();
    const c = new ModelCompressor(model);
    c.setDataFree();
    const warning = nothingFactoredWarning(c.uniformPlan({ method: 'afm', denseRank: 64, embeddingRank: 64 }));
    expect(warning).toMatch(/^nothing was factored, so the compressed model is the original \(/);
    expect(warning).toMatch(/hidden: rank 64 is at or above|hidden: .*break-even/);
    model.dispose();
  });

  it('opens --model weights.h5,architecture.json on the command line', async () => {
    const weights = randomWeights(TWO_TOWER, 3);
    writeFileSync(join(dir, 'weights.h5'), await saveWeightsH5(TWO_TOWER, weights));
    writeFileSync(join(dir, 'architecture.json'), strToU8(toJsonTfKeras(TWO_TOWER)));
    const opened = await readAnyModel(`${join(dir, 'weights.h5')},${join(dir, 'architecture.json')}`);
    expect(opened.kind).toBe('layers');
    expect(opened.name).toBe('weights.h5');
  });
});
