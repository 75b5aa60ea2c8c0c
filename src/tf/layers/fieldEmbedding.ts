/**
 * FieldEmbedding: several factored embedding tables of one rank looked up at once. Its inputs are the tables'
 * id tensors ([batch, 1] each), its output their k-wide codes stacked on the field axis ([batch, fields, k]),
 * what the Embedding layers it replaces gave joined on axis 1: the ids are joined into [batch, fields], shifted
 * to each table's first row in one stacked table, and gathered in one lookup.
 * One lookup instead of one per table is what makes a compressed model's small tables cheap at batch 1 (one
 * output, not one per table: tfjs runs a layer once for each of its outputs a model reads).
 *
 * Config: input_dims (rows of each table, in input order), output_dim (k). Weight: embeddings [Σ rows, k].
 * Written against the tfjs namespace passed in, so this file does not import tfjs itself.
 */
import type * as tfType from '@tensorflow/tfjs';
import { FIELD_EMBEDDING_CLASS_NAME } from '../../core/layers/customClasses';
import { lookup } from './lookup';

export { FIELD_EMBEDDING_CLASS_NAME };

type Shape = tfType.Shape;
type Tensor = tfType.Tensor;

/** Constructor arguments of FieldEmbedding. */
export interface FieldEmbeddingArgs {
  inputDims: number[];
  outputDim: number;
  name?: string;
  trainable?: boolean;
}

function checkArgs(args: FieldEmbeddingArgs): void {
  const positive = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;
  if (!Array.isArray(args.inputDims) || args.inputDims.length === 0 || !args.inputDims.every(positive))
    throw new Error('FieldEmbedding needs inputDims: the rows of each table, positive integers');
  if (!positive(args.outputDim)) throw new Error('FieldEmbedding needs a positive integer outputDim');
}

/**
 * Each table's ids ([fields, batch]) shifted to its first row in the stacked table (`offsets`, `rows` in all),
 * [fields, batch] int32, within the stacked table: an id outside its table's rows is as undefined as in tfjs's
 * Embedding (where it throws), here another table's row or the stacked table's first or last, never memory
 * past the table.
 */
function rowsOf(tf: typeof tfType, joined: Tensor, offsets: Int32Array, rows: number): Tensor {
  const fields = offsets.length;
  // The wasm backend broadcasts a float32 Add fast and an int32 one slowly, so the shift is done in float32 where
  // every row number is exact (at most 2^24 rows); tfjs's Embedding truncates float ids to int32 too.
  if (rows <= 2 ** 24) {
    const ids = joined.dtype === 'float32' ? joined : tf.cast(joined, 'float32');
    const shifted = tf.add(ids, tf.tensor2d(Float32Array.from(offsets), [fields, 1], 'float32'));
    return tf.cast(tf.clipByValue(shifted, 0, rows - 1), 'int32');
  }
  const ids = joined.dtype === 'int32' ? joined : tf.cast(joined, 'int32');
  const shifted = tf.add(ids, tf.tensor2d(offsets, [fields, 1], 'int32'));
  return tf.minimum(tf.maximum(shifted, tf.scalar(0, 'int32')), tf.scalar(rows - 1, 'int32'));
}

/** Defines FieldEmbedding on a tfjs namespace. */
export function defineFieldEmbedding(tf: typeof tfType) {
  class FieldEmbedding extends tf.layers.Layer {
    static className = FIELD_EMBEDDING_CLASS_NAME;
    readonly inputDims: number[];
    readonly outputDim: number;
    /** First row of each table in the stacked table. */
    private readonly offsets: Int32Array;
    /** Rows of the stacked table. */
    private readonly rows: number;
    private embeddings: tfType.LayerVariable | null = null;

    constructor(args: FieldEmbeddingArgs & tfType.serialization.ConfigDict) {
      super(args as never);
      checkArgs(args);
      this.inputDims = [...args.inputDims];
      this.outputDim = args.outputDim;
      this.offsets = new Int32Array(this.inputDims.length);
      for (let f = 1; f < this.inputDims.length; f++) this.offsets[f] = this.offsets[f - 1] + this.inputDims[f - 1];
      this.rows = this.inputDims.reduce((a, b) => a + b, 0);
    }

    build(inputShape: Shape | Shape[]): void {
      const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as Shape[];
      if (shapes.length !== this.inputDims.length)
        throw new Error(`FieldEmbedding ${this.name} expects ${this.inputDims.length} id inputs`);
      shapes.forEach((s, i) => {
        if (s.length !== 2 || s[1] !== 1) throw new Error(`FieldEmbedding ${this.name}: input ${i} is not [batch, 1]`);
      });
      const init = tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 });
      this.embeddings = this.addWeight('embeddings', [this.rows, this.outputDim], 'float32', init);
      this.built = true;
    }

    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as Shape[];
      return [shapes[0][0], shapes.length, this.outputDim];
    }

    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const xs = Array.isArray(inputs) ? inputs : [inputs];
        const fields = xs.length;
        const batch = xs[0].shape[0]!;
        // The ids field after field, [fields, batch]: joining whole columns end to end is a block copy, where
        // joining them side by side copies one value at a time.
        const joined = tf.reshape(fields === 1 ? xs[0] : tf.concat(xs, 0), [fields, batch]);
        // Row numbers batch-major ([batch, fields], a transpose of ids only at batch > 1), so the lookup gives the
        // codes in the output's order, [batch, fields, k], without moving them again.
        const rows = rowsOf(tf, joined, this.offsets, this.rows);
        const order = batch === 1 || fields === 1 ? rows : tf.transpose(rows);
        const codes = lookup(tf, this.embeddings!.read(), tf.reshape(order, [-1]));
        return tf.reshape(codes, [batch, fields, this.outputDim]);
      });
    }

    getConfig(): tfType.serialization.ConfigDict {
      return { ...super.getConfig(), inputDims: [...this.inputDims], outputDim: this.outputDim };
    }
  }
  return FieldEmbedding;
}
