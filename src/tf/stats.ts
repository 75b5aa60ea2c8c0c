/**
 * Statistics collection on the runtime: one pass of the uncompressed model over calibration rows, in
 * batches: the mean and covariance of every requested Dense layer's inputs (from which AFM derives its output
 * statistics exactly), and per-id counts for every requested Embedding table. Per batch, one forward pass
 * gives every layer's inputs; their shifted Gram products (./gram) and id counts run on the backend and come
 * back in one read, added up in Float64. Memory is O(width²) per layer whatever the number of rows.
 */
import { tf } from './tfjs';
import type { LayersModel, SymbolicTensor, Tensor } from './tfjs';
import { chunksOfRows, type FeatureEncoding, type RowSource } from '../core/data';
export type { RowSource };
import type { Moments } from '../core/linalg';
import { StudioError } from '../core/errors';
import type { LayerStatistics } from '../core/compress/statistics';
import { makeInputs, planFeed } from './feed';
import { GramAccumulator } from './gram';
import { yieldToEventLoop } from '../core/yield';

export interface StatisticsRequest {
  /** Dense layers whose input moments to collect. */
  dense: string[];
  /** Embedding layers whose id counts to collect. */
  embeddings: string[];
}

/** Statistics as collected here: the plain data (see core/compress/statistics.ts) and how long it took. */
export interface CollectedStatistics extends LayerStatistics {
  ms: number;
}

export interface StatisticsOptions {
  batchSize?: number;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  signal?: AbortSignal;
}

function singleInput(model: LayersModel, name: string): SymbolicTensor {
  const layer = model.getLayer(name);
  const input = layer.input;
  if (Array.isArray(input))
    throw new StudioError('INTERNAL', `Layer ${name} has several inputs; it cannot be compressed.`);
  return input as SymbolicTensor;
}

type DenseSlot = { name: string; slot: number; acc: GramAccumulator };
type TableSlot = { name: string; slot: number; vocab: number; counts: Float64Array };
/** One batch's sums on the backend, with each Dense slot's pieces and rows. */
type BatchSums = { sums: Tensor; pieces: number[]; rows: number[] };

/**
 * One batch's sums on the backend, flattened into one tensor (one read): each Dense slot's block sums, then
 * each table's id counts (ids outside the table are not counted).
 */
function batchSums(outs: Tensor[], dense: DenseSlot[], tables: TableSlot[]): BatchSums {
  const pieces: number[] = [];
  const rows = dense.map((d) => outs[d.slot].size / d.acc.dim); // a Dense on [batch, steps, dim] sees batch·steps
  const sums = tf.tidy(() => {
    const parts = dense.map((d) => {
      const b = d.acc.blockSums(outs[d.slot]);
      pieces.push(b.parts);
      return b.sums;
    });
    for (const e of tables) {
      const ids = outs[e.slot].reshape([-1]).toInt();
      const inside = tf.logicalAnd(ids.greaterEqual(0), ids.less(e.vocab));
      const safe = tf.where(inside, ids, tf.zerosLike(ids)) as tf.Tensor1D;
      parts.push(tf.bincount(safe, inside.toFloat() as tf.Tensor1D, e.vocab));
    }
    return tf.concat(parts);
  });
  return { sums, pieces, rows };
}

/** Adds one batch's sums (as read back from {@link batchSums}) to the accumulators. */
function addSums(values: Float32Array, batch: BatchSums, dense: DenseSlot[], tables: TableSlot[]): void {
  let at = 0;
  for (const [k, d] of dense.entries()) {
    const n = d.acc.sumsLength(batch.rows[k], batch.pieces[k]);
    d.acc.add(batch.rows[k], values.subarray(at, at + n), batch.pieces[k]);
    at += n;
  }
  for (const e of tables) {
    for (let i = 0; i < e.vocab; i++) e.counts[i] += values[at + i];
    at += e.vocab;
  }
}

/**
 * Runs the model over the rows (in memory or streamed) and accumulates the requested statistics. With a
 * stream, memory is one chunk plus the statistics, whatever the number of rows.
 */
export async function collectStatistics(
  model: LayersModel,
  encoding: FeatureEncoding,
  rows: RowSource,
  request: StatisticsRequest,
  opts: StatisticsOptions = {},
): Promise<CollectedStatistics> {
  const t0 = performance.now();
  const plan = planFeed(model, encoding);
  // One probe model whose outputs are every tensor we need; a tensor shared by several layers is read once.
  const wanted: SymbolicTensor[] = [];
  const slotOf = new Map<SymbolicTensor, number>();
  const slot = (t: SymbolicTensor) => {
    if (!slotOf.has(t)) {
      slotOf.set(t, wanted.length);
      wanted.push(t);
    }
    return slotOf.get(t)!;
  };
  const dense: DenseSlot[] = request.dense.map((name) => {
    const s = slot(singleInput(model, name));
    return { name, slot: s, acc: new GramAccumulator(wanted[s].shape[wanted[s].shape.length - 1] as number) };
  });
  const tables: TableSlot[] = request.embeddings.map((name) => {
    const vocab = (model.getLayer(name).getConfig() as { inputDim: number }).inputDim;
    return { name, slot: slot(singleInput(model, name)), vocab, counts: new Float64Array(vocab) };
  });
  const probe = wanted.length > 0 ? tf.model({ inputs: model.inputs, outputs: wanted }) : null;
  const size = opts.batchSize ?? 2048;
  const { chunks, total } = chunksOfRows(rows);
  let seen = 0;
  for await (const chunk of chunks) {
    for (let start = 0; probe && start < chunk.rows; start += size) {
      await yieldToEventLoop(); // let a cancel in
      if (opts.signal?.aborted) throw new StudioError('CANCELLED', 'Statistics collection was cancelled.');
      const end = Math.min(chunk.rows, start + size);
      const inputs = makeInputs(plan, chunk, { start, end });
      const out = probe.predict(inputs, { batchSize: end - start }) as Tensor | Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      const batch = batchSums(outs, dense, tables);
      tf.dispose([...inputs, ...outs]);
      const values = (await batch.sums.data()) as Float32Array;
      batch.sums.dispose();
      addSums(values, batch, dense, tables);
      opts.onProgress?.(seen + end, total ?? seen + end);
    }
    seen += chunk.rows;
  }
  if (seen === 0)
    throw new StudioError(
      'DATA_EMPTY',
      'There are no calibration rows to collect statistics from; give a training file with rows.',
    );
  const denseInputs = new Map<string, Moments>(dense.map((d) => [d.name, d.acc.moments()]));
  const idCounts = new Map(tables.map((e) => [e.name, e.counts]));
  return { rows: seen, denseInputs, idCounts, ms: performance.now() - t0 };
}
