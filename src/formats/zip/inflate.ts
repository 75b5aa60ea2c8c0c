/**
 * One zip entry's bytes, inflated into a buffer of its declared size and checked against its CRC-32. The
 * compressed data go to fflate's streaming Inflate in small pieces with a running count, so an entry whose
 * output outgrows its declared size is stopped at the piece where it does (never inflated whole first). Pieces
 * are small enough that one cannot inflate to much more than the room left, so memory stays at the declared
 * size plus at most ~1 MiB (or 16 MiB while much room is left).
 */
import { Inflate } from 'fflate';
import { StudioError, isStudioError } from '../../core/errors';
import { crc32 } from '../../core/data/gzip';
import { formatBytes } from '../../core/limits';
import { unreadable, type ZipEntry } from './central';

/** Most compressed bytes handed to the inflater at once: bounds its output per step to about 1032 times as many. */
export const INFLATE_PIECE = 16 * 1024;
/** Fewest: near the end of the declared size, pieces shrink to this, so an overrun is caught within ~1 MiB. */
const SMALLEST_PIECE = 1024;
/** Deflate's largest expansion: one compressed byte inflates to at most about this many. */
const MAX_EXPANSION = 1032;

const REDO = "zip the model's folder again, or drop its files themselves";

function damaged(zipName: string, what: string): StudioError {
  return new StudioError('ARCHIVE_INVALID', `${zipName} is damaged: ${what}; ${REDO}.`);
}

/** Inflates a deflate stream into `out` (its declared size), stopping as soon as the output would exceed it. */
function inflateInto(data: Uint8Array, out: Uint8Array, e: ZipEntry, zipName: string): number {
  let filled = 0;
  const inflater = new Inflate((chunk) => {
    if (filled + chunk.length > out.length) {
      throw damaged(zipName, `${e.path} unzips to more than the ${formatBytes(e.size)} its header declares`);
    }
    out.set(chunk, filled);
    filled += chunk.length;
  });
  const push = (piece: Uint8Array, final: boolean) => {
    try {
      inflater.push(piece, final);
    } catch (x) {
      if (isStudioError(x)) throw x;
      const why = x instanceof Error ? x.message : String(x);
      throw unreadable(zipName, `${e.path}: ${why}`);
    }
  };
  for (let at = 0; at < data.length; ) {
    const room = out.length - filled;
    const piece = Math.min(INFLATE_PIECE, SMALLEST_PIECE + Math.ceil(room / MAX_EXPANSION));
    push(data.subarray(at, at + piece), false);
    at += piece;
  }
  push(new Uint8Array(0), true);
  return filled;
}

/**
 * The entry's uncompressed bytes (a fresh buffer, not a view of the archive). Only stored and deflated entries
 * reach here; the caller has checked the declared size against the limits.
 */
export function inflateEntry(bytes: Uint8Array, e: ZipEntry, zipName: string): Uint8Array {
  const data = bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) {
    if (e.compressedSize !== e.size) {
      throw damaged(zipName, `${e.path} is stored uncompressed, yet its sizes differ`);
    }
    out = data.slice();
  } else {
    out = new Uint8Array(e.size);
    const got = inflateInto(data, out, e, zipName);
    if (got !== e.size) {
      throw damaged(zipName, `${e.path} unzips to ${got} bytes, not the ${e.size} its header declares`);
    }
  }
  if (crc32(0, out) !== e.crc) {
    throw damaged(zipName, `${e.path} does not match its CRC-32 checksum (a corrupted or altered file)`);
  }
  return out;
}
