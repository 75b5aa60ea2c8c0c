/**
 * Statistics collection on the runtime: one pass of the uncompressed model over calibration rows, in
 * batches, accumulating per layer in Float64 (JS): the mean and covariance of every requested Dense layer's
 * inputs (from which AFM derives its output statistics exactly), and per-id counts for every requested
 * Embedding table. Memory is O(width²) per layer whatever the number of rows.
 */
import { tf } from './tfjs';
import type { LayersModel, SymbolicTensor, Tensor } from './tfjs';
import { chunksOfRows, type FeatureEncoding, type RowSource } from '../core/data';
export type { RowSource };
import { addBatch, createMoments, type Moments } from '../core/linalg';
import { StudioError } from '../core/errors';
import type { LayerStatistics } from '../core/compress/statistics';
import { makeInputs, planFeed } from './feed';
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
  const denseSlots = request.dense.map((name) => ({ name, slot: slot(singleInput(model, name)) }));
  const embSlots = request.embeddings.map((name) => ({
    name,
    slot: slot(singleInput(model, name)),
    vocab: (model.getLayer(name).getConfig() as { inputDim: number }).inputDim,
  }));
  const denseInputs = new Map<string, Moments>();
  for (const d of denseSlots) {
    const shape = wanted[d.slot].shape;
    denseInputs.set(d.name, createMoments(shape[shape.length - 1] as number));
  }
  const idCounts = new Map(embSlots.map((e) => [e.name, new Float64Array(e.vocab)]));
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
      const values = await Promise.all(outs.map((t) => t.data()));
      for (const d of denseSlots) {
        const m = denseInputs.get(d.name)!;
        addBatch(m, values[d.slot] as Float32Array, values[d.slot].length / m.dim);
      }
      for (const e of embSlots) {
        const counts = idCounts.get(e.name)!;
        for (const id of values[e.slot] as Float32Array | Int32Array) if (id >= 0 && id < e.vocab) counts[id] += 1;
      }
      tf.dispose(outs);
      inputs.forEach((t) => t.dispose());
      opts.onProgress?.(seen + end, total ?? seen + end);
    }
    seen += chunk.rows;
  }
  if (seen === 0)
    throw new StudioError(
      'DATA_EMPTY',
      'There are no calibration rows to collect statistics from; give a training file with rows.',
    );
  return { rows: seen, denseInputs, idCounts, ms: performance.now() - t0 };
}
