/**
 * Zip archives written byte by byte for tests of the zip reader: every field of the local headers, the central
 * directory and the end records can be set to what a hostile or broken archive holds (declared sizes that
 * lie, zip64 fields, encryption flags, entries sharing bytes, names held twice). Also a deflate stream of many
 * zeros built cheaply, to make zip bombs without inflating anything.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/core/data/gzip';

export interface CraftEntry {
  name: string;
  /** The entry's data as stored (already deflated when method is 8). */
  data: Uint8Array;
  method: number;
  crc: number;
  /** Declared uncompressed size. */
  size: number;
  /** Declared compressed size (default: data.length). */
  compressedSize?: number;
  flags?: number;
  /** Write size, compressed size and offset as 0xFFFFFFFF with a zip64 extra field holding them. */
  zip64?: boolean;
  /** Write no local header or data: the central entry points at entry `sameAs`'s local header. */
  sameAs?: number;
}

/** An honest deflated entry of `content`. */
export function deflated(name: string, content: Uint8Array): CraftEntry {
  return { name, data: deflateRawSync(content), method: 8, crc: crc32(0, content), size: content.length };
}

/** An honest stored (uncompressed) entry of `content`. */
export function stored(name: string, content: Uint8Array): CraftEntry {
  return { name, data: content, method: 0, crc: crc32(0, content), size: content.length };
}

/**
 * A raw deflate stream that inflates to `mib` MiB of zeros, in about a KiB per MiB: one MiB of zeros deflated
 * and sync-flushed (so it ends on a byte boundary, not final), repeated, then an empty final block.
 */
export function zerosDeflated(mib: number): Uint8Array {
  const one = deflateRawSync(new Uint8Array(1 << 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const out = new Uint8Array(one.length * mib + 2);
  for (let i = 0; i < mib; i++) out.set(one, i * one.length);
  out.set([0x03, 0x00], one.length * mib); // final fixed-Huffman block holding only its end code
  return out;
}

/** CRC-32 of `mib` MiB of zeros (computed one MiB at a time). */
export function zerosCrc(mib: number): number {
  const one = new Uint8Array(1 << 20);
  let c = 0;
  for (let i = 0; i < mib; i++) c = crc32(c, one);
  return c;
}

class Writer {
  private parts: Uint8Array[] = [];
  length = 0;
  bytes(b: Uint8Array): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
  u16(v: number): this {
    return this.bytes(new Uint8Array([v & 255, (v >>> 8) & 255]));
  }
  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.bytes(b);
  }
  u64(v: number): this {
    return this.u32(v % 2 ** 32).u32(Math.floor(v / 2 ** 32));
  }
  done(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const MAX32 = 0xffffffff;

/** The zip64 extra field of an entry: size and compressed size, then (central directory only) the offset. */
function zip64Extra(e: CraftEntry, offset?: number): Uint8Array {
  const w = new Writer().u16(0x0001).u16(offset === undefined ? 16 : 24);
  w.u64(e.size).u64(e.compressedSize ?? e.data.length);
  return (offset === undefined ? w : w.u64(offset)).done();
}

/** The archive; `zip64End` writes zip64 end records (and 0xFFFF / 0xFFFFFFFF in the ordinary one). */
export function craftZip(entries: CraftEntry[], opts: { zip64End?: boolean } = {}): Uint8Array {
  const w = new Writer();
  const offsets: number[] = [];
  const enc = new TextEncoder();
  entries.forEach((e, i) => {
    if (e.sameAs !== undefined) {
      offsets[i] = offsets[e.sameAs];
      return;
    }
    offsets[i] = w.length;
    const name = enc.encode(e.name);
    const extra = e.zip64 ? zip64Extra(e) : new Uint8Array(0);
    w.u32(0x04034b50)
      .u16(e.zip64 ? 45 : 20)
      .u16(e.flags ?? 0)
      .u16(e.method)
      .u32(0)
      .u32(e.crc);
    w.u32(e.zip64 ? MAX32 : (e.compressedSize ?? e.data.length)).u32(e.zip64 ? MAX32 : e.size);
    w.u16(name.length).u16(extra.length).bytes(name).bytes(extra).bytes(e.data);
  });
  const cdStart = w.length;
  entries.forEach((e, i) => {
    const name = enc.encode(e.name);
    const extra = e.zip64 ? zip64Extra(e, offsets[i]) : new Uint8Array(0);
    w.u32(0x02014b50)
      .u16(45)
      .u16(e.zip64 ? 45 : 20)
      .u16(e.flags ?? 0)
      .u16(e.method)
      .u32(0)
      .u32(e.crc);
    w.u32(e.zip64 ? MAX32 : (e.compressedSize ?? e.data.length)).u32(e.zip64 ? MAX32 : e.size);
    w.u16(name.length).u16(extra.length).u16(0).u16(0).u16(0).u32(0);
    w.u32(e.zip64 ? MAX32 : offsets[i])
      .bytes(name)
      .bytes(extra);
  });
  const cdSize = w.length - cdStart;
  if (opts.zip64End) {
    const z = w.length;
    w.u32(0x06064b50).u64(44).u16(45).u16(45).u32(0).u32(0);
    w.u64(entries.length).u64(entries.length).u64(cdSize).u64(cdStart);
    w.u32(0x07064b50).u32(0).u64(z).u32(1);
  }
  const n = opts.zip64End ? 0xffff : entries.length;
  w.u32(0x06054b50).u16(0).u16(0).u16(n).u16(n);
  w.u32(opts.zip64End ? MAX32 : cdSize)
    .u32(opts.zip64End ? MAX32 : cdStart)
    .u16(0);
  return w.done();
}
