/**
 * Interning the categorical cells of raw row batches: every cell becomes the first string of equal text seen in
 * its field, so a large file read whole holds one reference per cell and one string per distinct value, not a
 * string per cell. Used where a million rows are read into memory to fit an encoding (`report --scale`). Pure.
 */
import type { RawBatch } from '../data';

/** Interns the batch's categorical cells in place through the per-field pools (grown as needed); returns it. */
export function internCategorical(batch: RawBatch, pools: Map<string, string>[]): RawBatch {
  batch.categorical.forEach((column, j) => {
    pools[j] ??= new Map();
    const pool = pools[j];
    for (let i = 0; i < batch.rows; i++) {
      const v = column[i];
      const kept = pool.get(v);
      if (kept === undefined) pool.set(v, v);
      else column[i] = kept;
    }
  });
  return batch;
}
