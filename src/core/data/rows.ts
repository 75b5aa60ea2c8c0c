/** Encoded rows as the engine reads them: in memory, streamed chunk by chunk, or re-openable for several passes. */
import type { EncodedBatch } from './encoding';

/**
 * Encoded rows: in memory, a stream of encoded chunks (a large file read batch by batch), or a function that
 * opens a fresh stream each time (for work that needs several passes, such as sequential statistics).
 */
export type RowSource = EncodedBatch | AsyncIterable<EncodedBatch> | (() => AsyncIterable<EncodedBatch>);

/** Several row sources read one after the other, as one re-openable source. */
export function concatSources(sources: RowSource[]): RowSource {
  return sources.length === 1
    ? sources[0]
    : () =>
        (async function* () {
          for (const s of sources) yield* chunksOfRows(s).chunks;
        })();
}

/** The chunks of a row source (a fresh pass when the source is a function), and the row count when known. */
export function chunksOfRows(rows: RowSource): { chunks: AsyncIterable<EncodedBatch>; total?: number } {
  if (typeof rows === 'function') return { chunks: rows() };
  if (Symbol.asyncIterator in rows) return { chunks: rows as AsyncIterable<EncodedBatch> };
  const batch = rows as EncodedBatch;
  return {
    chunks: (async function* () {
      yield batch;
    })(),
    total: batch.rows,
  };
}

/** Encoded batches joined into one (rows in order). */
export function concatEncoded(parts: EncodedBatch[]): EncodedBatch {
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const width = parts[0].numeric.length / Math.max(1, parts[0].rows);
  const out: EncodedBatch = {
    rows,
    labels: new Float32Array(rows),
    categorical: parts[0].categorical.map(() => new Int32Array(rows)),
    numeric: new Float32Array(rows * width),
  };
  let at = 0;
  for (const p of parts) {
    out.labels.set(p.labels, at);
    p.categorical.forEach((c, f) => out.categorical[f].set(c, at));
    out.numeric.set(p.numeric, at * width);
    at += p.rows;
  }
  return out;
}
