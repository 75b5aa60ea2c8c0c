/**
 * Streaming line splitter: bytes or text chunks in, `{ text, line }` out. Decodes UTF-8 with a streaming
 * TextDecoder (multi-byte characters may be split across chunks), strips one leading BOM, accepts LF and CRLF.
 * Memory is bounded by the longest line, not by the file. Pure module: no DOM, no Node imports.
 */
import { StudioError } from '../errors';

/** One line of a text file without its line ending; `line` is 1-based. */
export interface Line {
  text: string;
  line: number;
}

/** A WHATWG ReadableStream of bytes, typed structurally (a browser `File.stream()`, a `fetch` body, ...). */
export interface ByteStreamLike {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array | string }>; releaseLock(): void };
}

/**
 * Anything a file can arrive as: chunked (Node's fs.createReadStream, `File.stream()`, arrays of chunks) or whole
 * (a Uint8Array such as a Node Buffer, an ArrayBuffer from `File.arrayBuffer()`).
 */
export type ByteSource =
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>
  | ByteStreamLike
  | Uint8Array
  | ArrayBuffer;

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  /** Abort reading; the generator then throws StudioError 'CANCELLED'. */
  signal?: AbortSignal;
  /** Longest line accepted, in characters (default 8 M); longer means "not a line-oriented text file". */
  maxLineChars?: number;
}

/** Default for {@link ReadLinesOptions.maxLineChars}. */
export const DEFAULT_MAX_LINE_CHARS = 8 * 1024 * 1024;

/** Throws StudioError 'CANCELLED' when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StudioError('CANCELLED', 'Reading the data was cancelled.');
}

function isByteStream(s: unknown): s is ByteStreamLike {
  return typeof s === 'object' && s !== null && typeof (s as ByteStreamLike).getReader === 'function';
}

/** Iterates any ByteSource as an async iterable of chunks (ReadableStreams without async iteration included). */
export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array | string> {
  if (source instanceof Uint8Array) {
    yield source; // a whole file; iterating it would give numbers
    return;
  }
  if (source instanceof ArrayBuffer) {
    yield new Uint8Array(source);
    return;
  }
  if (typeof source === 'object' && source !== null && Symbol.asyncIterator in source) {
    yield* source as AsyncIterable<Uint8Array | string>;
    return;
  }
  if (isByteStream(source)) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value !== undefined) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* source as Iterable<Uint8Array | string>;
}

function tooLong(line: number, max: number): StudioError {
  return new StudioError(
    'DATA_SCHEMA',
    `Line ${line} is longer than ${max} characters, so this does not look like a ` +
      `line-oriented text data file (CSV, TSV or Criteo).`,
  );
}

/** How many leading bytes (or characters) are searched for a zero byte, the mark of a binary file. */
export const SNIFF_BYTES = 64 * 1024;

function notText(message: string): StudioError {
  return new StudioError('DATA_NOT_TEXT', message);
}

/**
 * Throws DATA_NOT_TEXT for the first bytes of a file that is not UTF-8 text: gzip, ZIP (an .xlsx is one),
 * UTF-16 (a byte-order mark), or any zero byte in its first {@link SNIFF_BYTES} bytes. `start` is the
 * position of `bytes` in the file; only the part before SNIFF_BYTES is looked at.
 */
export function sniffBinary(bytes: Uint8Array, start: number): void {
  if (start >= SNIFF_BYTES) return;
  if (start === 0 && bytes.length >= 2) {
    const [a, b] = bytes;
    if (a === 0x1f && b === 0x8b) {
      throw notText(
        'The data file is gzip-compressed, not text; decompress it first (for example ' +
          'with gunzip) and open the CSV or TSV file inside.',
      );
    }
    if (a === 0x50 && b === 0x4b && bytes.length >= 4 && bytes[2] + 1 === bytes[3] && [3, 5, 7].includes(bytes[2])) {
      throw notText(
        'The data file is a ZIP archive (an .xlsx workbook is one), not text; export the ' +
          'sheet as CSV, or unzip the archive and open the CSV or TSV file inside.',
      );
    }
    if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
      throw notText('The data file is UTF-16 text; save it as UTF-8 (in Excel: "CSV UTF-8") and open it again.');
    }
  }
  const zero = bytes.subarray(0, SNIFF_BYTES - start).indexOf(0);
  if (zero >= 0) {
    throw notText(
      `The data file holds binary bytes (a zero byte at byte ${start + zero + 1}), so ` +
        `it is not a CSV, TSV or Criteo text file; open the text file that holds the rows ` +
        `instead.`,
    );
  }
}

/** {@link sniffBinary} for text that is already decoded: a NUL character in its first SNIFF_BYTES characters. */
function sniffText(text: string, start: number): void {
  if (start >= SNIFF_BYTES) return;
  const zero = text.slice(0, SNIFF_BYTES - start).indexOf('\u0000');
  if (zero >= 0) {
    throw notText(
      `The data file holds binary bytes (a zero byte at character ${start + zero + 1}), ` +
        `so it is not a CSV, TSV or Criteo text file; open the text file that holds the ` +
        `rows instead.`,
    );
  }
}

/**
 * Splits a chunked byte/text source into lines (LF or CRLF), decoding UTF-8 and dropping a leading BOM.
 * Binary, compressed and UTF-16 files fail with DATA_NOT_TEXT before their first line (see {@link sniffBinary}).
 */
export async function* readLines(source: ByteSource, opts: ReadLinesOptions = {}): AsyncGenerator<Line> {
  if (typeof source === 'string') {
    // A string is an Iterable<string> of characters; treat it as the whole text instead.
    sniffText(source, 0);
    for (const l of linesOfString(source)) {
      throwIfAborted(opts.signal);
      yield l;
    }
    return;
  }
  const max = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let carry = ''; // text after the last '\n' seen so far
  let lineNo = 0;
  let atStart = true; // BOM not yet checked
  let pendingBytes = false; // decoder may hold a partial character
  let seen = 0; // bytes (or characters) of the source so far, for sniffing
  let head: Uint8Array | null = new Uint8Array(0); // the first bytes, until there are 4 to recognise a format by
  const take = (text: string): string => {
    if (atStart && text.length > 0) {
      atStart = false;
      if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
    }
    return text;
  };
  const finish = (raw: string): Line => {
    lineNo++;
    const text = raw.length > 0 && raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    return { text, line: lineNo };
  };
  for await (const chunk of chunksOf(source)) {
    throwIfAborted(opts.signal);
    let text: string;
    if (typeof chunk === 'string') {
      head = null;
      sniffText(chunk, seen);
      seen += chunk.length;
      text = pendingBytes ? decoder.decode() + chunk : chunk;
      pendingBytes = false;
    } else {
      if (head) {
        // Tiny first chunks: collect the first 4 bytes before looking for a format's signature.
        const joined: Uint8Array = new Uint8Array(Math.min(4, head.length + chunk.length));
        joined.set(head);
        joined.set(chunk.subarray(0, joined.length - head.length), head.length);
        head = joined.length >= 4 ? null : joined;
        if (!head) sniffBinary(joined, 0);
      }
      sniffBinary(chunk, seen);
      seen += chunk.length;
      text = decoder.decode(chunk, { stream: true });
      pendingBytes = true;
    }
    text = take(text);
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      const raw = start === 0 ? carry + text.slice(0, nl) : text.slice(start, nl);
      if (start === 0) carry = '';
      if (raw.length > max + 1) throw tooLong(lineNo + 1, max);
      yield finish(raw);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    carry = start === 0 ? carry + text : text.slice(start);
    if (carry.length > max + 1) throw tooLong(lineNo + 1, max);
  }
  throwIfAborted(opts.signal);
  if (head && head.length > 0) sniffBinary(head, 0);
  if (pendingBytes) carry += take(decoder.decode());
  if (carry.length > 0) yield finish(carry);
}

/** Splits a whole string into lines, with the same rules as {@link readLines} (BOM, LF/CRLF, no final empty line). */
export function* linesOfString(text: string): Generator<Line> {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    yield { text: text.slice(start, end), line: ++lineNo };
    start = nl + 1;
  }
}

/** Wraps a sync iterable of lines as an async one. */
export async function* asAsync<T>(it: Iterable<T>): AsyncGenerator<T> {
  yield* it;
}
