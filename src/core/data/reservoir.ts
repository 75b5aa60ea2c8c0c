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

  private allocate(like: RawBatch): RawBatch {
    this.width = like.rows > 0 ? like.numeric.length / like.rows : 0;
    const n = this.capacity;
    return {
      rows: 0,
      labels: new Float32Array(n),
      numeric: new Float64Array(n * this.width),
      categorical: like.categorical.map(() => new Array<string>(n)),
      lines: new Int32Array(n),
    };
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
    this.sample ??= this.allocate(batch);
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
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.ordinals[a] - this.ordinals[b]);
    const ordinals = Float64Array.from(order, (i) => this.ordinals[i]);
    const s = this.sample;
    const w = this.width;
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
