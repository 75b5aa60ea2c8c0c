/**
 * Feeding encoded rows to a model: which column of an EncodedBatch goes to which model input (matched by
 * input name), and building the input tensors for a slice of rows.
 */
import { tf } from './tfjs';
import type { LayersModel, Tensor } from './tfjs';
import type { EncodedBatch, FeatureEncoding } from '../core/data';
import { numericWidth } from '../core/data';
import { inputNameForField, NUMERIC_INPUT } from '../core/model/spec';
import { StudioError } from '../core/errors';

type Source = { kind: 'categorical'; field: number } | { kind: 'numeric'; width: number };

/** For each model input in order, where its values come from. */
export interface FeedPlan {
  sources: Source[];
}

/** Matches model inputs to encoded fields by name; a model input the data cannot feed is a DATA_SCHEMA error. */
export function planFeed(model: LayersModel, encoding: FeatureEncoding): FeedPlan {
  const byInput = new Map<string, number>();
  encoding.categorical.forEach((f, i) => byInput.set(inputNameForField(f.name), i));
  const missing: string[] = [];
  const sources = model.inputs.map((input, k): Source => {
    const name = model.inputNames[k] ?? input.name;
    if (name === NUMERIC_INPUT) {
      const width = numericWidth(encoding);
      const want = input.shape[input.shape.length - 1];
      if (want !== width) {
        throw new StudioError('DATA_SCHEMA', `The model's numeric input expects ${want} values per row but the data encoding gives ${width}; use data with the same numeric columns the model was trained on.`);
      }
      return { kind: 'numeric', width };
    }
    const field = byInput.get(name);
    if (field === undefined) {
      missing.push(name);
      return { kind: 'categorical', field: -1 };
    }
    return { kind: 'categorical', field };
  });
  if (missing.length > 0) {
    throw new StudioError('DATA_SCHEMA', `The data has no column for the model input${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}; use data with the columns the model was trained on.`);
  }
  return { sources };
}

/** Input tensors for rows [start, end) of a batch, or for the rows listed in idx. Caller disposes. */
export function makeInputs(plan: FeedPlan, batch: EncodedBatch, rows: { start: number; end: number } | Int32Array): Tensor[] {
  const idx = rows instanceof Int32Array ? rows : null;
  const n = idx ? idx.length : (rows as { start: number; end: number }).end - (rows as { start: number }).start;
  const start = idx ? 0 : (rows as { start: number }).start;
  return plan.sources.map((src) => {
    if (src.kind === 'categorical') {
      const col = batch.categorical[src.field];
      const values = idx ? Int32Array.from(idx, (r) => col[r]) : col.subarray(start, start + n);
      return tf.tensor2d(values, [n, 1], 'int32');
    }
    const w = src.width;
    let values: Float32Array;
    if (idx) {
      values = new Float32Array(n * w);
      for (let i = 0; i < n; i++) values.set(batch.numeric.subarray(idx[i] * w, idx[i] * w + w), i * w);
    } else {
      values = batch.numeric.subarray(start * w, (start + n) * w);
    }
    return tf.tensor2d(values, [n, w], 'float32');
  });
}

/** Labels of the listed rows as a [n, 1] tensor. */
export function makeLabels(batch: EncodedBatch, idx: Int32Array): Tensor {
  return tf.tensor2d(Float32Array.from(idx, (r) => batch.labels[r]), [idx.length, 1]);
}
