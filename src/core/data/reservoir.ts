/**
 * A uniform random sample of at most `capacity` rows from a stream of any length (reservoir sampling,
 * Vitter's algorithm R), kept in file order: the studio holds this sample in memory for the interactive work
 * (training, fine-tuning, scoring on every slider move) while full passes stream the file.
 */
import { createRng, type Rng } from '../random';
import type { RawBatch } from './reader';

export class RowReservoir {
  private readonly rng: Rng;
  private seen = 0;
  private sample: RawBatch | null = null;
  private filled = 0;
  private width = 0;
  /** Position of each sampled row among all rows offered (0-based), for splits by position. */
  private ordinals: Float64Array;

  constructor(
    readonly capacity: number,
    seed = 1,
  ) {
    this.rng = createRng(seed);
    this.ordinals = new Float64Array(capacity);
  }

  /** Rows offered so far. */
  get rowsSeen(): number {
    return this.seen;
  }

  /**
   * Room for `n` rows: the sample grows by doubling up to the capacity, so a file of a few thousand rows does
   * not pay for (nor hold) a sample of the capacity's size.
   */
  private reserve(like: RawBatch, n: number): void {
    const have = this.sample?.labels.length ?? 0;
    if (n <= have) return;
    const size = Math.min(this.capacity, Math.max(n, 2 * have, 1024));
    if (!this.sample) this.width = like.rows > 0 ? like.numeric.length / like.rows : 0;
    const old = this.sample;
    const grown: RawBatch = {
      rows: 0,
      labels: new Float32Array(size),
      numeric: new Float64Array(size * this.width),
      categorical: like.categorical.map((_, j) => {
        const col = new Array<string>(size);
        if (old) for (let i = 0; i < this.filled; i++) col[i] = old.categorical[j][i];
        return col;
      }),
      lines: new Int32Array(size),
    };
    if (old) {
      grown.labels.set(old.labels.subarray(0, this.filled));
      grown.numeric.set(old.numeric.subarray(0, this.filled * this.width));
      grown.lines.set(old.lines.subarray(0, this.filled));
    }
    this.sample = grown;
  }

  private copy(from: RawBatch, i: number, slot: number): void {
    const s = this.sample!;
    this.ordinals[slot] = this.seen;
    s.labels[slot] = from.labels[i];
    s.lines[slot] = from.lines[i];
    if (this.width > 0) s.numeric.set(from.numeric.subarray(i * this.width, (i + 1) * this.width), slot * this.width);
    for (let j = 0; j < from.categorical.length; j++) s.categorical[j][slot] = from.categorical[j][i];
  }

  /** Offers every row of a batch to the sample. */
  add(batch: RawBatch): void {
    if (batch.rows === 0) return;
    this.reserve(batch, Math.min(this.capacity, this.filled + batch.rows));
    for (let i = 0; i < batch.rows; i++, this.seen++) {
      if (this.filled < this.capacity) this.copy(batch, i, this.filled++);
      else {
        const j = Math.floor(this.rng() * (this.seen + 1));
        if (j < this.capacity) this.copy(batch, i, j);
      }
    }
  }

  /** The sample in file order, with each row's position among all rows; null when no row was offered. */
  result(): { batch: RawBatch; ordinals: Float64Array } | null {
    if (!this.sample) return null;
    const n = this.filled;
    const s = this.sample;
    const w = this.width;
    if (this.seen === n) {
      // Every row offered was kept, in order: the sample is the head of the arrays.
      const batch: RawBatch = {
        rows: n,
        labels: s.labels.slice(0, n),
        numeric: s.numeric.slice(0, n * w),
        categorical: s.categorical.map((c) => c.slice(0, n)),
        lines: s.lines.slice(0, n),
      };
      return { batch, ordinals: this.ordinals.slice(0, n) };
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.ordinals[a] - this.ordinals[b]);
    const ordinals = Float64Array.from(order, (i) => this.ordinals[i]);
    const out: RawBatch = {
      rows: n,
      labels: new Float32Array(n),
      numeric: new Float64Array(n * w),
      categorical: s.categorical.map(() => new Array<string>(n)),
      lines: new Int32Array(n),
    };
    order.forEach((from, k) => {
      out.labels[k] = s.labels[from];
      out.lines[k] = s.lines[from];
      if (w > 0) out.numeric.set(s.numeric.subarray(from * w, (from + 1) * w), k * w);
      for (let j = 0; j < s.categorical.length; j++) out.categorical[j][k] = s.categorical[j][from];
    });
    return { batch: out, ordinals };
  }
}
