/**
 * Streaming gzip decompression: a chunked .gz byte source in, decompressed chunks out, with memory bounded by the
 * piece size ({@link GZIP_PIECE} bytes of input at a time, which inflate to at most 1032 times as many). Reads
 * multi-member files (`gzip -c a b`, `cat a.gz b.gz`, bgzip) and checks every member's CRC-32 and length, so a
 * damaged or truncated file fails with DATA_CORRUPT. Pure module: no DOM, no Node imports.
 *
 * Why fflate and not the WHATWG DecompressionStream: browsers' DecompressionStream stops with an error after the
 * first member of a multi-member file, newer Node versions do the same, and it never says how many input bytes a
 * member used, so the next member cannot be found. fflate's streaming Gunzip reports where each member starts
 * but checks no CRC, which is done here.
 */
import { Gunzip } from 'fflate';
import { StudioError, isStudioError } from '../errors';
import { chunksOf, throwIfAborted, type ByteSource } from './lines';

/** Largest piece of compressed input handed to the decompressor at once; bounds the output of one step. */
export const GZIP_PIECE = 16 * 1024;

/** How many of the latest compressed bytes are kept to read a member's trailer (CRC-32 and length) from. */
const TRAILER_WINDOW = 64 * 1024;

/** True when the bytes start like gzip data (1f 8b). */
export function isGzipBytes(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

let crcTable: Int32Array | null = null;

/** Tables for slicing-by-8 CRC-32 (the gzip polynomial), built on first use. */
function crcTables(): Int32Array {
  if (crcTable) return crcTable;
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 255];
  }
  crcTable = t;
  return t;
}

/** CRC-32 of `bytes` continued from `crc` (0 to start). */
export function crc32(crc: number, bytes: Uint8Array): number {
  const t = crcTables();
  let c = ~crc;
  const n = bytes.length;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c =
      t[1792 + (c & 255)] ^
      t[1536 + ((c >>> 8) & 255)] ^
      t[1280 + ((c >>> 16) & 255)] ^
      t[1024 + (c >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The latest {@link TRAILER_WINDOW} bytes of a stream, addressable by their position in the stream. */
class RecentBytes {
  private readonly ring = new Uint8Array(TRAILER_WINDOW);
  /** Bytes added so far. */
  total = 0;

  add(bytes: Uint8Array): void {
    const keep = bytes.length > TRAILER_WINDOW ? bytes.subarray(bytes.length - TRAILER_WINDOW) : bytes;
    const at = (this.total + bytes.length - keep.length) % TRAILER_WINDOW;
    const first = Math.min(keep.length, TRAILER_WINDOW - at);
    this.ring.set(keep.subarray(0, first), at);
    this.ring.set(keep.subarray(first), 0);
    this.total += bytes.length;
  }

  /** The little-endian 32-bit number at stream position `pos`, or undefined when it is no longer (or not) here. */
  uint32(pos: number): number | undefined {
    if (pos < 0 || pos < this.total - TRAILER_WINDOW || pos + 4 > this.total) return undefined;
    let v = 0;
    for (let i = 3; i >= 0; i--) v = v * 256 + this.ring[(pos + i) % TRAILER_WINDOW];
    return v;
  }
}

const CHECK_HINT = 'copy or download the whole file again (gzip -t tests a .gz file)';

function truncated(bytes: number): StudioError {
  return new StudioError(
    'DATA_CORRUPT',
    `The gzip-compressed data file is truncated: its compressed data stops at byte ${bytes}, before the end of ` +
      `the data; ${CHECK_HINT}.`,
  );
}

function damaged(aboutByte: number, reason: string, orTruncated = false): StudioError {
  const what = orTruncated ? 'damaged or truncated' : 'damaged';
  return new StudioError(
    'DATA_CORRUPT',
    `The gzip-compressed data file is ${what} at about byte ${aboutByte} (${reason}); ${CHECK_HINT}.`,
  );
}

/** A member's uncompressed bytes so far: their CRC-32 and count. */
interface MemberSum {
  crc: number;
  size: number;
}

/**
 * Compares a member's CRC-32 and length with its 8-byte trailer, which ends at stream position `end`. For the
 * last member (`last`) a mismatch may also mean a file cut inside the trailer, which fflate does not notice.
 */
function checkTrailer(recent: RecentBytes, sum: MemberSum, end: number, last: boolean): void {
  const crc = recent.uint32(end - 8);
  const size = recent.uint32(end - 4);
  // A header longer than the window (a huge file name) leaves the trailer unreadable: skip this one check.
  if (crc === undefined || size === undefined) return;
  if (crc !== sum.crc) throw damaged(end, 'the decompressed data do not match their CRC-32 checksum', last);
  if (size !== sum.size % 2 ** 32) throw damaged(end, 'the decompressed length differs from the stored one', last);
}

/** The StudioError for what fflate threw while decompressing; `fed` is how many compressed bytes it had seen. */
function inflateError(e: unknown, fed: number): unknown {
  if (isStudioError(e)) return e;
  const code = (e as { code?: unknown }).code;
  if (code === 0) return truncated(fed); // fflate: unexpected end of data
  const reason = code === 6 ? 'bytes that are not gzip data' : (e as Error).message || 'invalid compressed data';
  return damaged(fed, reason);
}

/**
 * The source's bytes re-cut into pieces of {@link GZIP_PIECE} bytes (the last may be shorter). Large chunks are
 * split, which bounds the decompressor's output per step; tiny ones are joined, which spares it a 32 KB window copy
 * per chunk (a stream of 1-byte chunks would otherwise be very slow).
 */
async function* piecesOf(source: ByteSource, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  let buf = new Uint8Array(GZIP_PIECE);
  let fill = 0;
  for await (const chunk of chunksOf(source)) {
    throwIfAborted(signal);
    if (typeof chunk === 'string') {
      throw new StudioError(
        'DATA_CORRUPT',
        'The gzip-compressed data file arrived as text instead of bytes, so it cannot be decompressed; open ' +
          'the .gz file itself.',
      );
    }
    let at = 0;
    for (; fill === 0 && chunk.length - at >= GZIP_PIECE; at += GZIP_PIECE) yield chunk.subarray(at, at + GZIP_PIECE);
    while (at < chunk.length) {
      const n = Math.min(GZIP_PIECE - fill, chunk.length - at);
      buf.set(chunk.subarray(at, at + n), fill);
      fill += n;
      at += n;
      if (fill === GZIP_PIECE) {
        yield buf;
        buf = new Uint8Array(GZIP_PIECE); // the decompressor may still hold the piece just given
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}

/**
 * Decompresses a gzip byte source chunk by chunk. Concatenated members are decompressed one after the other;
 * anything after the last member other than another member is damage. Corrupt or truncated input throws
 * StudioError 'DATA_CORRUPT' with the approximate byte position; an aborted signal throws 'CANCELLED'.
 */
export async function* gunzipChunks(source: ByteSource, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  const recent = new RecentBytes();
  let sum: MemberSum = { crc: 0, size: 0 };
  const inflater = new Gunzip((data) => {
    if (data.length === 0) return;
    sum.crc = crc32(sum.crc, data);
    sum.size += data.length;
    out.push(data);
  });
  // A new member starts at `offset`: the previous one ended there, with its trailer just before.
  inflater.onmember = (offset) => {
    checkTrailer(recent, sum, offset, false);
    sum = { crc: 0, size: 0 };
  };
  const push = (piece: Uint8Array, final: boolean) => {
    try {
      inflater.push(piece, final);
    } catch (e) {
      throw inflateError(e, recent.total);
    }
  };
  for await (const piece of piecesOf(source, signal)) {
    recent.add(piece);
    push(piece, false);
    for (const data of out.splice(0)) yield data;
    throwIfAborted(signal);
  }
  throwIfAborted(signal);
  if (recent.total < 18) throw truncated(recent.total); // not even one empty member (header and trailer)
  push(new Uint8Array(0), true);
  checkTrailer(recent, sum, recent.total, true);
  for (const data of out.splice(0)) yield data;
}
