/** The file layouts every new Keras test model is written in, and the comparison with the plain forward pass. */
import { expect } from 'vitest';
import type { LayersModel, Tensor } from '../../../src/tf/tfjs';
import type { ModelDesc, Weights } from '../../fixtures/keras/build';
import { kerasArchive, legacyH5 } from '../../fixtures/keras/files';
import { forwardRow, rowsOf } from './forward';
import { predictFlat, sampleInputs } from './reference';

/** [label, file name, writer] for Keras 3 .keras, tf.keras 2 .h5 and Keras 3 legacy .h5. */
export const LAYOUTS: [string, string, (m: ModelDesc, w: Weights) => Promise<Uint8Array>][] = [
  ['Keras 3 .keras', 'model.keras', (m, w) => kerasArchive(m, w, { compiled: true })],
  ['tf.keras 2 .h5', 'model.h5', (m, w) => legacyH5(m, w, { dialect: 'tf.keras2', compiled: true })],
  ['Keras 3 legacy .h5', 'model.h5', (m, w) => legacyH5(m, w, { dialect: 'keras3' })],
];

/** Largest |tfjs − plain forward pass| over `rows` seeded rows (first output). */
export async function maxDifference(model: LayersModel, desc: ModelDesc, weights: Weights, rows = 16): Promise<number> {
  const inputs: Tensor[] = sampleInputs(desc, rows);
  const got = await predictFlat(model, inputs);
  const data = await Promise.all(inputs.map(async (t) => (await t.data()) as Float32Array | Int32Array));
  const shapes = inputs.map((t) => t.shape.slice(1));
  inputs.forEach((t) => t.dispose());
  const perRow = got.length / rows;
  let max = 0;
  rowsOf(data, shapes, rows).forEach((row, r) => {
    const want = forwardRow(desc, weights, row).data;
    expect(want.length).toBe(perRow);
    want.forEach((w, j) => {
      max = Math.max(max, Math.abs(got[r * perRow + j] - w));
    });
  });
  return max;
}
