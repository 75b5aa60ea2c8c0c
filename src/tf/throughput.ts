/** Inference throughput of a model: rows per second at a batch size, median of several runs after warm-up. */
import { tf } from './tfjs';
import type { LayersModel, Tensor } from './tfjs';
import type { EncodedBatch, FeatureEncoding } from '../core/data';
import { makeInputs, planFeed } from './feed';

export interface Throughput {
  batchSize: number;
  /** Median rows per second over the timed runs. */
  rowsPerSec: number;
  /** Median milliseconds per call. */
  msPerBatch: number;
  runs: number;
  /** Milliseconds per call in each timed run, in the order run. */
  msPerBatchRuns: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/**
 * Times model.predict on `batchSize` rows (inputs prepared beforehand, output read back). At batch 1 a run
 * is `callsPerRun` single-row calls, so one run is long enough to time.
 */
export async function measureThroughput(
  model: LayersModel,
  encoding: FeatureEncoding,
  rows: EncodedBatch,
  batchSize: number,
  opts: { runs?: number; warmup?: number; callsPerRun?: number } = {},
): Promise<Throughput> {
  const runs = opts.runs ?? 7;
  const calls = opts.callsPerRun ?? (batchSize === 1 ? 100 : 1);
  const plan = planFeed(model, encoding);
  const batches: Tensor[][] = [];
  for (let c = 0; c < calls; c++) {
    const start = (c * batchSize) % Math.max(1, rows.rows - batchSize + 1);
    batches.push(makeInputs(plan, rows, { start, end: Math.min(rows.rows, start + batchSize) }));
  }
  const once = async () => {
    for (const inputs of batches) {
      const y = model.predict(inputs, { batchSize }) as Tensor;
      await y.data();
      y.dispose();
    }
  };
  for (let w = 0; w < (opts.warmup ?? 2); w++) await once();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  batches.forEach((b) => tf.dispose(b));
  const ms = median(times);
  const n = batches.reduce((s, b) => s + (b[0].shape[0] as number), 0);
  return {
    batchSize,
    rowsPerSec: (n / ms) * 1000,
    msPerBatch: ms / calls,
    runs,
    msPerBatchRuns: times.map((t) => t / calls),
  };
}
