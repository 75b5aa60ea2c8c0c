/** Joining, picking and slicing columnar row batches (splits, samples). Pure module. */
import { emptyRaw, type RawBatch } from './reader';
import type { DataSchema } from './schema';

/** Concatenates batches of the same schema into one (an empty list gives an empty batch for `schema`). */
export function concatRaw(batches: readonly RawBatch[], schema?: DataSchema): RawBatch {
  if (batches.length === 1) return batches[0];
  if (batches.length === 0) {
    if (!schema) throw new Error('concatRaw: no batches and no schema');
    return emptyRaw(schema);
  }
  const rows = batches.reduce((s, b) => s + b.rows, 0);
  const width = numericWidthOf(batches);
  const out: RawBatch = {
    rows,
    labels: new Float32Array(rows),
    numeric: new Float64Array(rows * width),
    categorical: batches[0].categorical.map(() => new Array<string>(rows)),
    lines: new Int32Array(rows),
  };
  let at = 0;
  for (const b of batches) {
    out.labels.set(b.labels.subarray(0, b.rows), at);
    out.numeric.set(b.numeric.subarray(0, b.rows * width), at * width);
    out.lines.set(b.lines.subarray(0, b.rows), at);
    b.categorical.forEach((col, j) => {
      const dst = out.categorical[j];
      for (let i = 0; i < b.rows; i++) dst[at + i] = col[i];
    });
    at += b.rows;
  }
  return out;
}

function numericWidthOf(batches: readonly RawBatch[]): number {
  for (const b of batches) if (b.rows > 0) return b.numeric.length / b.rows;
  return 0;
}

/** The rows `idx` of a batch, in that order (e.g. a chronological or shuffled split). */
export function sliceRaw(b: RawBatch, idx: Int32Array | readonly number[]): RawBatch {
  const width = numericWidthOf([b]);
  const n = idx.length;
  const out: RawBatch = {
    rows: n,
    labels: new Float32Array(n),
    numeric: new Float64Array(n * width),
    categorical: b.categorical.map(() => new Array<string>(n)),
    lines: new Int32Array(n),
  };
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    if (!(i >= 0 && i < b.rows)) throw new RangeError(`sliceRaw: row ${i} is outside 0..${b.rows - 1}`);
    out.labels[k] = b.labels[i];
    out.lines[k] = b.lines[i];
    if (width > 0) out.numeric.set(b.numeric.subarray(i * width, (i + 1) * width), k * width);
    for (let j = 0; j < b.categorical.length; j++) out.categorical[j][k] = b.categorical[j][i];
  }
  return out;
}

/** Rows start..end-1 of a batch (a contiguous, e.g. chronological, split). */
export function rangeRaw(b: RawBatch, start: number, end: number): RawBatch {
  const s = Math.max(0, Math.min(b.rows, start));
  const e = Math.max(s, Math.min(b.rows, end));
  const width = numericWidthOf([b]);
  return {
    rows: e - s,
    labels: b.labels.slice(s, e),
    numeric: b.numeric.slice(s * width, e * width),
    categorical: b.categorical.map((c) => c.slice(s, e)),
    lines: b.lines.slice(s, e),
  };
}
