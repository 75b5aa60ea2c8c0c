/**
 * Moments of a layer's inputs: per block of rows, the float32 products (x − s)ᵀ(x − s) and column sums of
 * x − s over pieces of at most SUB rows, s the block's own column mean, turned into the block's moments in
 * Float64 and merged by core/linalg (which states the error bound). Two ways to the same sums:
 * - on a CPU backend with WebAssembly SIMD, the backend forms the shift and core/linalg's float32 kernels centre
 *   the rows and form the upper triangle of their products (and the column sums, from an appended column of
 *   ones), the pieces added in Float64 inside the module: half the products of a general matMul, and no
 *   transposed copy;
 * - otherwise (WebGPU, or no SIMD) the backend's own matMul forms every piece's product and column sums, read
 *   back together.
 * No loop over rows runs in JavaScript.
 */
import { tf } from './tfjs';
import type { Tensor } from './tfjs';
import {
  blockMoments,
  createMoments,
  float32Gram,
  hasFloat32Gram,
  mergeMomentsInto,
  momentsFromSums,
  type BlockMoments,
  type Moments,
} from '../core/linalg';

/** Rows per float32 sum (the k of the error bound in core/linalg/shiftedGram), at little cost in speed. */
export const SUB = 256;

/** Above this many float32 values of products per block, the pieces are added on the backend (memory). */
const MAX_PIECE_VALUES = 16_000_000;

/** The widest layer whose Gram the SIMD kernel forms (its Float64 result, ld² doubles, lives in the module). */
const MAX_KERNEL_DIM = 2048;

/** Whether a layer of this width takes the SIMD kernel on the current backend. */
function kernelFits(dim: number): boolean {
  const backend = tf.getBackend();
  return (backend === 'wasm' || backend === 'cpu') && dim <= MAX_KERNEL_DIM && hasFloat32Gram();
}

/** Accumulates the moments of 2-D [rows, dim] (or [..., dim]) float32 tensors given block by block. */
export class GramAccumulator {
  private readonly merged: Moments;
  /** Σ (x − s)² per column over every block: the A_ii of the error bound. */
  readonly spread: Float64Array;
  /** The most rows any float32 sum so far ran over: the k of the error bound. */
  k = 0;

  /**
   * `maxPieceValues` (backend products): above this many float32 values of products per block, one product per
   * block (memory). `kernel`: whether the SIMD kernel forms the products (by default where it can run).
   */
  constructor(
    readonly dim: number,
    private readonly maxPieceValues = MAX_PIECE_VALUES,
    readonly kernel = kernelFits(dim),
  ) {
    this.merged = createMoments(dim);
    this.spread = new Float64Array(dim);
  }

  /**
   * Starts the block sums of `x` (not disposed) on the backend, as tensors to read in order and pass to
   * {@link add}: with the kernel, the rows and their shift (`parts` 0); otherwise one tensor of `parts`
   * products, `parts` column sums and the shift. Splitting the two lets the caller read every layer's at once.
   */
  blockSums(x: Tensor): { sums: Tensor[]; parts: number } {
    const rows = x.size / this.dim;
    if (this.kernel) {
      this.k = Math.max(this.k, Math.min(SUB, rows));
      const sums = tf.tidy(() => {
        const x2 = x.reshape([-1, this.dim]);
        // Column means as products with a row of ones: several times faster than a reduction over axis 0.
        // The rows go back as they are (the kernel subtracts the shift as it copies them).
        return [x2.clone(), tf.matMul(tf.fill([1, rows], 1 / rows), x2)];
      });
      return { sums, parts: 0 };
    }
    const pieces = Math.ceil(rows / SUB);
    // Very wide layers: one product per block in float32 (then k is the block's rows), not one per piece.
    const parts = pieces * this.dim * this.dim > this.maxPieceValues ? 1 : pieces;
    const step = parts === 1 ? rows : SUB;
    this.k = Math.max(this.k, step);
    const sums = tf.tidy(() => {
      const x2 = x.reshape([-1, this.dim]);
      // Column sums as products with a row of ones: several times faster than a reduction over axis 0.
      const shift = tf.matMul(tf.fill([1, rows], 1 / rows), x2);
      const c = x2.sub(shift);
      const ones = tf.ones([1, Math.min(step, rows)]);
      // A transposed copy and a plain product run several times faster than a product with a transposed operand.
      const grams: Tensor[] = [];
      const colSums: Tensor[] = [];
      for (let r0 = 0; r0 < rows; r0 += step) {
        const k = Math.min(step, rows - r0);
        const p = k === rows ? c : c.slice([r0, 0], [k, this.dim]);
        grams.push(tf.matMul(p.transpose(), p).reshape([-1]));
        colSums.push(tf.matMul(k === ones.shape[1] ? ones : tf.ones([1, k]), p).reshape([-1]));
      }
      return tf.concat([...grams, ...colSums, shift.reshape([-1])]);
    });
    return { sums: [sums], parts };
  }

  /** Adds a block of `rows` rows from its sums (the tensors of {@link blockSums}, read, in order). */
  add(rows: number, sums: Float32Array[], parts: number): void {
    const b = parts === 0 ? this.kernelMoments(rows, sums[0], sums[1]) : blockMoments(this.dim, rows, sums[0], parts);
    mergeMomentsInto(this.merged, b.moments);
    for (let j = 0; j < this.dim; j++) this.spread[j] += b.spread[j];
  }

  /** A block's moments from its rows and their shift, by the SIMD kernel (which centres them). */
  private kernelMoments(rows: number, x: Float32Array, shift: Float32Array): BlockMoments {
    const dim = this.dim;
    const gram = float32Gram(x, rows, dim, SUB, shift);
    if (!gram) throw new Error('The WebAssembly Gram kernel became unavailable.'); // kernelFits checked it
    const { s2, ld } = gram;
    // Column `dim` is the appended one: s2[i, dim] = Σ (x_i − s_i), the column sums.
    const colSums = new Float64Array(dim);
    for (let i = 0; i < dim; i++) colSums[i] = s2[i * ld + dim];
    return momentsFromSums(dim, rows, { s2, ld, upperOnly: true, colSums, shift });
  }

  /** The moments of every row added so far. */
  moments(): Moments {
    return this.merged;
  }
}

/** Moments of a whole [rows, dim] tensor in blocks of `blockRows` rows (what tests compare with Float64). */
export async function tensorMoments(
  x: Tensor,
  blockRows = 2048,
  opts: { maxPieceValues?: number; kernel?: boolean } = {},
): Promise<GramAccumulator> {
  const rows = x.shape[0]!,
    dim = x.shape[1]!;
  const acc = new GramAccumulator(dim, opts.maxPieceValues, opts.kernel);
  for (let r0 = 0; r0 < rows; r0 += blockRows) {
    const n = Math.min(blockRows, rows - r0);
    const part = x.slice([r0, 0], [n, dim]);
    const { sums, parts } = acc.blockSums(part);
    part.dispose();
    const data = (await Promise.all(sums.map((t) => t.data()))) as Float32Array[];
    tf.dispose(sums);
    acc.add(n, data, parts);
  }
  return acc;
}
