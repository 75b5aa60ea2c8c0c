/**
 * FieldProjection: a Concatenate of [batch, n, w] tensors in which some inputs are the k-wide codes of factored
 * embedding tables, each multiplied by its up-projection (x·U_f + c_f, k_f → units) before joining. It replaces
 * one Dense per field plus the Concatenate by few operations. At small batches, one batched product: the codes
 * stacked [fields, batch, k], one batched matMul with the stacked up-projections [fields, k, units] (tables of
 * different ranks padded with zeros to the largest rank inside the call), one bias add. At large batches, per run
 * of consecutive projected inputs, one dense product of their codes side by side with the block-diagonal matrix of
 * their up-projections, biases added in the product. Then one concatenation with the inputs passed through.
 *
 * Config: ranks (per input, its code width, or 0 for an input passed through as it is), fields (per input, how
 * many fields' codes it stacks on axis 1, [batch, fields, k], as a FieldEmbedding gives them; 1 when absent),
 * units, axis (1: join along the field axis, giving [batch, n, units]; 2: join along the last axis, giving
 * [batch, 1, n·units]). Weights: kernel [Σ fields·ranks, units] (the up-projections stacked in field order),
 * bias [projected fields, units].
 * Written against the tfjs namespace passed in, so this file does not import tfjs itself.
 */
import type * as tfType from '@tensorflow/tfjs';
import { FIELD_PROJECTION_CLASS_NAME } from '../../core/layers/customClasses';
import { lookup } from './lookup';

export { FIELD_PROJECTION_CLASS_NAME };

type Shape = tfType.Shape;
type Tensor = tfType.Tensor;

/** Constructor arguments of FieldProjection. */
export interface FieldProjectionArgs {
  ranks: number[];
  fields?: number[];
  units: number;
  axis: number;
  name?: string;
  trainable?: boolean;
}

/**
 * Up to this many rows, a FieldProjection does one batched product for all its fields (fewest operations);
 * above, one block-diagonal product per run of them (at batch 2048 the demo DeepFM's 24 up-projections take
 * 2.4 ms instead of 7 ms).
 */
const SINGLE_PRODUCT_BATCH = 64;

/** One shape per input (tfjs passes a single input's shape on its own). */
const listOf = (shape: Shape | Shape[]): Shape[] => (Array.isArray(shape[0]) ? shape : [shape]) as Shape[];

/** Runs of consecutive projected inputs, as [first input, end input) pairs. */
function projectedRuns(ranks: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < ranks.length; i++) {
    if (ranks[i] === 0) continue;
    if (runs.length > 0 && runs[runs.length - 1][1] === i) runs[runs.length - 1][1] = i + 1;
    else runs.push([i, i + 1]);
  }
  return runs;
}

function checkArgs(args: FieldProjectionArgs): void {
  const ok = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
  if (!Array.isArray(args.ranks) || !args.ranks.every(ok) || !args.ranks.some((k) => k > 0))
    throw new Error('FieldProjection needs ranks: one non-negative integer per input, at least one positive');
  if (!ok(args.units) || args.units < 1) throw new Error('FieldProjection needs a positive integer units');
  if (args.axis !== 1 && args.axis !== 2) throw new Error('FieldProjection joins along axis 1 or 2');
  const { fields } = args;
  if (fields !== undefined && (!Array.isArray(fields) || fields.length !== args.ranks.length || !fields.every(ok)))
    throw new Error('FieldProjection needs fields: one non-negative integer per input');
}

/** Where each projected field's code sits in a [fields · largest rank] row, or null when all ranks are equal. */
function padIndexOf(ranks: number[], fields: number[]): Int32Array | null {
  // One rank per projected field, in order.
  const ks = ranks.flatMap((k, i) => (k > 0 ? new Array<number>(fields[i]).fill(k) : []));
  const kMax = Math.max(...ks);
  if (ks.every((k) => k === kMax)) return null;
  // Column j of field f reads code column offset_f + j, or the zero column (index Σ k) past its rank.
  const index = new Int32Array(ks.length * kMax).fill(ks.reduce((a, b) => a + b, 0));
  let offset = 0;
  ks.forEach((k, f) => {
    for (let j = 0; j < k; j++) index[f * kMax + j] = offset + j;
    offset += k;
  });
  return index;
}

/** Codes ([batch, n, k] each) times their up-projections (kernel rows in field order), plus biases. */
function project(
  tf: typeof tfType,
  codes: Tensor[],
  [kernel, bias]: [Tensor, Tensor],
  padIndex: Int32Array | null,
): Tensor {
  const fields = codes.reduce((a, c) => a + c.shape[1]!, 0);
  const batch = codes[0].shape[0];
  const units = bias.shape[1]!;
  let stacked: Tensor; // [batch, fields, k]
  let weights: Tensor; // [fields, k, units]
  if (padIndex === null) {
    stacked = codes.length === 1 ? codes[0] : tf.concat(codes, 1);
    weights = tf.reshape(kernel, [fields, -1, units]);
  } else {
    const kMax = padIndex.length / fields;
    const index = tf.tensor1d(padIndex, 'int32');
    const rows = codes.map((c) => tf.reshape(c, [batch, -1]));
    const flat = rows.length === 1 ? rows[0] : tf.concat(rows, 1);
    const padded = tf.concat([flat, tf.zeros([batch, 1])], 1);
    stacked = tf.reshape(tf.gather(padded, index, 1), [batch, fields, kMax]);
    const kernelPadded = tf.concat([kernel, tf.zeros([1, units])], 0);
    weights = tf.reshape(tf.gather(kernelPadded, index, 0), [fields, kMax, units]);
  }
  // [fields, batch, k] · [fields, k, units]: one batched product (at batch 1 the transposes are reshapes).
  const byField = batch === 1 ? tf.reshape(stacked, [fields, 1, -1]) : tf.transpose(stacked, [1, 0, 2]);
  const product = tf.matMul(byField, weights);
  const back = batch === 1 ? tf.reshape(product, [1, fields, units]) : tf.transpose(product, [1, 0, 2]);
  return tf.add(back, bias);
}

/**
 * The most fields one block-diagonal product takes: it multiplies `fields` times the values a product per field
 * would, so longer runs are cut into blocks of at most this many fields.
 */
const BLOCK_FIELDS = 12;

/** Fields of a run projected by one block-diagonal product. */
interface Block {
  /** Its first field and first kernel row among the layer's projected fields and kernel rows. */
  field: number;
  row: number;
  fields: number;
  rows: number;
  /** Its first code column among its run's codes side by side. */
  col: number;
  /**
   * Where each entry of its block-diagonal weight [rows, fields·units] reads its kernel rows flattened
   * (rows·units values), or the zero past them: field f's rows hold its up-projection in columns f·units...
   */
  index: Int32Array;
}

/** A run of consecutive projected inputs [start, end), and the blocks it is projected in. */
interface Run {
  start: number;
  end: number;
  blocks: Block[];
}

/** The block-diagonal layout of fields of ranks `ks`. */
function blockIndex(ks: number[], units: number): Int32Array {
  const rows = ks.reduce((a, b) => a + b, 0);
  const width = ks.length * units;
  const index = new Int32Array(rows * width).fill(rows * units);
  let r = 0;
  ks.forEach((k, f) => {
    for (let j = 0; j < k; j++, r++) for (let u = 0; u < units; u++) index[r * width + f * units + u] = r * units + u;
  });
  return index;
}

/** The runs of a FieldProjection's projected inputs, with their blocks. */
function runsOf(ranks: number[], fields: number[], units: number): Run[] {
  let field = 0;
  let row = 0;
  return projectedRuns(ranks).map(([start, end]) => {
    const ks = ranks.slice(start, end).flatMap((k, i) => new Array<number>(fields[start + i]).fill(k));
    const blocks: Block[] = [];
    for (let f = 0, col = 0; f < ks.length; f += BLOCK_FIELDS) {
      const part = ks.slice(f, f + BLOCK_FIELDS);
      const rows = part.reduce((a, b) => a + b, 0);
      blocks.push({ field, row, fields: part.length, rows, col, index: blockIndex(part, units) });
      field += part.length;
      row += rows;
      col += rows;
    }
    return { start, end, blocks };
  });
}

/**
 * One run's field vectors, [batch, fields·units] per block: its codes side by side ([batch, rows]) times the
 * block-diagonal matrix of the up-projections, biases added in the same product. One dense product does what a
 * batched product of k-wide slices does, at the speed of a large matMul (the zeros it multiplies cost less than
 * the slices).
 */
function projectRun(tf: typeof tfType, run: Run, xs: Tensor[], [kernel, bias]: [Tensor, Tensor]): Tensor[] {
  const batch = xs[0].shape[0]!;
  const units = bias.shape[1]!;
  const codes = xs.slice(run.start, run.end).map((x) => tf.reshape(x, [batch, -1]));
  const all = codes.length === 1 ? codes[0] : tf.concat(codes, 1);
  return run.blocks.map((blk) => {
    const a = run.blocks.length === 1 ? all : tf.slice(all, [0, blk.col], [-1, blk.rows]);
    const values = tf.reshape(tf.slice(kernel, [blk.row, 0], [blk.rows, -1]), [-1]);
    const padded = tf.concat([values, tf.zeros([1])]);
    const b = tf.reshape(lookup(tf, padded, tf.tensor1d(blk.index, 'int32')), [blk.rows, blk.fields * units]);
    // Sliced from the flat biases: the wasm kernel takes a bias that was made rank 1, not reshaped to it.
    const c = tf.slice(tf.reshape(bias, [-1]), [blk.field * units], [blk.fields * units]);
    return tf.fused.matMul({ a: a as tfType.Tensor2D, b: b as tfType.Tensor2D, bias: c });
  });
}

/** What joinFields needs of a FieldProjection. */
interface JoinSpec {
  ranks: number[];
  fields: number[];
  units: number;
  axis: 1 | 2;
  padIndex: Int32Array | null;
  runs: Run[];
}

/** The layer's output: the projected runs of inputs and the inputs passed through, joined on the layer's axis. */
function joinFields(tf: typeof tfType, spec: JoinSpec, xs: Tensor[], weights: [Tensor, Tensor]): Tensor {
  const batch = xs[0].shape[0]!;
  const single = batch <= SINGLE_PRODUCT_BATCH;
  const codes = xs.filter((_, i) => spec.ranks[i] > 0);
  const whole = single ? project(tf, codes, weights, spec.padIndex) : null;
  const parts: Tensor[] = [];
  let next = 0;
  for (const run of spec.runs) {
    parts.push(...xs.slice(next, run.start));
    if (whole) {
      const field = run.blocks[0].field;
      const fields = run.blocks.reduce((a, b) => a + b.fields, 0);
      let block = fields === whole.shape[1] ? whole : tf.slice(whole, [0, field, 0], [-1, fields, -1]);
      if (spec.axis === 2) block = tf.reshape(block, [batch, 1, fields * spec.units]);
      parts.push(block);
    } else {
      const blocks = projectRun(tf, run, xs, weights);
      run.blocks.forEach((blk, i) => {
        const shape = spec.axis === 2 ? [batch, 1, blk.fields * spec.units] : [batch, blk.fields, spec.units];
        parts.push(tf.reshape(blocks[i], shape));
      });
    }
    next = run.end;
  }
  parts.push(...xs.slice(next));
  return parts.length === 1 ? parts[0] : tf.concat(parts, spec.axis);
}

/** Defines FieldProjection on a tfjs namespace. */
export function defineFieldProjection(tf: typeof tfType) {
  class FieldProjection extends tf.layers.Layer {
    static className = FIELD_PROJECTION_CLASS_NAME;
    readonly ranks: number[];
    readonly fields: number[];
    readonly units: number;
    readonly axis: 1 | 2;
    private kernel: tfType.LayerVariable | null = null;
    private bias: tfType.LayerVariable | null = null;
    /** Where each projected field's code sits in a [fields · largest rank] row, or null when all ranks are equal. */
    readonly padIndex: Int32Array | null;
    /** The runs of projected inputs, with their block-diagonal layouts. */
    readonly runs: Run[];

    constructor(args: FieldProjectionArgs & tfType.serialization.ConfigDict) {
      super(args as never);
      checkArgs(args);
      this.ranks = [...args.ranks];
      this.fields = args.fields ? [...args.fields] : this.ranks.map(() => 1);
      this.units = args.units;
      this.axis = args.axis as 1 | 2;
      this.padIndex = padIndexOf(this.ranks, this.fields);
      this.runs = runsOf(this.ranks, this.fields, this.units);
    }

    build(inputShape: Shape | Shape[]): void {
      const shapes = listOf(inputShape);
      if (shapes.length !== this.ranks.length)
        throw new Error(`FieldProjection ${this.name} expects ${this.ranks.length} inputs`);
      this.ranks.forEach((k, i) => {
        const s = shapes[i];
        if (s.length !== 3) throw new Error(`FieldProjection ${this.name}: input ${i} is not [batch, n, width]`);
        // The weights are sized from the inputs (whose tables were checked), never from the config alone.
        const n = this.fields[i];
        if (k > 0 && (s[1] !== n || s[2] !== k))
          throw new Error(
            `FieldProjection ${this.name}: input ${i} is [batch, ${s[1]}, ${s[2]}], not [batch, ${n}, ${k}]`,
          );
      });
      const total = this.ranks.reduce((a, k, i) => a + k * this.fields[i], 0);
      const fields = this.ranks.reduce((a, k, i) => a + (k > 0 ? this.fields[i] : 0), 0);
      const init = tf.initializers.glorotUniform({});
      this.kernel = this.addWeight('kernel', [total, this.units], 'float32', init);
      this.bias = this.addWeight('bias', [fields, this.units], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shapes = listOf(inputShape).map((s, i) =>
        this.ranks[i] > 0 ? (this.axis === 1 ? [s[0], s[1], this.units] : [s[0], 1, (s[1] ?? 0) * this.units]) : s,
      );
      const out = [...shapes[0]];
      const sizes = shapes.map((s) => s[this.axis]);
      out[this.axis] = sizes.some((n) => n === null) ? null : sizes.reduce((a: number, n) => a + (n as number), 0);
      return out;
    }

    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => joinFields(tf, this, Array.isArray(inputs) ? inputs : [inputs], this.weightTensors()));
    }

    private weightTensors(): [Tensor, Tensor] {
      return [this.kernel!.read(), this.bias!.read()];
    }

    getConfig(): tfType.serialization.ConfigDict {
      const config: tfType.serialization.ConfigDict = { ...super.getConfig(), ranks: [...this.ranks] };
      if (this.fields.some((n) => n !== 1)) config.fields = [...this.fields];
      return { ...config, units: this.units, axis: this.axis };
    }
  }
  return FieldProjection;
}
