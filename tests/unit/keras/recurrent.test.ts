/**
 * LSTM, GRU (reset_after, the Keras default), SimpleRNN and Bidirectional(LSTM/GRU) with Conv1D, LayerNormalization
 * and pooling, in the Keras 2 and Keras 3 weight layouts (cells under `lstm/lstm_cell/kernel:0` in tf.keras,
 * under `layers/lstm/cell/vars/0` and `forward_layer/cell/vars/0` in Keras 3): they come through unchanged,
 * predict like the plain forward pass, and keep their parameter counts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { readKerasFile } from '../../../src/formats/keras/readKeras';
import { describeModel } from '../../../src/core/layers/describe';
import { randomWeights } from '../../fixtures/keras/build';
import { RECURRENT_MODEL } from '../../fixtures/keras/models';
import { LAYOUTS, maxDifference } from './layouts';
import { CUSTOM_LAYER_CLASSES } from '../../../src/core/layers/customClasses';
import { TFJS_LAYER_CLASSES } from '../../../src/formats/keras/config';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const classes = { layerClasses: [...TFJS_LAYER_CLASSES, ...CUSTOM_LAYER_CLASSES] };

describe.each(LAYOUTS)('recurrent model, %s', (_label, fileName, write) => {
  it('predicts like the plain forward pass (1e-5) with every parameter counted per layer', async () => {
    const weights = randomWeights(RECURRENT_MODEL, 5);
    const artifacts = await readKerasFile(await write(RECURRENT_MODEL, weights), fileName, classes);
    const model = await loadModelFromArtifacts(artifacts, fileName);
    expect(await maxDifference(model, RECURRENT_MODEL, weights)).toBeLessThan(1e-5);
    const shapes = Object.fromEntries(model.layers.map((l) => [l.name, l.outputShape as (number | null)[]]));
    const d = describeModel(artifacts, shapes);
    const size = (name: string) => weights.get(name)!.reduce((s, a) => s + a.data.length, 0);
    for (const name of [
      'conv1d',
      'layer_normalization',
      'lstm',
      'bidirectional',
      'simple_rnn',
      'bidirectional_1',
      'gru_1',
    ])
      expect(d.layers.find((l) => l.name === name)?.params, name).toBe(size(name));
    expect(d.params).toBe(model.countParams());
    model.dispose();
  });
});
