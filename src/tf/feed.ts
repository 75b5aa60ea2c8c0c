/**
 * Feeding encoded rows to a model: which column of an EncodedBatch goes to which model input (matched by
 * input name), and building the input tensors for a slice of rows.
 */
import { tf } from './tfjs';
import type { LayersModel, Tensor } from './tfjs';
import type { CategoricalField, EncodedBatch, FeatureEncoding, ModelInputInfo } from '../core/data';
import { numericBlocks, numericWidth } from '../core/data';
import { inputNameForField } from '../core/model/spec';
import { StudioError } from '../core/errors';
import { ONNX_LAYER_CLASS_NAMES } from './layers/onnx';

type Layer = LayersModel['layers'][number];
/** A numeric block feeds an int32 input when its values are ids (bound columns of a wide id input). */
type Source =
  | { kind: 'categorical'; field: number }
  | { kind: 'numeric'; offset: number; width: number; rowWidth: number; dtype: 'float32' | 'int32' };

/** For each model input in order, where its values come from. */
export interface FeedPlan {
  sources: Source[];
}

/** The model input a categorical field feeds. */
export function inputOfField(f: CategoricalField): string {
  return (f.kind === 'id' ? f.input : undefined) ?? inputNameForField(f.name);
}

/** Matches model inputs to encoded fields by name; a model input the data cannot feed is a DATA_SCHEMA error. */
export function planFeed(model: LayersModel, encoding: FeatureEncoding): FeedPlan {
  const byInput = new Map<string, number>();
  encoding.categorical.forEach((f, i) => byInput.set(inputOfField(f), i));
  const blocks = numericBlocks(encoding);
  const rowWidth = numericWidth(encoding);
  const missing: string[] = [];
  const sources = model.inputs.map((input, k): Source => {
    const name = model.inputNames[k] ?? input.name;
    const block = blocks.get(name);
    if (block && !byInput.has(name)) {
      const want = input.shape[input.shape.length - 1];
      if (want !== block.width) {
        throw new StudioError(
          'DATA_SCHEMA',
          `The model's input "${name}" expects ${want} values per row but the data encoding ` +
            `gives ${block.width}; use data with the same numeric columns the model was ` +
            `trained on.`,
        );
      }
      return { kind: 'numeric', ...block, rowWidth, dtype: input.dtype === 'int32' ? 'int32' : 'float32' };
    }
    const field = byInput.get(name);
    if (field === undefined) {
      missing.push(name);
      return { kind: 'categorical', field: -1 };
    }
    return { kind: 'categorical', field };
  });
  if (missing.length > 0) {
    throw new StudioError(
      'DATA_SCHEMA',
      `The data has no column for the model input${missing.length > 1 ? 's' : ''} ` +
        `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}; use data ` +
        `with the columns the model was trained on.`,
    );
  }
  return { sources };
}

/**
 * The model's inputs as plain objects (for binding data columns to a model made elsewhere): dtype, values per
 * row, and for an id input the smallest embedding table it feeds.
 */
export function describeInputs(model: LayersModel): ModelInputInfo[] {
  const consumers = (name: string) =>
    model.layers.filter((l) => l.inboundNodes.some((n) => n.inboundLayers.some((x) => x.name === name)));
  return model.inputs.map((input, k) => {
    const name = model.inputNames[k] ?? input.name;
    const shape = input.shape.slice(1);
    let table: ModelInputInfo['table'];
    const idRanges: NonNullable<ModelInputInfo['idRanges']> = [];
    for (const layer of consumers(name)) {
      const cls = layer.getClassName();
      if (cls === 'Embedding') {
        const rows = rowsOf(layer);
        if (typeof rows === 'number' && (!table || rows < table.rows)) table = { layer: layer.name, rows };
      } else if (cls === ONNX_LAYER_CLASS_NAMES.constantOp && input.dtype === 'int32' && shape.length === 1) {
        idRanges.push(...offsetRanges(layer, shape[0] ?? NaN, consumers(layer.name)));
      } else if (cls === ONNX_LAYER_CLASS_NAMES.slice && shape.length === 1) {
        // X[:, a:b] of a [batch, w] input, straight into a table (the Cast to int64 imports as nothing).
        const { axes, starts, ends } = layer.getConfig() as { axes: number[]; starts: number[]; ends: number[] };
        if (axes.length !== 1 || (axes[0] !== 1 && axes[0] !== -1)) continue;
        for (const emb of consumers(layer.name)) {
          const rows = rowsOf(emb);
          if (emb.getClassName() === 'Embedding' && typeof rows === 'number')
            idRanges.push({ start: starts[0], end: ends[0], layer: emb.name, rows });
        }
      }
    }
    idRanges.sort((a, b) => a.start - b.start);
    return {
      name,
      dtype: input.dtype,
      width: shape.reduce<number>((a, d) => a * (d ?? NaN), 1),
      ...(table ? { table } : {}),
      ...(idRanges.length > 0 ? { idRanges } : {}),
    };
  });
}

/** An Embedding layer's table rows (undefined for other layers). */
const rowsOf = (layer: Layer) => (layer.getConfig() as { inputDim?: number }).inputDim;

/**
 * The id range of each position of an int input [batch, w] that a constant is added to before it indexes one
 * shared table (pytorch-fm's FeaturesEmbedding: x + offsets, offsets the cumulative field sizes): position p
 * takes ids from 0 to the next larger offset (or the table's rows) minus its own offset.
 */
function offsetRanges(add: Layer, width: number, readers: Layer[]): NonNullable<ModelInputInfo['idRanges']> {
  if ((add.getConfig() as { op?: string }).op !== 'add' || !Number.isFinite(width)) return [];
  const value = Array.from(add.getWeights()[0].dataSync());
  const offsets = value.length === 1 ? new Array<number>(width).fill(value[0]) : value;
  if (offsets.length !== width) return [];
  const out: NonNullable<ModelInputInfo['idRanges']> = [];
  for (const emb of readers) {
    const rows = rowsOf(emb);
    if (emb.getClassName() !== 'Embedding' || typeof rows !== 'number') continue;
    offsets.forEach((o, p) => {
      const next = Math.min(rows, ...offsets.filter((v) => v > o));
      out.push({ start: p, end: p + 1, layer: emb.name, rows: Math.max(0, next - o) });
    });
  }
  return out;
}

/** Input tensors for rows [start, end) of a batch, or for the rows listed in idx. Caller disposes. */
export function makeInputs(
  plan: FeedPlan,
  batch: EncodedBatch,
  rows: { start: number; end: number } | Int32Array,
): Tensor[] {
  const idx = rows instanceof Int32Array ? rows : null;
  const n = idx ? idx.length : (rows as { start: number; end: number }).end - (rows as { start: number }).start;
  const start = idx ? 0 : (rows as { start: number }).start;
  return plan.sources.map((src) => {
    if (src.kind === 'categorical') {
      const col = batch.categorical[src.field];
      let values: Int32Array;
      if (idx) {
        values = new Int32Array(n);
        for (let i = 0; i < n; i++) values[i] = col[idx[i]];
      } else {
        values = col.subarray(start, start + n);
      }
      return tf.tensor2d(values, [n, 1], 'int32');
    }
    const { offset, width: w, rowWidth } = src;
    let values: Float32Array;
    if (idx || w !== rowWidth) {
      values = new Float32Array(n * w);
      for (let i = 0; i < n; i++) {
        const r = (idx ? idx[i] : start + i) * rowWidth + offset;
        values.set(batch.numeric.subarray(r, r + w), i * w);
      }
    } else {
      values = batch.numeric.subarray(start * w, (start + n) * w);
    }
    return src.dtype === 'int32'
      ? tf.tensor2d(Int32Array.from(values), [n, w], 'int32')
      : tf.tensor2d(values, [n, w], 'float32');
  });
}

/** Labels of the listed rows as a [n, 1] tensor. */
export function makeLabels(batch: EncodedBatch, idx: Int32Array): Tensor {
  const values = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) values[i] = batch.labels[idx[i]];
  return tf.tensor2d(values, [idx.length, 1]);
}
