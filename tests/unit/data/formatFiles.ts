/**
 * The demo's Criteo rows written in the other formats CTR Studio reads: Parquet (typed columns with nulls, in
 * row groups), gzip, libFM (a feature index per field and value) and libSVM (a fixed count of features per line).
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';

/** The Criteo column names: label, I1..I13, C1..C26. */
export const CRITEO_NAMES = [
  'label',
  ...Array.from({ length: 13 }, (_, i) => `I${i + 1}`),
  ...Array.from({ length: 26 }, (_, i) => `C${i + 1}`),
];

/** The rows of a Criteo TSV as cells. */
export function tsvRows(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/**
 * Criteo rows as Parquet columns: label INT32, I1..I6 INT32 and I7..I13 INT64 (null when empty), C1..C26 UTF-8
 * strings (null when empty). `shift` perturbs the integers so repeated rows differ.
 */
export function criteoColumns(rows: string[][], shift = 0): ColumnSource[] {
  return CRITEO_NAMES.map((name, j) => {
    const cells = rows.map((r) => r[j]);
    if (j === 0) return { name, data: cells.map((c) => (c === '' ? null : Number(c))), type: 'INT32' };
    if (j <= 6) return { name, data: cells.map((c) => (c === '' ? null : Number(c) + shift)), type: 'INT32' };
    if (j <= 13) return { name, data: cells.map((c) => (c === '' ? null : BigInt(c) + BigInt(shift))), type: 'INT64' };
    return { name, data: cells.map((c) => (c === '' ? null : c)), type: 'STRING' };
  });
}

/** Criteo rows as one Parquet file in row groups of `rowGroupSize`. */
export function criteoParquet(rows: string[][], rowGroupSize = 1000): Uint8Array {
  return new Uint8Array(parquetWriteBuffer({ columnData: criteoColumns(rows), rowGroupSize }));
}

/** Rows as gzip-compressed TSV. */
export function gzipTsv(rows: string[][]): Uint8Array {
  return new Uint8Array(gzipSync(`${rows.map((r) => r.join('\t')).join('\n')}\n`));
}

/** Rows as libFM lines: every non-empty cell is the feature `field:index:1`, one index per (field, value). */
export function criteoLibfm(rows: string[][]): string {
  const ids = new Map<string, number>();
  const id = (key: string) => ids.get(key) ?? ids.set(key, ids.size).get(key)!;
  return rows
    .map((r) => {
      const feats = r.slice(1).flatMap((v, j) => (v === '' ? [] : [`${j + 1}:${id(`${j}\u0000${v}`)}:1`]));
      return [r[0], ...feats].join(' ');
    })
    .join('\n');
}

/** Rows as libSVM lines with 39 features each (an empty cell is a "missing" index of its field). */
export function criteoLibsvm(rows: string[][]): string {
  const ids = new Map<string, number>();
  const id = (key: string) => ids.get(key) ?? ids.set(key, ids.size + 1).get(key)!;
  return rows.map((r) => [r[0], ...r.slice(1).map((v, j) => `${id(`${j}\u0000${v}`)}:1`)].join(' ')).join('\n');
}
