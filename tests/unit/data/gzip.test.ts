import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../../src/core/data';
import { GZIP_PIECE, crc32, gunzipChunks, isGzipBytes } from '../../../src/core/data/gzip';
import { CRITEO_TSV, chunked, collectAll, fixedChunks, studioError } from './helpers';

const TSV = new Uint8Array(readFileSync(CRITEO_TSV));
const GZ = new Uint8Array(gzipSync(TSV));

/** Everything a gzip source decompresses to, as one array. */
async function gunzipAll(source: Parameters<typeof gunzipChunks>[0], signal?: AbortSignal): Promise<Uint8Array> {
  const parts = await collectAll(gunzipChunks(source, signal));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** Fails unless the bytes are identical (a fast comparison: toEqual on megabytes of typed array is slow). */
function expectSame(actual: Uint8Array, expected: Uint8Array, what = ''): void {
  expect(actual.length, what).toBe(expected.length);
  expect(Buffer.compare(actual, expected), what).toBe(0);
}

/** The sentence of a DATA_CORRUPT error: one line, one sentence, ending in a full stop. */
async function corrupt(bytes: Uint8Array): Promise<string> {
  const e = await studioError(() => gunzipAll([bytes]), 'DATA_CORRUPT');
  expect(e.message).toMatch(/^The gzip-compressed data file is (truncated|damaged)/);
  expect(e.message).toMatch(/gzip -t/);
  expect(e.message).toMatch(/\.$/);
  expect(e.message).not.toMatch(/\n/);
  return e.message;
}

describe('gzip detection', () => {
  it('recognises the gzip signature and nothing else', () => {
    expect(isGzipBytes(GZ.subarray(0, 2))).toBe(true);
    expect(isGzipBytes(TSV.subarray(0, 4))).toBe(false);
    expect(isGzipBytes(new Uint8Array([0x1f]))).toBe(false);
    expect(isGzipBytes(new Uint8Array(0))).toBe(false);
  });

  it('computes the gzip CRC-32', () => {
    expect(crc32(0, new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(0, TSV)).toBe(Buffer.from(GZ.subarray(GZ.length - 8)).readUInt32LE(0));
    expect(crc32(crc32(0, TSV.subarray(0, 12345)), TSV.subarray(12345))).toBe(crc32(0, TSV));
  });
});

describe('gunzipChunks', () => {
  it('decompresses the demo TSV to identical bytes in odd chunk splits', async () => {
    expectSame(await gunzipAll(GZ), TSV); // a whole Uint8Array
    expectSame(await gunzipAll(GZ.buffer.slice(GZ.byteOffset, GZ.byteOffset + GZ.length) as ArrayBuffer), TSV);
    for (const size of [7, 4093, GZIP_PIECE + 1, 3 * GZIP_PIECE - 5, 1 << 20]) {
      expectSame(await gunzipAll(fixedChunks(GZ, size)), TSV, `chunks of ${size}`);
    }
    for (const cuts of [[1], [2, 3], [9, 10, 11], [GZ.length - 8], [GZ.length - 1], [5000, 5001, GZ.length - 4]]) {
      expectSame(await gunzipAll(chunked(GZ, cuts)), TSV, `cuts ${cuts}`);
    }
    expectSame(await gunzipAll(new Blob([GZ]).stream()), TSV); // a browser File.stream()
  });

  it('decompresses byte by byte', async () => {
    const small = TSV.subarray(0, 20_000);
    expectSame(await gunzipAll(fixedChunks(new Uint8Array(gzipSync(small)), 1)), small);
  });

  it('feeds readLines: the lines of the .gz are the lines of the TSV', async () => {
    const fromGz = (await collectAll(readLines(gunzipChunks(fixedChunks(GZ, 1000))))).map((l) => l.text);
    const fromTsv = (await collectAll(readLines(TSV))).map((l) => l.text);
    expect(fromGz.length).toBe(8000);
    expect(fromGz).toEqual(fromTsv);
  });

  it('decompresses multi-member files (gzip -c a b > ab.gz), empty members included', async () => {
    const cut = [0, 1000, 1001, 777_777, TSV.length];
    const members = cut.slice(1).map((end, i) => new Uint8Array(gzipSync(TSV.subarray(cut[i], end))));
    const multi = concat(new Uint8Array(gzipSync(new Uint8Array(0))), ...members);
    expectSame(await gunzipAll(multi), TSV);
    for (const size of [1, 3, 13, 4096]) {
      if (size === 1) {
        const smallMulti = concat(...[0, 1, 2].map(() => new Uint8Array(gzipSync(TSV.subarray(0, 3000)))));
        const expected = concat(TSV.subarray(0, 3000), TSV.subarray(0, 3000), TSV.subarray(0, 3000));
        expectSame(await gunzipAll(fixedChunks(smallMulti, 1)), expected);
      } else {
        expectSame(await gunzipAll(fixedChunks(multi, size)), TSV, `chunks of ${size}`);
      }
    }
    // a cut at every position around each member boundary
    let boundary = 20; // the leading empty member
    for (const m of members.slice(0, -1)) {
      boundary += m.length;
      for (const d of [-9, -8, -1, 0, 1, 9, 10]) {
        expectSame(await gunzipAll(chunked(multi, [boundary + d])), TSV, `cut at ${boundary + d}`);
      }
    }
  });

  it('finds member boundaries wherever they fall among the pieces it decompresses', async () => {
    // Stored (level 0) members have a size that can be chosen to the byte: put the end of the first member, its
    // trailer and the next member's header across the boundary between two pieces.
    for (let end = GZIP_PIECE - 24; end <= GZIP_PIECE + 24; end++) {
      let n = end - 23;
      let first = new Uint8Array(gzipSync(TSV.subarray(0, n), { level: 0 }));
      n -= first.length - end;
      first = new Uint8Array(gzipSync(TSV.subarray(0, n), { level: 0 }));
      expect(first.length).toBe(end);
      expectSame(await gunzipAll([concat(first, GZ)]), concat(TSV.subarray(0, n), TSV), `first member ends at ${end}`);
      const bad = concat(first, GZ);
      bad[end - 3] ^= 1; // the first member's stored length
      expect(await corrupt(bad), `first member ends at ${end}`).toMatch(/length/);
    }
  });

  it('refuses truncated files with DATA_CORRUPT, wherever they stop', async () => {
    for (const end of [0, 1, 2, 9, 10, 17, 100, 50_000, GZ.length - 9]) {
      expect(await corrupt(GZ.subarray(0, end)), `cut at ${end}`).toMatch(
        new RegExp(`^The gzip-compressed data file is truncated: its compressed data stops at byte ${end},`),
      );
    }
    // stopping inside the 8-byte trailer: the checksum cannot match
    for (const end of [GZ.length - 8, GZ.length - 4, GZ.length - 1]) {
      expect(await corrupt(GZ.subarray(0, end)), `cut at ${end}`).toMatch(/damaged or truncated/);
    }
    // a truncated first member of two
    const two = concat(GZ, GZ);
    expect(await corrupt(concat(GZ.subarray(0, 300_000), GZ))).toMatch(/damaged/);
    expectSame(await gunzipAll(two), concat(TSV, TSV));
  });

  it('refuses damaged files with DATA_CORRUPT: bad header, deflate data or checksum, trailing bytes', async () => {
    const flipped = (pos: number, mask = 0xff) => {
      const b = GZ.slice();
      b[pos] ^= mask;
      return b;
    };
    expect(await corrupt(flipped(0))).toMatch(/not gzip data/); // magic
    expect(await corrupt(flipped(2))).toMatch(/damaged at about byte/); // compression method
    // One flipped bit inside the deflate data: often still decodes, to other bytes; the CRC-32 catches it.
    for (const pos of [5000, 50_000, 333_333, GZ.length - 20]) {
      for (const mask of [0x01, 0x10, 0x80]) await corrupt(flipped(pos, mask));
    }
    expect(await corrupt(flipped(GZ.length - 6))).toMatch(/CRC-32/); // the stored checksum
    expect(await corrupt(flipped(GZ.length - 2))).toMatch(/length/); // the stored length
    expect(await corrupt(concat(GZ, new TextEncoder().encode('junk after the end')))).toMatch(/not gzip data/);
    expect(await corrupt(concat(GZ, new Uint8Array(10)))).toMatch(/damaged/);
    // a damaged first member of two: its trailer is checked when the second member starts
    const badFirst = concat(flipped(GZ.length - 6), GZ);
    expect(await corrupt(badFirst)).toMatch(new RegExp(`damaged at about byte ${GZ.length} \\(.*CRC-32`));
  });

  it('refuses text chunks, and stops with CANCELLED when aborted', async () => {
    await studioError(() => gunzipAll(['not bytes']), 'DATA_CORRUPT');
    const before = new AbortController();
    before.abort();
    await studioError(() => gunzipAll(GZ, before.signal), 'CANCELLED');
    const during = new AbortController();
    await studioError(async () => {
      for await (const _ of gunzipChunks(fixedChunks(GZ, 1000), during.signal)) during.abort();
    }, 'CANCELLED');
  });

  it('keeps memory bounded by the piece size, also for very compressible data', async () => {
    const zeros = new Uint8Array(64 << 20);
    const gz = new Uint8Array(gzipSync(zeros, { level: 9 }));
    expect(gz.length).toBeGreaterThan(2 * GZIP_PIECE); // several pieces
    let total = 0;
    let largest = 0;
    for await (const part of gunzipChunks([gz])) {
      total += part.length;
      largest = Math.max(largest, part.length);
    }
    expect(total).toBe(zeros.length);
    // deflate expands at most 1032:1, so one piece gives at most this much at once
    expect(largest).toBeLessThanOrEqual(GZIP_PIECE * 1032);
    expect(largest).toBeLessThan(zeros.length / 2);
  });

  it('streams: the first bytes come out before most of the input has been read', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < GZ.length; i += 4096) {
        pulled += Math.min(4096, GZ.length - i);
        yield GZ.subarray(i, i + 4096);
      }
    }
    for await (const part of gunzipChunks(counted())) {
      expect(part.length).toBeGreaterThan(0);
      break;
    }
    expect(pulled).toBeLessThanOrEqual(GZIP_PIECE + 4096);
  });
});
