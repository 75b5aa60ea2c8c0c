/** Scoring rows of any size with several models at once, whatever runtime runs them. */
import { chunksOfRows, type FeatureEncoding, type RowSource } from '../core/data';
import { yieldToEventLoop } from '../core/yield';
import type { RunnableModel, ScoreOptions } from './runtime';

function join(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Logits of several models over rows that may be streamed (each chunk scored by every model, then dropped),
 * with the labels: one pass over a file of any size, memory bounded by one chunk and the scores.
 */
export async function scoreStream(
  models: RunnableModel[],
  encoding: FeatureEncoding,
  rows: RowSource,
  opts: ScoreOptions = {},
): Promise<{ labels: Float32Array; logits: Float32Array[] }> {
  const labels: Float32Array[] = [];
  const logits: Float32Array[][] = models.map(() => []);
  let done = 0;
  for await (const chunk of chunksOfRows(rows).chunks) {
    await yieldToEventLoop();
    labels.push(chunk.labels);
    for (let m = 0; m < models.length; m++) {
      logits[m].push(await models[m].logits(encoding, chunk, { batchSize: opts.batchSize, signal: opts.signal }));
    }
    done += chunk.rows;
    opts.onProgress?.(done);
  }
  return { labels: join(labels), logits: logits.map(join) };
}
