/**
 * Training rows and test rows of the open files: a test file, or the training file's tail. Runtime-free.
 */
import type { RawBatch } from '../core/data';
import { sampleRange, type OpenedData } from './datasets';

/** Share of a single data file held out (its tail) as test rows when no test file is given. */
export const SPLIT_TEST_FRACTION = 0.2;

/** Rows [from, to) of an opened file (by position among its good rows), with the sample rows among them. */
export interface Part {
  data: OpenedData;
  name: string;
  from: number;
  to: number;
  sample: RawBatch;
}

/** Training rows and test rows (a test file, or the training file's tail). */
export interface Splits {
  train: Part;
  test: Part;
  splitFromTrain: boolean;
}

/**
 * Train rows and test rows (samples in memory, and the file positions they stand for); without a test file, the
 * last SPLIT_TEST_FRACTION of the training file is the test split.
 */
export function splitsOf(t: OpenedData, testData: OpenedData | null): Splits {
  if (testData) {
    const d = testData;
    return {
      train: { data: t, name: t.name, from: 0, to: Infinity, sample: t.sample },
      test: { data: d, name: d.name, from: 0, to: Infinity, sample: d.sample },
      splitFromTrain: false,
    };
  }
  const cut = t.rows - Math.round(t.rows * SPLIT_TEST_FRACTION);
  return {
    train: { data: t, name: t.name, from: 0, to: cut, sample: sampleRange(t, 0, cut) },
    test: {
      data: t,
      name: `${t.name} (last ${SPLIT_TEST_FRACTION * 100}%)`,
      from: cut,
      to: Infinity,
      sample: sampleRange(t, cut, Infinity),
    },
    splitFromTrain: true,
  };
}
