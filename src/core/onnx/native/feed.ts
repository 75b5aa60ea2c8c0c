/**
 * Feeding encoded rows to an ONNX graph's inputs: which encoded column (or block of columns) feeds which
 * input, matched by name as the tfjs path does, and the typed arrays of a slice of rows in each input's own
 * element type and shape. Pure: the runtime wraps the arrays in its tensors.
 */
import {
  numericBlocks,
  numericWidth,
  type CategoricalField,
  type EncodedBatch,
  type FeatureEncoding,
} from '../../data';
import { inputNameForField } from '../../model/spec';
import { StudioError } from '../../errors';
import { DT } from '../tensors';
import type { OnnxGraph } from './graph';

export type FeedType = 'int64' | 'int32' | 'float32' | 'float64';

export interface FeedArray {
  name: string;
  type: FeedType;
  dims: number[];
  data: BigInt64Array | Int32Array | Float32Array | Float64Array;
}

/** The model input a categorical field feeds. */
const inputOfField = (f: CategoricalField): string =>
  (f.kind === 'id' ? f.input : undefined) ?? inputNameForField(f.name);

type Source = { kind: 'categorical'; field: number } | { kind: 'numeric'; offset: number; width: number };

interface InputSlot {
  name: string;
  type: FeedType;
  /** Dims per row (batch axis excluded); rank-1 inputs have none. */
  perRow: number[];
  source: Source;
}

export interface OnnxFeedPlan {
  slots: InputSlot[];
  rowWidth: number;
}

function feedType(elemType: number | undefined, name: string): FeedType {
  if (elemType === DT.INT64) return 'int64';
  if (elemType === DT.INT32) return 'int32';
  if (elemType === DT.FLOAT) return 'float32';
  if (elemType === DT.DOUBLE) return 'float64';
  throw new StudioError(
    'MODEL_NOT_LAYERS',
    `The model input "${name}" has element type ${elemType}; CTR Studio feeds int64, int32, float32 or float64 inputs.`,
  );
}

/** Matches the graph's inputs to encoded fields by name; an input the data cannot feed is DATA_SCHEMA. */
export function planOnnxFeed(g: OnnxGraph, encoding: FeatureEncoding): OnnxFeedPlan {
  const byInput = new Map<string, number>();
  encoding.categorical.forEach((f, i) => byInput.set(inputOfField(f), i));
  const blocks = numericBlocks(encoding);
  const missing: string[] = [];
  const slots = g.runtimeInputs.map((input): InputSlot => {
    const dims = input.type?.shape ?? [];
    const perRow = dims.slice(1).map((d) => d.value ?? Number.NaN);
    const type = feedType(input.type?.elemType, input.name);
    const block = blocks.get(input.name);
    const field = byInput.get(input.name);
    if (field !== undefined) return { name: input.name, type, perRow, source: { kind: 'categorical', field } };
    if (block) {
      const known = perRow.every(Number.isFinite) ? perRow.reduce((a, b) => a * b, 1) : block.width;
      if (known !== block.width) {
        throw new StudioError(
          'DATA_SCHEMA',
          `The model's input "${input.name}" expects ${known} values per row but the data gives ${block.width}; ` +
            'use data with the columns the model was trained on.',
        );
      }
      return {
        name: input.name,
        type,
        perRow: perRow.map((d) => (Number.isFinite(d) ? d : block.width)),
        source: { kind: 'numeric', ...block },
      };
    }
    missing.push(input.name);
    return { name: input.name, type, perRow, source: { kind: 'categorical', field: -1 } };
  });
  if (missing.length > 0) {
    throw new StudioError(
      'DATA_SCHEMA',
      `The data has no column for the model input${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')}; ` +
        'use data with the columns the model was trained on.',
    );
  }
  return { slots, rowWidth: numericWidth(encoding) };
}

function allocate(type: FeedType, n: number) {
  if (type === 'int64') return new BigInt64Array(n);
  if (type === 'int32') return new Int32Array(n);
  return type === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** The input arrays for rows [start, end) of a batch. */
export function feedArrays(plan: OnnxFeedPlan, batch: EncodedBatch, start: number, end: number): FeedArray[] {
  const n = end - start;
  return plan.slots.map((slot) => {
    const dims = [n, ...slot.perRow.map((d) => (Number.isFinite(d) ? d : 1))];
    if (slot.source.kind === 'categorical') {
      const col = batch.categorical[slot.source.field].subarray(start, end);
      const data = allocate(slot.type, n);
      if (data instanceof BigInt64Array) for (let i = 0; i < n; i++) data[i] = BigInt(col[i]);
      else data.set(col);
      return { name: slot.name, type: slot.type, dims, data };
    }
    const { offset, width } = slot.source;
    const data = allocate(slot.type, n * width);
    for (let i = 0; i < n; i++) {
      const r = (start + i) * plan.rowWidth + offset;
      for (let j = 0; j < width; j++) {
        const v = batch.numeric[r + j];
        if (data instanceof BigInt64Array) data[i * width + j] = BigInt(Math.round(v));
        else data[i * width + j] = slot.type === 'int32' ? Math.round(v) : v;
      }
    }
    return { name: slot.name, type: slot.type, dims, data };
  });
}
