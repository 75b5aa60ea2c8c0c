/**
 * Gradient statistics for methods that weigh a layer's reconstruction by how much the loss cares: over the
 * calibration rows, in mini-batches, the squared gradient of the log loss with respect to each requested
 * weight, summed per output (a Dense kernel's columns) or per id (a table's rows), accumulated in Float64.
 * Mini-batch gradients, as the empirical Fisher information is usually estimated.
 */
import type { FeatureEncoding, RowSource } from '../core/data';
import { chunksOfRows } from '../core/data';
import { StudioError } from '../core/errors';
import { yieldToEventLoop } from '../core/yield';
import { makeInputs, planFeed } from './feed';
import { logitModel } from './predict';
import { tf, type LayersModel, type Tensor } from './tfjs';

/** Rows per mini-batch gradient. */
const BATCH = 128;

/** The trainable weight of a layer that compression replaces, and the axis its statistics keep. */
function weightOf(model: LayersModel, layer: string): tf.Variable {
  const w = model.getLayer(layer).trainableWeights[0];
  if (!w) throw new StudioError('INTERNAL', `Layer ${layer} has no trainable weight.`);
  return w.read() as tf.Variable;
}

export async function collectGradientStatistics(
  model: LayersModel,
  encoding: FeatureEncoding,
  rows: RowSource,
  layers: string[],
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ fisher: Map<string, Float64Array>; rows: number }> {
  const plan = planFeed(model, encoding);
  const net = logitModel(model);
  const vars = layers.map((l) => weightOf(model, l));
  // A Dense kernel [dIn, dOut] keeps its outputs (axis 1); a table [vocab, dim] its ids (axis 0).
  const kept = layers.map((l) => (model.getLayer(l).getClassName() === 'Embedding' ? 0 : 1));
  const fisher = new Map(layers.map((l, i) => [l, new Float64Array(vars[i].shape[kept[i]] as number)]));
  const { chunks, total } = chunksOfRows(rows);
  let seen = 0;
  for await (const chunk of chunks) {
    for (let start = 0; start < chunk.rows; start += BATCH) {
      await yieldToEventLoop();
      if (opts.signal?.aborted) throw new StudioError('CANCELLED', 'Gradient statistics were cancelled.');
      const end = Math.min(chunk.rows, start + BATCH);
      const inputs = makeInputs(plan, chunk, { start, end });
      const labels = tf.tensor2d(chunk.labels.subarray(start, end), [end - start, 1]);
      const sums = tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const logits = net.apply(inputs, { training: false }) as Tensor;
          return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
        }, vars);
        return vars.map((v, i) => tf.sum(tf.square(grads[v.name]), 1 - kept[i]));
      });
      const values = await Promise.all(sums.map((t) => t.data()));
      layers.forEach((l, i) => {
        const acc = fisher.get(l)!;
        const v = values[i];
        for (let r = 0; r < acc.length; r++) acc[r] += v[r];
      });
      tf.dispose([...sums, labels, ...inputs]);
      opts.onProgress?.(seen + end, total ?? seen + end);
    }
    seen += chunk.rows;
  }
  return { fisher, rows: seen };
}
