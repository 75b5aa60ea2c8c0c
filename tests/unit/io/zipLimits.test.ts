/**
 * The zip reader against hostile and broken archives, written byte by byte in the test (tests/helpers/
 * zipcraft.ts; nothing large is committed): zip bombs refused from their declared sizes before anything is
 * allocated (memory measured), zip64 sizes read as zip64, an entry that inflates past its declared size stopped
 * there, overlapping entries, CRC-32 mismatches, names held twice, encryption and unknown compression methods
 * each refused with one sentence naming the entry; and ordinary archives, the studio's own among them, still open.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { LIMITS } from '../../../src/core/limits';
import { memoryFile, type InputFile } from '../../../src/formats/shared/types';
import { expandZips } from '../../../src/formats/zip';
import { unzipFiles, zipFiles } from '../../../src/formats/zip/zip';
import { errorOf } from '../../helpers/errors';
import { craftZip, deflated, stored, zerosCrc, zerosDeflated, type CraftEntry } from '../../helpers/zipcraft';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const text = (s: string) => new TextEncoder().encode(s);
const JSON_ENTRY = deflated('deepfm/model.json', text('{"format":"layers-model"}'));
const SHARD = 'deepfm/group1-shard1of1.bin';

/** Memory the process holds now: resident set, and JS heap plus array buffers (where unzipped bytes live). */
function memory(): { rss: number; js: number } {
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.arrayBuffers };
}

/**
 * The error `f` throws, with how much the process grew while it ran (the resident set rarely shrinks, so its
 * growth also bounds the peak) and how long it took.
 */
function refusal(f: () => unknown): { code: string; message: string; rssMiB: number; jsMiB: number; ms: number } {
  const before = memory();
  const t0 = performance.now();
  const e = errorOf(f);
  const ms = performance.now() - t0;
  const after = memory();
  const grown = { rssMiB: (after.rss - before.rss) / MiB, jsMiB: (after.js - before.js) / MiB };
  console.info(`${e.message.slice(0, 60)}…: rss +${grown.rssMiB.toFixed(1)} MiB, js +${grown.jsMiB.toFixed(1)} MiB`);
  return { ...e, ...grown, ms };
}

/** Random bytes (a stand-in for compressed data that is never inflated). */
function noise(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(n, i + 65536)));
  return b;
}

describe('zip bombs are refused from their declared sizes, before anything is allocated', () => {
  it('1 GiB of zeros deflated about 1000:1 is refused by its ratio, in little memory', () => {
    const bomb: CraftEntry = { name: SHARD, data: zerosDeflated(1024), method: 8, crc: 0, size: GiB };
    const zip = craftZip([JSON_ENTRY, bomb]);
    expect(zip.length).toBeLessThan(1.1 * MiB);
    const r = refusal(() => unzipFiles(zip, 'bomb.zip'));
    expect(r.code).toBe('ARCHIVE_INVALID');
    expect(r.message).toMatch(
      new RegExp(
        '^deepfm/group1-shard1of1\\.bin in bomb\\.zip declares 1 GiB from 1\\.0 MiB of compressed data ' +
          '\\(10\\d\\d:1, more than the 1000:1 of any model file: a zip bomb\\); if you trust it, unzip it ' +
          'yourself and drop the files\\.$',
      ),
    );
    expect(r.rssMiB).toBeLessThan(16);
    expect(r.jsMiB).toBeLessThan(16);
    expect(r.ms).toBeLessThan(1000);
  });

  it('a 3 GiB entry is refused by the per-file limit', () => {
    const bomb: CraftEntry = { name: SHARD, data: zerosDeflated(3072), method: 8, crc: 0, size: 3 * GiB };
    const zip = craftZip([JSON_ENTRY, bomb]);
    const r = refusal(() => unzipFiles(zip, 'bomb3.zip'));
    expect(r.message).toBe(
      'deepfm/group1-shard1of1.bin in bomb3.zip unzips to 3 GiB, more than the 1 GiB CTR Studio unzips for one ' +
        'file; unzip it yourself and drop the files.',
    );
    expect(r.rssMiB).toBeLessThan(16);
  });

  it('a zip64 entry declaring 4.5 GiB is read as 4.5 GiB (not 4294967295 bytes), with or without zip64 end', () => {
    const big: CraftEntry = { name: SHARD, data: noise(4096), method: 8, crc: 0, size: 4.5 * GiB, zip64: true };
    for (const zip64End of [false, true]) {
      const zip = craftZip([JSON_ENTRY, big], { zip64End });
      const r = refusal(() => unzipFiles(zip, 'z64.zip'));
      expect(r.message).toMatch(/^deepfm\/group1-shard1of1\.bin in z64\.zip unzips to 4\.5 GiB, more than the 1 GiB /);
      expect(r.rssMiB).toBeLessThan(16);
    }
  });

  it('entries each within the limits that add up past the total are refused before the first is unzipped', () => {
    // 800 MiB from 1 MiB each: 800:1, under the ratio guard; together 2.3 GiB.
    const junk = noise(MiB);
    const entries = [1, 2, 3].map(
      (i): CraftEntry => ({
        name: `m/part${i}.bin`,
        data: junk,
        method: 8,
        crc: 0,
        size: 800 * MiB,
      }),
    );
    const zip = craftZip([JSON_ENTRY, ...entries]);
    const r = refusal(() => unzipFiles(zip, 'parts.zip'));
    expect(r.message).toBe(
      'parts.zip is too large to open: it would unzip to 2.3 GiB, more than the 2 GiB CTR Studio unzips at once; ' +
        'unzip it yourself and drop the files.',
    );
    expect(r.rssMiB).toBeLessThan(16);
  });

  it('the archives of one drop share the total; an archive known to be too large is not read', async () => {
    const small = craftZip([JSON_ENTRY]);
    const e = errorOf(() => unzipFiles(small, 'b.zip', { budget: { used: LIMITS.zipTotalBytes - 10 } }));
    expect(e.message).toMatch(
      /^b\.zip is too large to open: with the archives given before it, it would unzip to 2\.0 GiB, more than the /,
    );
    const huge: InputFile = {
      name: 'huge.zip',
      size: 3 * GiB,
      bytes: () => Promise.reject(new Error('read')),
      stream: () => Promise.reject(new Error('read')),
    };
    await expect(expandZips([huge])).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      message:
        'huge.zip is 3 GiB, more than the 2 GiB CTR Studio unzips at once; unzip it yourself and drop the files.',
    });
  });

  it('a directory of more entries than the limit is refused before they are read', () => {
    const zip = craftZip([1, 2, 3, 4].map((i) => stored(`f${i}.txt`, text('x'))));
    const e = errorOf(() => unzipFiles(zip, 'many.zip', { limits: { ...LIMITS, zipEntries: 3 } }));
    expect(e.message).toBe(
      'many.zip lists 4 entries, more than the 3 CTR Studio opens in one archive; unzip it yourself and drop the ' +
        "model's files.",
    );
  });
});

describe('entries are inflated within their declared size and checked', () => {
  it('an entry whose output outgrows its declared size is stopped as soon as it does', () => {
    // Declares 1 MiB (under the ratio guard's threshold) but inflates to 1 GiB of zeros.
    const liar: CraftEntry = { name: SHARD, data: zerosDeflated(1024), method: 8, crc: 0, size: MiB };
    const zip = craftZip([JSON_ENTRY, liar]);
    const r = refusal(() => unzipFiles(zip, 'liar.zip'));
    expect(r.message).toBe(
      'liar.zip is damaged: deepfm/group1-shard1of1.bin unzips to more than the 1 MiB its header declares; zip ' +
        "the model's folder again, or drop its files themselves.",
    );
    // The declared 1 MiB, and what one small piece of compressed data inflated to before the count passed it.
    expect(r.rssMiB).toBeLessThan(32);
    expect(r.jsMiB).toBeLessThan(32);
  });

  it('an entry that inflates to less than it declares is damaged', () => {
    const short: CraftEntry = { ...deflated(SHARD, new Uint8Array(100)), size: 200 };
    expect(errorOf(() => unzipFiles(craftZip([short]), 's.zip')).message).toMatch(
      /^s\.zip is damaged: deepfm\/group1-shard1of1\.bin unzips to 100 bytes, not the 200 its header declares; /,
    );
  });

  it('a corrupted entry fails its CRC-32, naming the entry (stored or deflated)', () => {
    const shard = stored(SHARD, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    const corrupted = { ...shard, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 9]) };
    const want =
      'crc.zip is damaged: deepfm/group1-shard1of1.bin does not match its CRC-32 checksum (a corrupted or altered ' +
      "file); zip the model's folder again, or drop its files themselves.";
    expect(errorOf(() => unzipFiles(craftZip([JSON_ENTRY, corrupted]), 'crc.zip')).message).toBe(want);
    const wrongCrc = { ...deflated(SHARD, new Uint8Array(64)), crc: 12345 };
    expect(errorOf(() => unzipFiles(craftZip([JSON_ENTRY, wrongCrc]), 'crc.zip')).message).toBe(want);
  });

  it('truncated compressed data is one sentence naming the entry', () => {
    const whole = deflated('deepfm/model.json', noise(4096));
    const cut = { ...whole, data: whole.data.subarray(0, 1000) };
    expect(errorOf(() => unzipFiles(craftZip([cut]), 'cut.zip')).message).toMatch(
      /^cut\.zip could not be unzipped \(deepfm\/model\.json: unexpected EOF\); zip the model's folder again/,
    );
  });
});

describe('archives no zip tool writes, and archives CTR Studio cannot read', () => {
  it('refuses entries that share bytes: the same local header twice, or data running over the next entry', () => {
    const shard = deflated(SHARD, noise(2048));
    const same = { ...shard, name: 'deepfm/group2-shard1of1.bin', sameAs: 1 };
    expect(errorOf(() => unzipFiles(craftZip([JSON_ENTRY, shard, same]), 'o.zip')).message).toBe(
      'o.zip is malformed: the entries deepfm/group1-shard1of1.bin and deepfm/group2-shard1of1.bin share bytes ' +
        "(overlapping entries are a zip-bomb trick, never written by zip tools); zip the model's folder again, or " +
        'drop its files themselves.',
    );
    const over = { ...JSON_ENTRY, compressedSize: JSON_ENTRY.data.length + 40 };
    expect(errorOf(() => unzipFiles(craftZip([over, shard]), 'o.zip')).message).toMatch(
      /^o\.zip is malformed: the entries deepfm\/model\.json and deepfm\/group1-shard1of1\.bin share bytes/,
    );
  });

  it('refuses two entries with the same path, and two files of one name in different folders', () => {
    const other = deflated('deepfm/model.json', text('{"format":"layers-model","other":true}'));
    expect(errorOf(() => unzipFiles(craftZip([JSON_ENTRY, other]), 'twice.zip'))).toEqual({
      code: 'ARCHIVE_INVALID',
      message:
        'twice.zip holds two entries named deepfm/model.json (an archive added to instead of rewritten); zip the ' +
        "model's folder again, or drop its files themselves.",
    });
    const elsewhere = { ...other, name: 'old/model.json' };
    expect(errorOf(() => unzipFiles(craftZip([JSON_ENTRY, elsewhere]), 'twice.zip')).message).toBe(
      "twice.zip holds two files named model.json (in different folders); zip one model's folder at a time.",
    );
  });

  it('refuses encrypted entries and compression methods it cannot read, in one sentence', () => {
    const locked = { ...JSON_ENTRY, flags: 1 };
    expect(errorOf(() => unzipFiles(craftZip([locked]), 'locked.zip'))).toEqual({
      code: 'ARCHIVE_INVALID',
      message:
        'deepfm/model.json in locked.zip is encrypted; CTR Studio cannot open password-protected archives; unzip ' +
        'it yourself and drop the files.',
    });
    const aes = { ...JSON_ENTRY, method: 99 };
    expect(errorOf(() => unzipFiles(craftZip([aes]), 'aes.zip')).message).toMatch(/ is encrypted; CTR Studio /);
    const bzip2 = { ...JSON_ENTRY, method: 12 };
    expect(errorOf(() => unzipFiles(craftZip([bzip2]), 'b.zip')).message).toBe(
      'deepfm/model.json in b.zip is compressed with bzip2 (method 12), which CTR Studio cannot unzip; zip the ' +
        'folder again with ordinary (deflate) compression, or drop its files themselves.',
    );
    const odd = { ...JSON_ENTRY, method: 77 };
    expect(errorOf(() => unzipFiles(craftZip([odd]), 'b.zip')).message).toMatch(/compressed with method 77, /);
  });
});

describe('ordinary archives still open', () => {
  const demo = (n: string) => new Uint8Array(readFileSync(join('public/demo/models/deepfm', n)));
  const exportFiles = [
    { name: 'model.json', data: demo('model.json') },
    { name: 'group1-shard1of1.bin', data: demo('group1-shard1of1.bin') },
    { name: 'model.onnx', data: noise(3000) },
  ];

  it("the studio's Download all (zipFiles) opens as its files; the tfjs model without its ONNX copy", async () => {
    const zip = zipFiles(exportFiles);
    const back = unzipFiles(zip, 'deepfm-compressed.zip');
    expect(back.map((f) => f.name)).toEqual(exportFiles.map((f) => f.name));
    // Buffer comparison: a deep equality of 2 MB typed arrays element by element takes seconds.
    back.forEach((f, i) => expect(Buffer.from(f.data).equals(exportFiles[i].data), f.name).toBe(true));
    const opened = await expandZips([memoryFile('deepfm-compressed.zip', zip)]);
    expect(opened.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
  });

  it('stored entries, zip64 fields with small sizes, empty files and zeros that compress well open', () => {
    const zeros = new Uint8Array(4 * MiB);
    const zip = zipSync({
      'a/stored.bin': [noise(1000), { level: 0 }],
      'a/empty.txt': new Uint8Array(0),
      'a/z': zeros,
    });
    expect(unzipFiles(zip, 'a.zip').map((f) => [f.name, f.data.length])).toEqual([
      ['stored.bin', 1000],
      ['empty.txt', 0],
      ['z', 4 * MiB],
    ]);
    const content = noise(5000);
    const z64 = craftZip([{ ...deflated('m/w.bin', content), zip64: true }], { zip64End: true });
    expect(unzipFiles(z64, 'z64.zip')).toEqual([{ name: 'w.bin', data: content }]);
    // Zeros at deflate's best ratio, up to the size the ratio guard starts at (a shard of an untrained layer).
    const mib = LIMITS.zipRatioFrom / MiB;
    const many = { name: 'm/zeros.bin', data: zerosDeflated(mib), method: 8, crc: zerosCrc(mib), size: mib * MiB };
    expect(unzipFiles(craftZip([many]), 'zeros.zip')[0].data.length).toBe(mib * MiB);
  });

  it('any damage to an archive is an ARCHIVE_INVALID sentence or files, never another error', () => {
    const zip = zipFiles([
      { name: 'model.json', data: text('{"a":[1,2,3]}') },
      { name: 'w.bin', data: new Uint8Array([1, 2, 3, 4]) },
    ]);
    const mutation = fc.array(fc.tuple(fc.nat(zip.length - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(mutation, fc.nat(zip.length), (edits, cut) => {
        const bytes = zip.slice(0, Math.max(cut, zip.length - 30));
        for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
        try {
          unzipFiles(bytes, 'm.zip');
        } catch (e) {
          const { code, message } = errorOf(() => {
            throw e;
          });
          expect(code).toBe('ARCHIVE_INVALID');
          expect(message).toMatch(/^\S.*[.]$/);
          expect(message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 500, seed: 20261128 },
    );
  });
});
