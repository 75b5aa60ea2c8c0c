/**
 * Streaming Parquet reader: a random-access file in, rows of text cells out, as a CSV of the same table would
 * hold them. Reads one bounded row range at a time (at most one row group, and at most `rowsPerChunk` rows), so
 * memory is bounded by that range's decoded values plus one column chunk's compressed bytes, not by the file.
 * Pure module: works on a browser File or Blob and on a Node file handle alike (see src/node/files.ts).
 */
import {
  parquetMetadataAsync,
  parquetSchema,
  parquetScan,
  type AsyncBuffer,
  type DecodedArray,
  type FileMetaData,
  type ParquetParsers,
  type ParquetScan,
} from 'hyparquet';
// Decoders for the codecs hyparquet lacks (GZIP, BROTLI, ZSTD, LZ4); loading it compiles a 4 KB WebAssembly
// snappy decoder, which the page's Content-Security-Policy allows ('wasm-unsafe-eval').
import { compressors } from 'hyparquet-compressors';
import { StudioError, isStudioError } from '../errors';
import { throwIfAborted } from './lines';

/** A file read by byte ranges: `read(start, end)` gives bytes [start, end). */
export interface RandomAccessFile {
  size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** One data row of a Parquet file: its cells as text ('' = missing) and its 1-based row number. */
export interface ParquetRow {
  line: number;
  fields: string[];
}

/** An opened Parquet file: its top-level column names, its row count and its rows, read lazily. */
export interface ParquetRows {
  names: string[];
  rows: number;
  cells: AsyncGenerator<ParquetRow>;
}

/** Options of {@link openParquet}. */
export interface OpenParquetOptions {
  /** Abort reading; the row generator then throws StudioError 'CANCELLED'. */
  signal?: AbortSignal;
  /** Most rows decoded at once (default {@link DEFAULT_PARQUET_CHUNK_ROWS}); larger row groups are read in parts. */
  rowsPerChunk?: number;
}

/** Default for {@link OpenParquetOptions.rowsPerChunk}. */
export const DEFAULT_PARQUET_CHUNK_ROWS = 65536;

/** True when the bytes start like a Parquet file ('PAR1'). */
export function isParquetBytes(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31;
}

/** A browser File or Blob (or Node's Blob) as a {@link RandomAccessFile}. */
export function blobFile(blob: {
  size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}): RandomAccessFile {
  return {
    size: blob.size,
    read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
  };
}

function unreadable(start: number, end: number, why: string): StudioError {
  return new StudioError(
    'DATA_CORRUPT',
    `The Parquet file could not be read at bytes ${start}–${end} (${why}); it may have been changed, moved or ` +
      `deleted while being read, so open it again.`,
  );
}

/** The file as hyparquet reads it; a failed or short read becomes one clear sentence. */
function asyncBuffer(file: RandomAccessFile): AsyncBuffer {
  return {
    byteLength: file.size,
    async slice(start: number, end: number = file.size): Promise<ArrayBuffer> {
      let bytes: Uint8Array;
      try {
        bytes = await file.read(start, end);
      } catch (e) {
        throw unreadable(start, end, e instanceof Error ? e.message : String(e));
      }
      if (bytes.length !== end - start) throw unreadable(start, end, `only ${bytes.length} bytes were there`);
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      return (whole ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
    },
  };
}

const utf8 = new TextDecoder();

/** ISO text of a date, or '' for an invalid one. */
function isoText(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** Parsers that keep values close to the text a CSV would hold: JSON stays text, a DATE is YYYY-MM-DD. */
const PARSERS: Partial<ParquetParsers> = {
  jsonFromBytes: (bytes: Uint8Array) => bytes && utf8.decode(bytes),
  dateFromDays: (days: number) => isoText(new Date(Number(days) * 86400000)).slice(0, 10),
};

/** The text a CSV cell would hold for one decoded Parquet value ('' = missing). */
export function cellText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isNaN(v) ? '' : String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? '1' : '0';
    case 'object':
      if (v === null) return '';
      if (v instanceof Uint8Array) return utf8.decode(v);
      if (v instanceof Date) return isoText(v);
      return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
    default:
      return v === undefined ? '' : String(v);
  }
}

/** A FLOAT (32-bit) value as the shortest text that reads back as the same float (0.1, not 0.10000000149...). */
export function float32Text(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return cellText(v);
  for (let digits = 1; digits < 10; digits++) {
    const shorter = Number(v.toPrecision(digits));
    if (Math.fround(shorter) === v) return String(shorter);
  }
  return String(v);
}

/** Reads the footer; a file that is not valid Parquet gives DATA_CORRUPT. */
async function readMetadata(buffer: AsyncBuffer): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(buffer, { parsers: PARSERS });
  } catch (e) {
    if (isStudioError(e)) throw e;
    throw new StudioError(
      'DATA_CORRUPT',
      `The data file is not a readable Parquet file: its footer is missing or damaged (the file may be truncated ` +
        `or still being written); copy or export it again.`,
      { reason: e instanceof Error ? e.message : String(e) },
    );
  }
}

/** The top-level columns with the function that turns each one's values into text; nested columns are refused. */
function flatColumns(metadata: FileMetaData): { names: string[]; texts: ((v: unknown) => string)[] } {
  const names: string[] = [];
  const texts: ((v: unknown) => string)[] = [];
  for (const child of parquetSchema(metadata).children) {
    const { name, repetition_type, type } = child.element;
    if (child.children.length > 0 || repetition_type === 'REPEATED') {
      throw new StudioError(
        'DATA_SCHEMA',
        `Column "${name}" of the Parquet file is nested (a list, map or struct), but each cell must hold one ` +
          `value; flatten it into plain columns (one per field) and save the file again.`,
      );
    }
    names.push(name);
    texts.push(type === 'FLOAT' ? float32Text : cellText);
  }
  return { names, texts };
}

/** What went wrong reading rows [start, end) of a column, as a StudioError. */
function readError(e: unknown, column: string, start: number, end: number): unknown {
  if (isStudioError(e)) return e;
  const reason = (e instanceof Error ? e.message : String(e)).replace(/^parquet /, '');
  // A feature this reader lacks, named by the file's own metadata (a damaged page header gives "undefined").
  if (/^(unsupported (compression codec|encoding): [A-Z][A-Z0-9_]*|(bson|interval) not supported)$/.test(reason)) {
    return new StudioError(
      'DATA_SCHEMA',
      `Column "${column}" of the Parquet file uses something CTR Studio cannot read (${reason}); save the file ` +
        `again with common settings (for example pandas' or pyarrow's defaults, or snappy or zstd compression).`,
    );
  }
  return new StudioError(
    'DATA_CORRUPT',
    `The Parquet file is damaged: column "${column}" could not be decoded in rows ${start + 1}–${end}; copy or ` +
      `export the file again.`,
    { reason },
  );
}

/** Splits [start, end) into near-equal parts of at most `most` rows. */
export function rowRanges(start: number, end: number, most: number): [number, number][] {
  const parts = Math.max(1, Math.ceil((end - start) / most));
  const size = Math.ceil((end - start) / parts);
  const out: [number, number][] = [];
  for (let a = start; a < end; a += size) out.push([a, Math.min(end, a + size)]);
  return out;
}

/** Decodes every column of rows [start, end), one column at a time (one column chunk's bytes in memory). */
async function readRange(scan: ParquetScan, names: string[], start: number, end: number): Promise<DecodedArray[]> {
  const columns: DecodedArray[] = [];
  for (const column of names) {
    let data: DecodedArray;
    try {
      data = await scan.readColumn({ column, rowStart: start, rowEnd: end });
    } catch (e) {
      throw readError(e, column, start, end);
    }
    if (data.length !== end - start) throw readError(new Error('wrong value count'), column, start, end);
    columns.push(data);
  }
  return columns;
}

/** The rows of the file, range by range: each range's columns are decoded, then turned into text row by row. */
async function* rowsOf(
  buffer: AsyncBuffer,
  metadata: FileMetaData,
  columns: { names: string[]; texts: ((v: unknown) => string)[] },
  opts: OpenParquetOptions,
): AsyncGenerator<ParquetRow> {
  const { names, texts } = columns;
  const most = Math.max(1, Math.floor(opts.rowsPerChunk ?? DEFAULT_PARQUET_CHUNK_ROWS));
  throwIfAborted(opts.signal);
  let scan: ParquetScan;
  try {
    scan = await parquetScan({
      file: buffer,
      metadata,
      compressors,
      parsers: PARSERS,
      useOffsetIndex: true,
    });
  } catch (e) {
    throw readError(e, names[0] ?? '', 0, Number(metadata.num_rows));
  }
  const ncols = names.length;
  for (const group of scan.ranges) {
    for (const [start, end] of rowRanges(group.rowStart, group.rowEnd, most)) {
      throwIfAborted(opts.signal);
      const data = await readRange(scan, names, start, end);
      for (let i = 0; i < end - start; i++) {
        throwIfAborted(opts.signal);
        const fields = new Array<string>(ncols);
        for (let j = 0; j < ncols; j++) fields[j] = texts[j](data[j][i]);
        yield { line: start + i + 1, fields };
      }
    }
  }
  throwIfAborted(opts.signal);
}

/**
 * Opens a Parquet file: reads its footer (DATA_CORRUPT when it is not valid Parquet) and its schema (DATA_SCHEMA
 * for a nested column), and returns the rows as text cells, streamed range by range. Numbers read as String(x),
 * 64-bit integers in full, booleans as 1/0, missing values (and NaN) as '', bytes as UTF-8 text, timestamps as
 * ISO text and dates as YYYY-MM-DD.
 */
export async function openParquet(file: RandomAccessFile, opts: OpenParquetOptions = {}): Promise<ParquetRows> {
  throwIfAborted(opts.signal);
  const buffer = asyncBuffer(file);
  const metadata = await readMetadata(buffer);
  const columns = flatColumns(metadata);
  return { names: columns.names, rows: Number(metadata.num_rows), cells: rowsOf(buffer, metadata, columns, opts) };
}
