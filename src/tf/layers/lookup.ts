/**
 * A row lookup for the compressed models' layers (FieldEmbedding, FieldProjection).
 * Written against the tfjs namespace passed in, so this file does not import tfjs itself.
 */
import type * as tfType from '@tensorflow/tfjs';

type Tensor = tfType.Tensor;

/**
 * The rows `index` ([n] int32, each within the table) of `table` (any rank, rows on axis 0): a GatherNd, which
 * tfjs's wasm backend runs 15-30 times faster than a Gather of the same rows (its Gather checks every index in
 * JavaScript, then copies one value at a time), with a Gather's gradient (tfjs has none for GatherNd), so the
 * table still trains. An index outside the table reads memory past it: callers keep every index within.
 */
export function lookup(tf: typeof tfType, table: Tensor, index: Tensor): Tensor {
  const rows = table.shape[0]!;
  const gathered = tf.customGrad((...args: (Tensor | tfType.GradSaveFunc)[]) => {
    const [t, i, save] = args as [Tensor, Tensor, tfType.GradSaveFunc];
    save([i]);
    const value = tf.gatherND(t, tf.reshape(i, [-1, 1]));
    const gradFunc = (dy: Tensor, [saved]: Tensor[]) => [
      tf.unsortedSegmentSum(dy, saved as tfType.Tensor1D, rows),
      tf.zerosLike(saved),
    ];
    return { value, gradFunc };
  });
  return gathered(table, index);
}
