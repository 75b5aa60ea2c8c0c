/**
 * A zip's table of contents, read without inflating anything: the end-of-central-directory record (zip64 when
 * its fields overflow), every central-directory entry (zip64 extra fields give sizes and offsets of 0xFFFFFFFF)
 * and where each entry's data lies behind its local header. Entries whose data overlap are refused here: no
 * honest zip has them, and a zip bomb uses them to make one compressed stream count many times.
 */
import { StudioError } from '../../core/errors';

/** One file (or folder) a zip lists, as its central directory declares it. */
export interface ZipEntry {
  /** The path as stored, folders included. */
  path: string;
  /** General-purpose bit flags (bit 0: encrypted). */
  flags: number;
  /** Compression method (0 stored, 8 deflate). */
  method: number;
  crc: number;
  compressedSize: number;
  /** Declared uncompressed size. */
  size: number;
  /** Where the entry's local header starts. */
  headerOffset: number;
  /** Where its compressed data start (after the local header). */
  dataOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;
const ZIP64_EXTRA = 0x0001;

/** The sentence for an archive that cannot be read; `why` says where it went wrong. */
export function unreadable(zipName: string, why: string): StudioError {
  return new StudioError(
    'ARCHIVE_INVALID',
    `${zipName} could not be unzipped (${why}); zip the model's folder again, or drop its files themselves.`,
  );
}

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
/** A 64-bit little-endian count as a number (exact up to 2^53, which is past every limit). */
const u64 = (b: Uint8Array, at: number) => u32(b, at) + u32(b, at + 4) * 2 ** 32;

/** The central directory's place and entry count, from the end records. */
interface Directory {
  entries: number;
  offset: number;
  size: number;
  /** Where the end records start: the directory must end before. */
  end: number;
}

/** The last end-of-central-directory record whose comment fits in the file, or -1. */
function findEnd(bytes: Uint8Array): number {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (u32(bytes, at) === EOCD && at + 22 + u16(bytes, at + 20) <= bytes.length) return at;
  }
  return -1;
}

/** Reads the end records (zip64 when its locator is there). */
function readEnd(bytes: Uint8Array, zipName: string): Directory {
  const at = findEnd(bytes);
  if (at < 0) throw unreadable(zipName, 'no end of central directory: not a zip file, or a truncated one');
  if (u16(bytes, at + 4) !== 0 && u16(bytes, at + 4) !== 0xffff) {
    throw unreadable(zipName, 'it is one part of a split archive');
  }
  const dir = { entries: u16(bytes, at + 10), size: u32(bytes, at + 12), offset: u32(bytes, at + 16), end: at };
  const locator = at - 20;
  if (locator < 0 || u32(bytes, locator) !== ZIP64_LOCATOR) return dir;
  const z = u64(bytes, locator + 8);
  if (z + 56 > locator || u32(bytes, z) !== ZIP64_EOCD) {
    throw unreadable(zipName, 'its zip64 end of central directory is missing or damaged');
  }
  return { entries: u64(bytes, z + 32), size: u64(bytes, z + 40), offset: u64(bytes, z + 48), end: z };
}

/** An entry's name: UTF-8 when flagged or valid, else the single-byte code page older tools wrote. */
function decodeName(raw: Uint8Array, flags: number): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    if (flags & 0x800) return new TextDecoder().decode(raw);
    return Array.from(raw, (c) => String.fromCharCode(c)).join('');
  }
}

/**
 * Applies an entry's zip64 extra field: each of size, compressed size and header offset that is 0xFFFFFFFF in
 * the fixed fields is given there, 8 bytes each, in that order.
 */
function applyZip64(e: ZipEntry, extra: Uint8Array, zipName: string): void {
  const wanted = (['size', 'compressedSize', 'headerOffset'] as const).filter((k) => e[k] === U32_MAX);
  if (wanted.length === 0) return;
  for (let at = 0; at + 4 <= extra.length; at += 4 + u16(extra, at + 2)) {
    if (u16(extra, at) !== ZIP64_EXTRA) continue;
    const len = u16(extra, at + 2);
    if (len < wanted.length * 8 || at + 4 + len > extra.length) break;
    wanted.forEach((k, i) => {
      e[k] = u64(extra, at + 4 + 8 * i);
    });
    return;
  }
  throw unreadable(zipName, `${e.path} declares zip64 sizes but has no valid zip64 field`);
}

/** The central directory's entries, with data offsets from their local headers (not yet checked for overlap). */
function readEntries(bytes: Uint8Array, dir: Directory, zipName: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const end = dir.offset + dir.size;
  let p = dir.offset;
  for (let i = 0; i < dir.entries; i++) {
    if (p + 46 > end || u32(bytes, p) !== CENTRAL) throw unreadable(zipName, 'its central directory is damaged');
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const next = p + 46 + nameLen + extraLen + u16(bytes, p + 32);
    if (next > end) throw unreadable(zipName, 'its central directory is truncated');
    const flags = u16(bytes, p + 8);
    const e: ZipEntry = {
      path: decodeName(bytes.subarray(p + 46, p + 46 + nameLen), flags),
      flags,
      method: u16(bytes, p + 10),
      crc: u32(bytes, p + 16),
      compressedSize: u32(bytes, p + 20),
      size: u32(bytes, p + 24),
      headerOffset: u32(bytes, p + 42),
      dataOffset: 0,
    };
    applyZip64(e, bytes.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), zipName);
    const h = e.headerOffset;
    if (h + 30 > dir.offset || u32(bytes, h) !== LOCAL) {
      throw unreadable(zipName, `the local header of ${e.path} is missing or damaged`);
    }
    e.dataOffset = h + 30 + u16(bytes, h + 26) + u16(bytes, h + 28);
    if (e.dataOffset + e.compressedSize > dir.offset) {
      throw unreadable(zipName, `the data of ${e.path} run past where the archive's directory starts`);
    }
    entries.push(e);
    p = next;
  }
  return entries;
}

/** Refuses entries whose local header and data overlap another entry's (the same bytes counted twice). */
function refuseOverlaps(entries: ZipEntry[], zipName: string): void {
  const byOffset = [...entries].sort((a, b) => a.headerOffset - b.headerOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const [a, b] = [byOffset[i - 1], byOffset[i]];
    if (b.headerOffset < a.dataOffset + a.compressedSize) {
      throw new StudioError(
        'ARCHIVE_INVALID',
        `${zipName} is malformed: the entries ${a.path} and ${b.path} share bytes (overlapping entries are a ` +
          `zip-bomb trick, never written by zip tools); zip the model's folder again, or drop its files themselves.`,
      );
    }
  }
}

/**
 * Every entry a zip lists, checked for a readable structure and for overlap, before anything is inflated.
 * More entries than `maxEntries` is refused before they are read.
 */
export function readDirectory(bytes: Uint8Array, zipName: string, maxEntries: number): ZipEntry[] {
  const dir = readEnd(bytes, zipName);
  if (dir.entries > maxEntries) {
    throw new StudioError(
      'ARCHIVE_INVALID',
      `${zipName} lists ${dir.entries} entries, more than the ${maxEntries} CTR Studio opens in one archive; ` +
        "unzip it yourself and drop the model's files.",
    );
  }
  if (dir.offset + dir.size > dir.end) throw unreadable(zipName, 'its central directory lies outside the file');
  const entries = readEntries(bytes, dir, zipName);
  refuseOverlaps(entries, zipName);
  return entries;
}
