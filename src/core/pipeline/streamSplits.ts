/**
 * The splits of {@link prepareSplits} built from rows given batch by batch, without ever holding the raw rows:
 * each categorical cell becomes at once a provisional id (its value's order of first appearance in its field, one
 * string kept per distinct value), each numeric cell is kept as a number (float32 where that is exact). Once the
 * last batch is in, the row count fixes the validation tail, the encoding is fitted on the rows before it from
 * the counts of provisional ids, and the ids are turned into the encoding's ids in place. The result equals
 * `prepareSplits` on the same rows read whole (same encoding, same encoded rows): the counts are the same, values
 * tie in the same order of first appearance, and the numeric fields are fitted and encoded by the same functions.
 * Memory: the encoded rows plus, until encoding, the raw numbers; no string per cell. Pure.
 */
import {
  assembleEncoding,
  categoricalFromCounts,
  encodeBatch,
  hashId,
  numericFromValues,
  numericWidth,
  resolveFitOptions,
  schemaFieldNames,
  type DataSchema,
  type EncodedBatch,
  type FeatureEncoding,
  type FitOptions,
  type RawBatch,
} from '../data';
import { StudioError } from '../errors';
import type { SplitOptions } from './splits';

/** One batch as kept: provisional ids per field, the numeric cells, the labels. */
interface Chunk {
  rows: number;
  labels: Float32Array;
  ids: (Int32Array | null)[];
  numeric: Float32Array | Float64Array | null;
}

/** Numbers as float32 when every one of them (NaN included) is exactly a float32, else as they are. */
function compactNumbers(x: Float64Array): Float32Array | Float64Array {
  const f = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    f[i] = x[i];
    if (f[i] !== x[i] && !Number.isNaN(x[i])) return x.slice();
  }
  return f;
}

/** Fits an encoding and encodes the training rows as they stream in (see the module's comment). */
export class StreamingSplits {
  private readonly names: ReturnType<typeof schemaFieldNames>;
  /** Per categorical field: provisional id of each value seen (0, 1, ... in order of first appearance). */
  private readonly pools: Map<string, number>[];
  private readonly chunks: Chunk[] = [];
  private rows = 0;

  constructor(
    readonly schema: DataSchema,
    private readonly opts: Pick<SplitOptions, 'validFraction' | 'minCount'> & Pick<FitOptions, 'hashAbove'>,
  ) {
    this.names = schemaFieldNames(schema);
    this.pools = this.names.categorical.map(() => new Map());
  }

  /** Takes in one batch of the schema's rows (the batch can be dropped afterwards). */
  add(batch: RawBatch): void {
    const { rows } = batch;
    if (rows === 0) return;
    const width = this.names.numeric.length;
    if (batch.categorical.length !== this.pools.length || batch.numeric.length !== rows * width)
      throw new StudioError('DATA_SCHEMA', 'The rows do not have the columns of the data schema they were given with.');
    const ids = batch.categorical.map((column, j) => {
      const pool = this.pools[j];
      const out = new Int32Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = column[i];
        let id = pool.get(v);
        if (id === undefined) {
          id = pool.size;
          pool.set(v, id);
        }
        out[i] = id;
      }
      return out;
    });
    this.chunks.push({
      rows,
      labels: batch.labels.slice(0, rows),
      ids,
      numeric: width > 0 ? compactNumbers(batch.numeric.subarray(0, rows * width)) : null,
    });
    this.rows += rows;
  }

  /** Fits the encoding on all rows but the validation tail and encodes every row; the chunks are released. */
  finish(): { encoding: FeatureEncoding; train: EncodedBatch; valid: EncodedBatch } {
    const total = this.rows;
    const tail = Math.round(total * this.opts.validFraction);
    const fitRows = total - tail;
    if (fitRows < 10 || tail < 2) {
      throw new StudioError(
        'DATA_EMPTY',
        `Only ${total} training rows remain after the splits, too few to train on; ` +
          `use a larger file or smaller --valid-fraction / --test-fraction.`,
      );
    }
    const o = resolveFitOptions({ minCount: this.opts.minCount, hashAbove: this.opts.hashAbove });
    const categorical = this.pools.map((pool, j) => {
      const counts = new Int32Array(pool.size);
      let at = 0;
      for (const c of this.chunks) {
        const ids = c.ids[j]!;
        const n = Math.min(c.rows, fitRows - at);
        for (let i = 0; i < n; i++) counts[ids[i]]++;
        at += c.rows;
        if (at >= fitRows) break;
      }
      // The pool iterates in order of first appearance, as the Map of fitEncoding; values seen only in the
      // validation tail count 0 and are dropped like values never seen.
      function* entries(): Generator<[string, number]> {
        for (const [v, id] of pool) if (counts[id] > 0) yield [v, counts[id]];
      }
      return categoricalFromCounts(this.names.categorical[j], entries(), o);
    });
    const width = this.names.numeric.length;
    const numeric = this.names.numeric.map((name, k) => {
      let n = 0;
      const present = new Float64Array(fitRows);
      let at = 0;
      for (const c of this.chunks) {
        const rows = Math.min(c.rows, fitRows - at);
        for (let i = 0; i < rows; i++) {
          const x = c.numeric![i * width + k];
          if (!Number.isNaN(x)) present[n++] = x;
        }
        at += c.rows;
        if (at >= fitRows) break;
      }
      return numericFromValues(name, present.slice(0, n));
    });
    const encoding = assembleEncoding(this.schema, categorical, numeric, fitRows);
    const all = this.encodeChunks(encoding, total);
    const head = (a: Int32Array | Float32Array, w: number) => a.subarray(0, fitRows * w);
    const rest = (a: Int32Array | Float32Array, w: number) => a.subarray(fitRows * w);
    const outWidth = numericWidth(encoding);
    const part = (cut: typeof head, rows: number): EncodedBatch => ({
      rows,
      labels: cut(all.labels, 1) as Float32Array,
      categorical: all.categorical.map((c) => cut(c, 1) as Int32Array),
      numeric: cut(all.numeric, outWidth) as Float32Array,
    });
    return { encoding, train: part(head, fitRows), valid: part(rest, tail) };
  }

  /**
   * Every row encoded into one set of arrays. The chunks' parts are released as they are copied, one field at a
   * time, so at most one field's ids are held twice; the raw numbers go chunk by chunk into the encoded ones.
   */
  private encodeChunks(encoding: FeatureEncoding, total: number): EncodedBatch {
    const labels = new Float32Array(total);
    let at = 0;
    for (const chunk of this.chunks) {
      labels.set(chunk.labels, at);
      at += chunk.rows;
    }
    const categorical = encoding.categorical.map((field, j) => {
      // Provisional id -> the encoding's id.
      const map = new Int32Array(this.pools[j].size);
      if (field.kind === 'vocab') {
        const index = new Map(field.vocab.map((v, i) => [v, i + 1]));
        for (const [v, id] of this.pools[j]) map[id] = index.get(v) ?? 0;
      } else if (field.kind === 'hash') {
        for (const [v, id] of this.pools[j]) map[id] = hashId(v, field.buckets);
      }
      this.pools[j].clear();
      const out = new Int32Array(total);
      let row = 0;
      for (const chunk of this.chunks) {
        const ids = chunk.ids[j]!;
        for (let i = 0; i < chunk.rows; i++) out[row + i] = map[ids[i]];
        chunk.ids[j] = null;
        row += chunk.rows;
      }
      return out;
    });
    const width = this.names.numeric.length;
    const outWidth = numericWidth(encoding);
    const numericOnly = { ...encoding, categorical: [] };
    const numeric = new Float32Array(total * outWidth);
    at = 0;
    for (const chunk of this.chunks) {
      if (width > 0 && outWidth > 0) {
        // The numeric cells through encodeBatch itself (categorical fields left out).
        const raw: RawBatch = {
          rows: chunk.rows,
          labels: chunk.labels,
          numeric: Float64Array.from(chunk.numeric!),
          categorical: [],
          lines: new Int32Array(chunk.rows),
        };
        numeric.set(encodeBatch(numericOnly, raw, this.schema).numeric, at * outWidth);
      }
      chunk.numeric = null;
      at += chunk.rows;
    }
    this.chunks.length = 0;
    return { rows: total, labels, categorical, numeric };
  }
}

/** Encoded batches joined into one. */
export function concatEncoded(parts: EncodedBatch[], categoricalFields: number, width: number): EncodedBatch {
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const out: EncodedBatch = {
    rows,
    labels: new Float32Array(rows),
    categorical: Array.from({ length: categoricalFields }, () => new Int32Array(rows)),
    numeric: new Float32Array(rows * width),
  };
  let at = 0;
  for (const p of parts) {
    out.labels.set(p.labels.subarray(0, p.rows), at);
    p.categorical.forEach((c, j) => out.categorical[j].set(c.subarray(0, p.rows), at));
    out.numeric.set(p.numeric.subarray(0, p.rows * width), at * width);
    at += p.rows;
  }
  return out;
}

/** Test rows given batch by batch, encoded with a fitted encoding as they come (see prepareSplits). */
export async function encodeStream(
  encoding: FeatureEncoding,
  schema: DataSchema,
  batches: AsyncIterable<RawBatch> | Iterable<RawBatch>,
): Promise<EncodedBatch> {
  const parts: EncodedBatch[] = [];
  for await (const b of batches) if (b.rows > 0) parts.push(encodeBatch(encoding, b, schema));
  return concatEncoded(parts, encoding.categorical.length, numericWidth(encoding));
}
