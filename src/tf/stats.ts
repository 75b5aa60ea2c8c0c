/**
 * Statistics collection on the runtime: one pass of the uncompressed model over calibration rows, in
 * batches: the mean and covariance of every requested Dense layer's inputs (from which AFM derives its output
 * statistics exactly), and per-id counts for every requested Embedding table. Per batch, one forward pass
 * gives every layer's inputs; their shifted Gram products (./gram) and id counts are read back and added up in
 * Float64. Memory is O(width²) per layer whatever the number of rows.
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
/** One batch's sums on the backend (each Dense slot's tensors to read, and pieces) and the tables' id tensors. */
type BatchSums = { dense: Tensor[][]; pieces: number[]; rows: number[]; ids: Tensor[] };

/** One batch's sums on the backend: each Dense slot's (see GramAccumulator.blockSums), and every table's ids. */
function batchSums(outs: Tensor[], dense: DenseSlot[], tables: TableSlot[]): BatchSums {
  const pieces: number[] = [];
  const rows = dense.map((d) => outs[d.slot].size / d.acc.dim); // a Dense on [batch, steps, dim] sees batch·steps
  const sums = dense.map((d) => {
    const b = d.acc.blockSums(outs[d.slot]);
    pieces.push(b.parts);
    return b.sums;
  });
  return { dense: sums, pieces, rows, ids: tables.map((e) => outs[e.slot]) };
}

/**
 * Reads one batch's sums (each tensor once; the big centred blocks are not copied into one) and adds them. Ids
 * are counted here: a few thousand per table, read back, cost less than the backend's ops to count them; an id
 * outside the table (or not a number) is not counted, as the backend's lookup would refuse it.
 */
async function addSums(batch: BatchSums, dense: DenseSlot[], tables: TableSlot[]): Promise<void> {
  const read = (ts: Tensor[]) => Promise.all(ts.map((t) => t.data() as Promise<Float32Array | Int32Array>));
  const values = (await Promise.all(batch.dense.map(read))) as Float32Array[][];
  const ids = await read(batch.ids);
  tf.dispose(batch.dense.flat());
  for (const [k, d] of dense.entries()) d.acc.add(batch.rows[k], values[k], batch.pieces[k]);
  for (const [t, e] of tables.entries()) {
    const v = ids[t];
    for (let i = 0; i < v.length; i++) {
      const id = v[i];
      if (id >= 0 && id < e.vocab) e.counts[Math.trunc(id)]++;
    }
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
      await addSums(batch, dense, tables);
      tf.dispose([...inputs, ...outs]);
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
