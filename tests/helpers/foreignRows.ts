/**
 * Rows for the ONNX fixtures (inputs C1..C4: ids below 21, `numeric`: 6 floats) as a user of a model made
 * elsewhere would have them: a CSV whose columns are named after the inputs, in another order than the
 * model's (label, n1..n3, C1..C4, n4..n6), with a planted label. Also the same values as model feeds, made
 * independently of any binding, to check that binding feeds each column to the right input.
 */
import { createRng } from '../../src/core/random';
import type { Feed } from '../unit/onnx/reference';

export const FOREIGN_HEADER = ['label', 'n1', 'n2', 'n3', 'C1', 'C2', 'C3', 'C4', 'n4', 'n5', 'n6'];

/**
 * `rows` rows from `seed`; labels drawn from `probs` (say, the model's own scores of the same rows, so that its
 * AUC means something) or else from a planted rule. The features do not depend on how labels are drawn.
 */
export function foreignRows(
  rows: number,
  seed = 11,
  probs?: ArrayLike<number>,
): { csv: string; feeds: Record<string, Feed>; labels: Float32Array } {
  const rng = createRng(seed);
  const labelRng = createRng(seed + 1);
  const ids = Array.from({ length: 4 }, () => new Int32Array(rows));
  const numeric = new Float32Array(rows * 6);
  const labels = new Float32Array(rows);
  const lines = [FOREIGN_HEADER.join(',')];
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < 4; f++) ids[f][r] = Math.floor(rng() * 21);
    // Two decimals, so that the text and the float32 feed hold the same value.
    for (let j = 0; j < 6; j++) numeric[r * 6 + j] = Math.round((rng() * 4 - 2) * 100) / 100;
    const n = (j: number) => numeric[r * 6 + j];
    const logit = 1.2 * n(0) - 0.8 * n(1) + (ids[0][r] < 10 ? 0.7 : -0.7) + (ids[1][r] % 3 === 0 ? 0.5 : 0) - 1;
    labels[r] = labelRng() < (probs ? probs[r] : 1 / (1 + Math.exp(-logit))) ? 1 : 0;
    lines.push([labels[r], n(0), n(1), n(2), ids[0][r], ids[1][r], ids[2][r], ids[3][r], n(3), n(4), n(5)].join(','));
  }
  const feeds: Record<string, Feed> = { numeric: { ids: false, dims: [rows, 6], data: numeric } };
  ids.forEach((data, f) => (feeds[`C${f + 1}`] = { ids: true, dims: [rows, 1], data }));
  return { csv: lines.join('\n') + '\n', feeds, labels };
}

/**
 * The same kind of rows for a model fed one tensor X (DeepCTR-Torch's forward(X)): a CSV in the model's column
 * order (label, C1..C4 ids, n1..n6), and the same values as the X feed [rows, 10], made without any binding.
 */
export function singleInputRows(
  rows: number,
  seed: number,
  probs?: ArrayLike<number>,
): { csv: string; x: Feed; labels: Float32Array } {
  const r = foreignRows(rows, seed, probs);
  const data = new Float32Array(rows * 10);
  const lines = [['label', 'C1', 'C2', 'C3', 'C4', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'].join(',')];
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < 4; f++) data[i * 10 + f] = r.feeds[`C${f + 1}`].data[i];
    for (let j = 0; j < 6; j++) data[i * 10 + 4 + j] = r.feeds.numeric.data[i * 6 + j];
    lines.push([r.labels[i], ...data.subarray(i * 10, i * 10 + 10)].join(','));
  }
  return { csv: lines.join('\n') + '\n', x: { ids: false, dims: [rows, 10], data }, labels: r.labels };
}
