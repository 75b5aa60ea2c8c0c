/**
 * Every format reads the same rows to the same encoded features as the TSV: gzip and Parquet give the very
 * same schema and batch; libFM and libSVM (fields as categories of feature indices) give the same ids as the
 * TSV read with every column as a category, since ids follow counts and first appearance, not spellings.
 */
import { describe, expect, it } from 'vitest';
import {
  blobFile,
  encodeBatch,
  fitEncoding,
  overridesForEncoding,
  readDataset,
  type ColumnKind,
  type EncodedBatch,
} from '../../../src/core/data';
import { CRITEO_TSV, fixedChunks } from './helpers';
import { CRITEO_NAMES, criteoLibfm, criteoLibsvm, criteoParquet, gzipTsv, tsvRows } from './formatFiles';

const ROWS = tsvRows(CRITEO_TSV).slice(0, 3000);
const TSV = `${ROWS.map((r) => r.join('\t')).join('\n')}\n`;

async function encoded(source: Parameters<typeof readDataset>[0], kinds?: Record<string, ColumnKind>) {
  const { schema, batch, report } = await readDataset(source, kinds ? { overrides: { kinds } } : {});
  const enc = fitEncoding(batch, schema);
  return { schema, report, enc, rows: encodeBatch(enc, batch, schema) };
}

/** The same ids, labels and numbers, whatever the fields are called. */
function expectSameRows(a: EncodedBatch, b: EncodedBatch): void {
  expect(b.rows).toBe(a.rows);
  expect(b.labels).toEqual(a.labels);
  expect(b.categorical).toEqual(a.categorical);
  expect(b.numeric).toEqual(a.numeric);
}

describe('the same rows in every format', () => {
  it('gzip: the same schema and encoded rows as the TSV, in any chunking', async () => {
    const tsv = await encoded(TSV);
    const gz = gzipTsv(ROWS);
    const whole = await encoded(gz);
    expect(whole.schema.columns).toEqual(tsv.schema.columns);
    expectSameRows(tsv.rows, whole.rows);
    expectSameRows(tsv.rows, (await encoded(fixedChunks(gz, 777))).rows);
    expectSameRows(tsv.rows, (await encoded(blobFile(new Blob([gz as Uint8Array<ArrayBuffer>])))).rows);
  });

  it('Parquet: the Criteo columns by name, the same encoded rows, from memory or by random access', async () => {
    const tsv = await encoded(TSV);
    const pq = criteoParquet(ROWS, 700);
    const fromFile = await encoded(blobFile(new Blob([pq as Uint8Array<ArrayBuffer>])));
    expect(fromFile.schema.format).toBe('parquet');
    expect(fromFile.schema.columns.map((c) => [c.name, c.kind])).toEqual(
      tsv.schema.columns.map((c) => [c.name, c.kind]),
    );
    expect(fromFile.enc.categorical).toEqual(tsv.enc.categorical);
    expectSameRows(tsv.rows, fromFile.rows);
    expectSameRows(tsv.rows, (await encoded(pq)).rows);
    // A model's encoding reads the Parquet rows the same way again.
    const again = await readDataset(pq, { overrides: overridesForEncoding(tsv.enc) });
    expectSameRows(tsv.rows, encodeBatch(tsv.enc, again.batch, again.schema));
  });

  it('libFM and libSVM: fields become categories with the same ids as the TSV read as categories', async () => {
    const allCategorical = Object.fromEntries(CRITEO_NAMES.slice(1).map((n) => [n, 'categorical' as const]));
    const tsv = await encoded(TSV, allCategorical);
    const fm = await encoded(criteoLibfm(ROWS));
    expect(fm.schema.format).toBe('libfm');
    expect(fm.schema.columns.slice(0, 3).map((c) => c.name)).toEqual(['label', 'field_1', 'field_2']);
    expect(fm.report.badRows).toBe(0);
    // A field absent from a line is missing (''), as an empty TSV cell is: the same ids.
    expectSameRows(tsv.rows, fm.rows);
    const svm = await encoded(criteoLibsvm(ROWS));
    expect(svm.schema.format).toBe('libsvm');
    expect(svm.schema.columns).toHaveLength(40);
    expect(svm.rows.labels).toEqual(tsv.rows.labels);
    // Missing cells are a "missing" index of their own here: ids differ from the TSV only where a cell is empty.
    svm.rows.categorical.forEach((ids, j) => {
      const col = ROWS.map((r) => r[j + 1]);
      const tsvIds = tsv.rows.categorical[j];
      const same = new Map<number, number>();
      ids.forEach((id, r) => {
        if (col[r] === '') return;
        if (!same.has(tsvIds[r])) same.set(tsvIds[r], id);
        expect(same.get(tsvIds[r])).toBe(id);
      });
    });
    // Test rows of a libFM file are read with the training file's layout, even when a field is rare in them.
    const again = await readDataset(criteoLibfm(ROWS).split('\n').slice(0, 50).join('\n'), {
      overrides: overridesForEncoding(fm.enc),
    });
    expect(again.schema.columns.map((c) => c.name)).toEqual(fm.schema.columns.map((c) => c.name));
  });
});
