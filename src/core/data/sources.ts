/**
 * What a data file is, from its first bytes: Parquet (read by row groups through random access), gzip (any
 * text format inside, decompressed as it streams), or text. Every reader goes through here, so a .gz or a
 * Parquet file works wherever a TSV does, in Node and in the browser. Pure module.
 */
import { gunzipChunks, isGzipBytes } from './gzip';
import { chunksOf, readLines, type ByteSource, type Line } from './lines';
import { isParquetBytes, openParquet, type ParquetRow, type RandomAccessFile } from './parquet';

export { blobFile, type RandomAccessFile } from './parquet';

/** The data formats every reader takes, for help texts and the drop zone. */
export const DATA_FORMATS = 'Criteo TSV, CSV/TSV with a header, libSVM, libFM, Parquet, or a .gz of a text one';

/** A data file: its text, a stream of its bytes, or random access to them (a Node file handle, a browser File). */
export type DataInput = string | ByteSource | RandomAccessFile;

/** Bytes read per step when a random-access file is streamed as text. */
const STREAM_STEP = 1 << 20;

export function isRandomAccess(s: unknown): s is RandomAccessFile {
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof (s as RandomAccessFile).read === 'function' &&
    typeof (s as RandomAccessFile).size === 'number'
  );
}

/** A random-access file as a stream of byte chunks, from the start. */
export async function* streamOf(file: RandomAccessFile): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < file.size; at += STREAM_STEP) yield await file.read(at, Math.min(file.size, at + STREAM_STEP));
}

/** Bytes in memory as a random-access file. */
export function memoryRandomAccess(bytes: Uint8Array): RandomAccessFile {
  return { size: bytes.length, read: async (start, end) => bytes.subarray(start, end) };
}

/** True when a random-access file starts like Parquet. */
export async function isParquetFile(file: RandomAccessFile): Promise<boolean> {
  return file.size >= 8 && isParquetBytes(await file.read(0, 4));
}

/**
 * The text bytes of a source: decompressed as they stream when the first bytes are gzip's, as they are otherwise
 * (the first chunks are looked at, then handed on).
 */
export async function textOf(source: string | ByteSource, signal?: AbortSignal): Promise<string | ByteSource> {
  if (typeof source === 'string') return source;
  const it = chunksOf(source)[Symbol.asyncIterator]();
  const head: (Uint8Array | string)[] = [];
  let bytes = 0;
  let ended = false;
  while (bytes < 2) {
    const step = await it.next();
    if (step.done) {
      ended = true;
      break;
    }
    head.push(step.value);
    if (typeof step.value === 'string') break; // already text
    bytes += step.value.length;
  }
  async function* all(): AsyncGenerator<Uint8Array | string> {
    try {
      yield* head;
      if (ended) return;
      for (;;) {
        const step = await it.next();
        if (step.done) return;
        yield step.value;
      }
    } finally {
      await it.return?.(undefined);
    }
  }
  const magic = new Uint8Array(2);
  let m = 0;
  for (const c of head) if (typeof c !== 'string') for (let i = 0; i < c.length && m < 2; i++) magic[m++] = c[i];
  return isGzipBytes(magic.subarray(0, m)) ? gunzipChunks(all(), signal) : all();
}

/** The lines of a text (or gzip) source, or of a random-access file that is not Parquet. */
export async function linesOf(
  source: DataInput,
  opts: { signal?: AbortSignal; maxLineChars?: number } = {},
): Promise<AsyncGenerator<Line>> {
  const bytes = isRandomAccess(source) ? streamOf(source) : source;
  return readLines(await textOf(bytes, opts.signal), opts);
}

/** The rows of a source already split into cells (Parquet), or its lines (anything else). */
export async function rowsOf(
  source: DataInput,
  opts: { signal?: AbortSignal; maxLineChars?: number } = {},
): Promise<{ names: string[] | null; rows: AsyncGenerator<Line | ParquetRow> }> {
  // A whole file in memory (an entry of a dropped zip, say) has random access too.
  const whole = source instanceof ArrayBuffer ? new Uint8Array(source) : source instanceof Uint8Array ? source : null;
  const file = whole ? memoryRandomAccess(whole) : isRandomAccess(source) ? source : null;
  if (file && (await isParquetFile(file))) {
    const pq = await openParquet(file, { signal: opts.signal });
    return { names: pq.names, rows: pq.cells };
  }
  return { names: null, rows: await linesOf(source, opts) };
}
