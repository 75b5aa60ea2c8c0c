/**
 * Turning raw rows into the encoded train / validation / test splits a model trains on. Splits are
 * chronological (rows keep file order: the tail is the later data), and the encoding is fitted on the
 * training slice only, so validation and test rows see unseen ids exactly as new traffic would.
 */
import {
  encodeBatch,
  fitEncoding,
  rangeRaw,
  sliceBatch,
  type DataSchema,
  type EncodedBatch,
  type FeatureEncoding,
  type RawBatch,
} from '../data';
import { StudioError } from '../errors';

export interface SplitOptions {
  /** Fraction of the training rows (their tail) held out for early stopping. */
  validFraction: number;
  /** When no test file is given: fraction of the file (its tail) held out for testing. */
  testFraction?: number;
  /** Minimum count for a categorical value to get its own id. */
  minCount: number;
}

export interface PreparedSplits {
  encoding: FeatureEncoding;
  train: EncodedBatch;
  valid: EncodedBatch;
  test: EncodedBatch | null;
}

/** Splits off the last `fraction` of rows: [head, tail]. */
export function splitTail(raw: RawBatch, fraction: number): [RawBatch, RawBatch] {
  const tail = Math.round(raw.rows * fraction);
  return [rangeRaw(raw, 0, raw.rows - tail), rangeRaw(raw, raw.rows - tail, raw.rows)];
}

/** Fits the encoding on the training slice and encodes every split. */
export function prepareSplits(
  trainRaw: RawBatch,
  schema: DataSchema,
  test: { raw: RawBatch; schema: DataSchema } | null,
  opts: SplitOptions,
): PreparedSplits {
  let pool = trainRaw;
  let testPart = test;
  if (!testPart && opts.testFraction) {
    const [head, tail] = splitTail(pool, opts.testFraction);
    pool = head;
    testPart = { raw: tail, schema };
  }
  const [fitRows, validRows] = splitTail(pool, opts.validFraction);
  if (fitRows.rows < 10 || validRows.rows < 2) {
    throw new StudioError(
      'DATA_EMPTY',
      `Only ${pool.rows} training rows remain after the splits, too few to train on; ` +
        `use a larger file or smaller --valid-fraction / --test-fraction.`,
    );
  }
  const encoding = fitEncoding(fitRows, schema, { minCount: opts.minCount });
  return {
    encoding,
    train: encodeBatch(encoding, fitRows, schema),
    valid: encodeBatch(encoding, validRows, schema),
    test: testPart ? encodeBatch(encoding, testPart.raw, testPart.schema) : null,
  };
}

/** Encoded rows split into [head, tail], the tail being the last `fraction` of them (a validation slice). */
export function tailSplit(rows: EncodedBatch, fraction: number): [EncodedBatch, EncodedBatch] {
  const cut = rows.rows - Math.round(rows.rows * fraction);
  const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
  return [sliceBatch(rows, range(0, cut)), sliceBatch(rows, range(cut, rows.rows))];
}
