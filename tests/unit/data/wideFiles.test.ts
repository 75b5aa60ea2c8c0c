/**
 * Wide files in bounded memory: a model's encoding reads only the columns it uses (the others are not stored),
 * a batch holds a bounded number of cells whatever the column count, and a header-only file of 100,000
 * columns is refused with one sentence instead of exhausting the heap.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_CELLS, fitEncoding, openDataset, overridesForEncoding, readDataset } from '../../../src/core/data';
import { studioError } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const WIDTH = 100_000;
const names = ['label', ...Array.from({ length: WIDTH - 1 }, (_, i) => `c${i + 1}`)];
const header = names.join(',');
const row = (i: number) =>
  [i % 2, ...Array.from({ length: WIDTH - 1 }, (_, j) => (j < 2 ? (i + j) % 7 : 'x'))].join(',');

/** Heap growth (MB) while `f` runs, sampled every few milliseconds. */
async function heapGrowth(f: () => Promise<unknown>): Promise<number> {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
  try {
    await f();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return (peak - base) / 2 ** 20;
}

describe('wide files', () => {
  it('a header of 100,000 columns and no rows is DATA_EMPTY, in bounded memory', async () => {
    let growth = 0;
    await studioError(async () => {
      growth = await heapGrowth(() => readDataset(`${header}\n`));
    }, 'DATA_EMPTY');
    expect(growth).toBeLessThan(256);
  });

  it("reads only a model's columns of 100,000, and batches stay bounded when all are read", async () => {
    const text = `${header}\n${Array.from({ length: 40 }, (_, i) => row(i)).join('\n')}\n`;
    // A model trained on two of the columns.
    const narrow = await readDataset(
      ['label,c1,c2', ...Array.from({ length: 40 }, (_, i) => `${i % 2},${i % 7},${(i + 1) % 7}`)].join('\n'),
      { overrides: { kinds: { c1: 'categorical', c2: 'categorical' } } },
    );
    const enc = fitEncoding(narrow.batch, narrow.schema);
    let stored = 0;
    const growth = await heapGrowth(async () => {
      const { schema, batch } = await readDataset(text, { overrides: overridesForEncoding(enc) });
      stored = schema.columns.filter((c) => c.kind !== 'ignore').length;
      expect(batch.rows).toBe(40);
    });
    expect(stored).toBe(3); // the label, c1, c2
    expect(growth).toBeLessThan(256);
    // Read as the file says (every column a feature): a batch holds at most MAX_BATCH_CELLS cells.
    const { batches } = await openDataset(text);
    const first = await batches.next();
    expect(first.done).toBe(false);
    const b = first.value as { rows: number; categorical: unknown[] };
    expect(b.rows * b.categorical.length).toBeLessThanOrEqual(MAX_BATCH_CELLS);
  });
});
