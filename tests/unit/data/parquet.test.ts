import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import {
  ParquetWriter,
  fileWriter,
  parquetWriteBuffer,
  schemaFromColumnData,
  type ColumnSource,
  type SchemaElement,
} from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import {
  blobFile,
  cellText,
  float32Text,
  isParquetBytes,
  openParquet,
  rowRanges,
  type RandomAccessFile,
} from '../../../src/core/data/parquet';
import { openDataFile } from '../../../src/node/files';
import { CRITEO_TSV, collectAll, studioError } from './helpers';
import { CRITEO_NAMES, criteoColumns } from './formatFiles';

const NAMES = CRITEO_NAMES;
const LINES = readFileSync(CRITEO_TSV, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0);
const ROWS = LINES.map((l) => l.split('\t'));

const TMP = mkdtempSync(join(tmpdir(), 'ctr-parquet-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const asFile = (bytes: Uint8Array | ArrayBuffer) => blobFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));

/** Every row of a Parquet file as its cells joined by tabs, checking that rows are numbered 1, 2, 3, ... */
async function tsvOf(file: RandomAccessFile, rowsPerChunk?: number): Promise<string[]> {
  const pq = await openParquet(file, { rowsPerChunk });
  expect(pq.names).toEqual(NAMES);
  const out: string[] = [];
  for await (const { line, fields } of pq.cells) {
    expect(line).toBe(out.length + 1);
    out.push(fields.join('\t'));
  }
  expect(out.length).toBe(pq.rows);
  return out;
}

describe('Parquet detection and helpers', () => {
  it('recognises the PAR1 signature', () => {
    expect(isParquetBytes(new TextEncoder().encode('PAR1xyz'))).toBe(true);
    expect(isParquetBytes(new TextEncoder().encode('PAR'))).toBe(false);
    expect(isParquetBytes(new TextEncoder().encode(LINES[0]))).toBe(false);
  });

  it('splits row groups into near-equal ranges of at most rowsPerChunk rows', () => {
    expect(rowRanges(0, 10, 100)).toEqual([[0, 10]]);
    expect(rowRanges(100, 200, 40)).toEqual([
      [100, 134],
      [134, 168],
      [168, 200],
    ]);
    expect(rowRanges(0, 5, 1)).toHaveLength(5);
  });

  it('writes values as the text a CSV would hold', () => {
    expect([1, -2, 0.5, 1e21, Number.NaN, -0].map(cellText)).toEqual(['1', '-2', '0.5', '1e+21', '', '0']);
    expect([2n ** 63n - 1n, true, false, null, undefined, 'x'].map(cellText)).toEqual([
      '9223372036854775807',
      '1',
      '0',
      '',
      '',
      'x',
    ]);
    expect(cellText(new TextEncoder().encode('é'))).toBe('é');
    expect(cellText(new Date(Date.UTC(2024, 1, 29, 12)))).toBe('2024-02-29T12:00:00.000Z');
    expect(cellText(new Date(Number.NaN))).toBe('');
    expect([Math.fround(0.1), Math.fround(-2.5), Math.fround(1 / 3), Math.fround(3e38)].map(float32Text)).toEqual([
      '0.1',
      '-2.5',
      '0.33333334',
      '3e+38',
    ]);
  });
});

describe('openParquet', () => {
  const demo = new Uint8Array(parquetWriteBuffer({ columnData: criteoColumns(ROWS), rowGroupSize: 1500 }));

  it('reads the demo rows written as Parquet back as exactly the TSV cells', async () => {
    const meta = parquetMetadata(demo.buffer as ArrayBuffer);
    expect(meta.row_groups.length).toBe(6);
    expect(await tsvOf(asFile(demo))).toEqual(LINES);
    expect(await tsvOf(asFile(demo), 700)).toEqual(LINES); // row groups read in parts
    expect(await tsvOf(asFile(demo), 5000)).toEqual(LINES); // larger than a row group: whole groups
  });

  it('reads a file on disk through the Node adapter', async () => {
    const path = join(TMP, 'demo.parquet');
    writeFileSync(path, demo);
    const file = await openDataFile(path);
    expect(file.size).toBe(demo.length);
    expect(await tsvOf(file, 1000)).toEqual(LINES);
    await studioError(() => openDataFile(join(TMP, 'missing.parquet')), 'FILE_NOT_FOUND');
  });

  it('reads snappy, gzip, brotli and uncompressed files', async () => {
    const rows = ROWS.slice(0, 2500);
    const compressors = { GZIP: (b: Uint8Array) => gzipSync(b), BROTLI: (b: Uint8Array) => brotliCompressSync(b) };
    for (const codec of ['SNAPPY', 'GZIP', 'BROTLI', 'UNCOMPRESSED'] as const) {
      const bytes = parquetWriteBuffer({ columnData: criteoColumns(rows), codec, compressors, rowGroupSize: 1000 });
      expect(await tsvOf(asFile(bytes)), codec).toEqual(LINES.slice(0, 2500));
    }
  });

  it('converts every flat column type to text', async () => {
    const columnData: ColumnSource[] = [
      { name: 'b', data: [true, false, null], type: 'BOOLEAN' },
      { name: 'd', data: [0.5, Number.NaN, 1e21], type: 'DOUBLE' },
      { name: 'f', data: [0.1, -2.5, null], type: 'FLOAT' },
      { name: 'big', data: [2n ** 60n + 1n, -5n, null], type: 'INT64' },
      { name: 'ts', data: [new Date(0), new Date(1700000000123), null], type: 'TIMESTAMP' },
      { name: 'j', data: [{ a: 1 }, [1, 2], null], type: 'JSON' },
      { name: 's', data: ['héllo', '', null], type: 'STRING' },
      { name: 'raw', data: [new TextEncoder().encode('abc'), new Uint8Array([0xc3, 0xa9]), null], type: 'BYTE_ARRAY' },
      { name: 'day', data: [new Date('2024-02-29T00:00:00Z'), null, new Date(0)] },
      { name: 'fixed', data: [new TextEncoder().encode('ab'), new TextEncoder().encode('cd'), null] },
      { name: 'req', data: new Int32Array([1, -2, 3]), type: 'INT32', nullable: false },
    ];
    const schema = schemaFromColumnData({
      columnData,
      schemaOverrides: {
        day: { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
        fixed: { name: 'fixed', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 2, repetition_type: 'OPTIONAL' },
      },
    });
    const untyped = columnData.map(({ name, data }) => ({ name, data })); // the schema gives the types
    const pq = await openParquet(asFile(parquetWriteBuffer({ columnData: untyped, schema })));
    expect(pq.names).toEqual(['b', 'd', 'f', 'big', 'ts', 'j', 's', 'raw', 'day', 'fixed', 'req']);
    expect(pq.rows).toBe(3);
    expect(await collectAll(pq.cells)).toEqual([
      {
        line: 1,
        fields: [
          '1',
          '0.5',
          '0.1',
          '1152921504606846977',
          '1970-01-01T00:00:00.000Z',
          '{"a":1}',
          'héllo',
          'abc',
        ].concat(['2024-02-29', 'ab', '1']),
      },
      {
        line: 2,
        fields: ['0', '', '-2.5', '-5', '2023-11-14T22:13:20.123Z', '[1,2]', '', 'é', '', 'cd', '-2'],
      },
      { line: 3, fields: ['', '1e+21', '', '', '', '', '', '', '1970-01-01', '', '3'] },
    ]);
  });

  it('refuses nested columns with DATA_SCHEMA, naming the column', async () => {
    const list: SchemaElement[] = [
      { name: 'root', num_children: 2 },
      { name: 'x', type: 'INT32', repetition_type: 'OPTIONAL' },
      { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'INT32', repetition_type: 'OPTIONAL' },
    ];
    const listFile = parquetWriteBuffer({
      columnData: [
        { name: 'x', data: [1, 2] },
        { name: 'tags', data: [[1, 2], [3]] },
      ],
      schema: list,
    });
    const e = await studioError(() => openParquet(asFile(listFile)), 'DATA_SCHEMA');
    expect(e.message).toMatch(/^Column "tags" of the Parquet file is nested .*flatten it/);
    const struct: SchemaElement[] = [
      { name: 'root', num_children: 2 },
      { name: 'x', type: 'INT32', repetition_type: 'OPTIONAL' },
      { name: 'obj', repetition_type: 'OPTIONAL', num_children: 1 },
      { name: 'a', type: 'INT32', repetition_type: 'OPTIONAL' },
    ];
    const structFile = parquetWriteBuffer({
      columnData: [
        { name: 'x', data: [1, 2] },
        { name: 'obj', data: [{ a: 1 }, { a: 2 }] },
      ],
      schema: struct,
    });
    expect((await studioError(() => openParquet(asFile(structFile)), 'DATA_SCHEMA')).message).toMatch(/"obj"/);
  });

  it('refuses files that are not valid Parquet, truncated or damaged, with DATA_CORRUPT', async () => {
    const sentence = (m: string) => {
      expect(m).toMatch(/\.$/);
      expect(m).not.toMatch(/\n/);
    };
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode(LINES[0]), demo.subarray(0, demo.length - 1)]) {
      const e = await studioError(() => openParquet(asFile(bytes)), 'DATA_CORRUPT');
      expect(e.message).toMatch(/^The data file is not a readable Parquet file/);
      sentence(e.message);
    }
    await studioError(() => openParquet(asFile(demo.subarray(0, 100))), 'DATA_CORRUPT');
    // a damaged page header in the second row group
    const meta = parquetMetadata(demo.buffer as ArrayBuffer);
    const chunk = meta.row_groups[1].columns[20].meta_data;
    const damaged = demo.slice();
    damaged.fill(0xff, Number(chunk?.data_page_offset), Number(chunk?.data_page_offset) + 8);
    const pq = await openParquet(asFile(damaged));
    let read = 0;
    const e = await studioError(async () => {
      for await (const _ of pq.cells) read++;
    }, 'DATA_CORRUPT');
    expect(e.message).toMatch(/^The Parquet file is damaged: column "C7" could not be decoded in rows 1501–3000;/);
    sentence(e.message);
    expect(read).toBe(1500);
  });

  it('names a compression it cannot read, and a file that changes while it is read', async () => {
    const lzo = parquetWriteBuffer({
      columnData: [{ name: 'x', data: [1, 2], type: 'INT32' }],
      codec: 'LZO',
      compressors: { LZO: (b: Uint8Array) => b },
    });
    const pq = await openParquet(asFile(lzo));
    const e = await studioError(() => collectAll(pq.cells), 'DATA_SCHEMA');
    expect(e.message).toMatch(/^Column "x" of the Parquet file uses something CTR Studio cannot read \(.*LZO\)/);
    // a file that became shorter after it was opened
    const whole = asFile(demo);
    const shrunk: RandomAccessFile = {
      size: demo.length,
      read: async (a, b) => (await whole.read(a, b)).subarray(0, a < 1000 ? 10 : undefined),
    };
    const opened = await openParquet(shrunk);
    const e2 = await studioError(() => collectAll(opened.cells), 'DATA_CORRUPT');
    expect(e2.message).toMatch(/^The Parquet file could not be read at bytes/);
  });

  it('stops with CANCELLED when aborted', async () => {
    const before = new AbortController();
    before.abort();
    await studioError(() => openParquet(asFile(demo), { signal: before.signal }), 'CANCELLED');
    const during = new AbortController();
    const pq = await openParquet(asFile(demo), { signal: during.signal, rowsPerChunk: 1000 });
    let read = 0;
    await studioError(async () => {
      for await (const _ of pq.cells) if (++read === 10) during.abort();
    }, 'CANCELLED');
    expect(read).toBe(10);
  });
});

/** The byte span [start, end) of each row group's column chunks. */
function groupSpans(meta: FileMetaData): [number, number][] {
  return meta.row_groups.map((g) => {
    const starts = g.columns.map((c) => Number(c.meta_data?.dictionary_page_offset ?? c.meta_data?.data_page_offset));
    const ends = g.columns.map((c, i) => starts[i] + Number(c.meta_data?.total_compressed_size));
    return [Math.min(...starts), Math.max(...ends)];
  });
}

describe('openParquet on a large file', () => {
  const ROWS_TOTAL = 300_000;
  const GROUP = 30_000;

  it('streams 300,000 rows one row group at a time, in bounded memory', { timeout: 60_000 }, async () => {
    const path = join(TMP, 'large.parquet');
    const writer = new ParquetWriter({
      writer: fileWriter(path),
      schema: schemaFromColumnData({ columnData: criteoColumns(ROWS.slice(0, 10)) }),
    });
    for (let start = 0; start < ROWS_TOTAL; start += GROUP) {
      const rows = Array.from({ length: GROUP }, (_, i) => ROWS[(start + i) % ROWS.length]);
      await writer.write({ columnData: criteoColumns(rows, start / GROUP), rowGroupSize: GROUP });
    }
    await writer.finish();

    const disk = await openDataFile(path);
    const reads: [number, number][] = [];
    const file: RandomAccessFile = {
      size: disk.size,
      read: (a, b) => (reads.push([a, b]), disk.read(a, b)),
    };
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const spans = groupSpans(parquetMetadata((await disk.read(0, disk.size)).buffer as ArrayBuffer));
    expect(spans.length).toBe(ROWS_TOTAL / GROUP);
    const pq = await openParquet(file);
    expect(pq.rows).toBe(ROWS_TOTAL);
    reads.length = 0; // the footer
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let rows = 0;
    let cells = 0;
    for await (const { line, fields } of pq.cells) {
      const group = Math.floor(rows / GROUP);
      if (rows % GROUP === 0) {
        // Only the current row group's bytes have been read since the last group began: no read-ahead.
        for (const [a, b] of reads.splice(0)) {
          expect(a, `row ${line}`).toBeGreaterThanOrEqual(spans[group][0]);
          expect(b, `row ${line}`).toBeLessThanOrEqual(spans[group][1]);
        }
      }
      if (rows % 10_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      }
      rows++;
      cells += fields.length;
      if (line === 12_345) expect(fields.join('\t')).toBe(LINES[12_344 % LINES.length]); // group 0: not shifted
    }
    expect(rows).toBe(ROWS_TOTAL);
    expect(cells).toBe(ROWS_TOTAL * 40);
    // All rows decoded at once would hold 12 million values (far above 200 MB); one row group holds ~20 MB.
    expect(peak).toBeLessThan(64 * 2 ** 20);
  });
});
