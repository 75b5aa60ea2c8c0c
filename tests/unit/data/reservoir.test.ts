import { describe, expect, it } from 'vitest';
import { RowReservoir } from '../../../src/core/data/reservoir';
import type { RawBatch } from '../../../src/core/data/reader';

/** Rows first .. first+n−1 of a made-up file: every field derived from the row's number, so any row can be checked. */
function batch(first: number, n: number): RawBatch {
  const idx = Array.from({ length: n }, (_, i) => first + i);
  return {
    rows: n,
    labels: Float32Array.from(idx, (r) => r % 2),
    numeric: Float64Array.from(idx.flatMap((r) => [r, -r])),
    categorical: [idx.map((r) => `a${r}`), idx.map((r) => `b${r % 7}`)],
    lines: Int32Array.from(idx, (r) => r + 2),
  };
}

function offer(res: RowReservoir, sizes: number[]): number {
  let at = 0;
  for (const n of sizes) {
    res.add(batch(at, n));
    at += n;
  }
  return at;
}

/** Every sampled row is the file's row at its ordinal, in file order. */
function expectRowsOfFile(out: { batch: RawBatch; ordinals: Float64Array }) {
  const { batch: b, ordinals } = out;
  for (let k = 0; k < b.rows; k++) {
    const r = ordinals[k];
    if (k > 0) expect(r).toBeGreaterThan(ordinals[k - 1]);
    expect([b.labels[k], b.numeric[2 * k], b.numeric[2 * k + 1], b.lines[k]]).toEqual([r % 2, r, -r, r + 2]);
    expect([b.categorical[0][k], b.categorical[1][k]]).toEqual([`a${r}`, `b${r % 7}`]);
  }
}

describe('row reservoir', () => {
  it('keeps every row, in order, of a file smaller than the capacity (growing as batches come)', () => {
    const res = new RowReservoir(100_000);
    const total = offer(res, [700, 1500, 3000, 1]);
    const out = res.result()!;
    expect(out.batch.rows).toBe(total);
    expect(Array.from(out.ordinals)).toEqual(Array.from({ length: total }, (_, i) => i));
    expectRowsOfFile(out);
  });

  it('keeps exactly the capacity of a larger file: rows of the file, in file order, spread over it', () => {
    const res = new RowReservoir(2_000, 7);
    const total = offer(res, [1500, 1500, 4000, 3000]);
    expect(res.rowsSeen).toBe(total);
    const out = res.result()!;
    expect(out.batch.rows).toBe(2_000);
    expectRowsOfFile(out);
    // A uniform sample: its mean position near the file's middle (sd of the mean about 29 rows here).
    const mean = out.ordinals.reduce((a, b) => a + b, 0) / out.batch.rows;
    expect(Math.abs(mean - (total - 1) / 2)).toBeLessThan(150);
  });

  it('has no sample before any row', () => {
    expect(new RowReservoir(10).result()).toBeNull();
  });
});
