/**
 * A two-tower model with nested Sequential and Functional towers (two levels deep) and free-form names, in
 * every Keras layout: it opens, its flat tfjs model predicts like a plain forward pass of the file's weights,
 * the names tfjs cannot carry are replaced and the originals kept, and inspect counts every tower's weights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { readKerasFile } from '../../../src/formats/keras/readKeras';
import { originalNames } from '../../../src/formats/keras/originalNames';
import { randomWeights } from '../../fixtures/keras/build';
import { TWO_TOWER } from '../../fixtures/keras/models';
import { LAYOUTS, maxDifference } from './layouts';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe.each(LAYOUTS)('two-tower model, %s', (_label, fileName, write) => {
  it('opens flat, predicts like the plain forward pass (1e-5) and keeps the original names', async () => {
    const weights = randomWeights(TWO_TOWER, 31);
    const artifacts = await readKerasFile(await write(TWO_TOWER, weights), fileName);
    const model = await loadModelFromArtifacts(artifacts, fileName);
    const diff = await maxDifference(model, TWO_TOWER, weights);
    expect(diff).toBeLessThan(1e-5);
    const names = model.layers.map((l) => l.name);
    expect(model.layers.some((l) => l instanceof tf.LayersModel)).toBe(false);
    expect(names).toEqual(
      expect.arrayContaining(['hidden', 'out', 'item_mlp_hidden', 'item_mlp_out', 'item_embedding', 'score']),
    );
    const originals = originalNames(artifacts.userDefinedMetadata);
    expect(originals.User_s_features).toBe("User's features");
    expect(originals.item_features_prix_categorie).toBe('item features (prix, catégorie)');
    expect(originals.click_probability).toBe('click probability');
    expect(Object.values(originals)).toEqual(
      expect.arrayContaining(['user tower / hidden', 'item tower / item mlp / hidden', 'item tower / item embedding']),
    );
    expect(model.countParams()).toBe([...weights.values()].flat().reduce((s, a) => s + a.data.length, 0));
    model.dispose();
  });
});
