/**
 * Zip archives of a model's files: the studio's export as one download, and a dropped (or named) .zip opened
 * as the files it holds. One level only, and folders inside are flattened: a weights manifest names its
 * shards relative to model.json, and a zipped model folder puts a prefix before every name.
 *
 * An archive is read from its central directory (central.ts) and checked against LIMITS (src/core/limits.ts)
 * before anything is allocated: encryption, compression method, each entry's declared size and ratio, the
 * total, names held twice. Then each entry is inflated within its declared size and its CRC-32 checked
 * (inflate.ts).
 */
import { zipSync } from 'fflate';
import { StudioError } from '../../core/errors';
import { LIMITS, formatBytes } from '../../core/limits';
import { readDirectory, type ZipEntry } from './central';
import { inflateEntry } from './inflate';

export interface NamedBytes {
  name: string;
  data: Uint8Array;
}

/** The limits an unzip is held to (LIMITS unless a caller, such as a test, gives others). */
export type ZipLimits = {
  readonly [K in 'zipEntryBytes' | 'zipTotalBytes' | 'zipEntries' | 'zipMaxRatio' | 'zipRatioFrom']: number;
};

/** Bytes already unzipped from the other archives of the same drop (they share LIMITS.zipTotalBytes). */
export interface UnzipBudget {
  used: number;
}

export const isZipName = (name: string): boolean => /\.zip$/i.test(name);

/** What operating systems add to a zip of a folder: never a file of the model. */
const JUNK = /(^|[\\/])(__MACOSX[\\/]|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;

const baseName = (path: string): string => path.split(/[\\/]/).pop()!;
const isFolder = (path: string): boolean => /[\\/]$/.test(path);

const UNZIP_YOURSELF = 'unzip it yourself and drop the files';

/** Compression methods zip tools may use, by number, to name the one that cannot be read. */
const METHODS: Record<number, string> = {
  1: 'Shrink',
  6: 'Implode',
  9: 'Deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'XZ',
  98: 'PPMd',
};

/** One zip of the given files (model.json deflates well, float weights barely; level 6 is quick for both). */
export function zipFiles(files: NamedBytes[]): Uint8Array {
  return zipSync(Object.fromEntries(files.map((f) => [f.name, f.data])), { level: 6 });
}

/** Refuses an entry CTR Studio cannot or will not read, from what the directory declares. */
function checkEntry(e: ZipEntry, zipName: string, limits: ZipLimits): void {
  const fail = (message: string) => new StudioError('ARCHIVE_INVALID', message);
  // Bit 0: encrypted; bit 6: strong encryption; method 99: AES (which also sets bit 0).
  if (e.flags & 0x41 || e.method === 99) {
    throw fail(
      `${e.path} in ${zipName} is encrypted; CTR Studio cannot open password-protected archives; ${UNZIP_YOURSELF}.`,
    );
  }
  if (e.method !== 0 && e.method !== 8) {
    const name = METHODS[e.method] ? `${METHODS[e.method]} (method ${e.method})` : `method ${e.method}`;
    throw fail(
      `${e.path} in ${zipName} is compressed with ${name}, which CTR Studio cannot unzip; zip the folder again ` +
        'with ordinary (deflate) compression, or drop its files themselves.',
    );
  }
  if (e.size > limits.zipEntryBytes) {
    throw fail(
      `${e.path} in ${zipName} unzips to ${formatBytes(e.size)}, more than the ${formatBytes(limits.zipEntryBytes)} ` +
        `CTR Studio unzips for one file; ${UNZIP_YOURSELF}.`,
    );
  }
  if (e.size > limits.zipRatioFrom && e.size > e.compressedSize * limits.zipMaxRatio) {
    const ratio = e.compressedSize > 0 ? Math.round(e.size / e.compressedSize) : Number.POSITIVE_INFINITY;
    throw fail(
      `${e.path} in ${zipName} declares ${formatBytes(e.size)} from ${formatBytes(e.compressedSize)} of ` +
        `compressed data (${ratio}:1, more than the ${limits.zipMaxRatio}:1 of any model file: a zip bomb); ` +
        `if you trust it, ${UNZIP_YOURSELF}.`,
    );
  }
}

/** Refuses two entries with the same path, or with the same name in different folders (files go by name). */
function refuseTwice(entries: ZipEntry[], zipName: string): void {
  const paths = new Set<string>();
  const names = new Set<string>();
  for (const e of entries) {
    if (paths.has(e.path)) {
      throw new StudioError(
        'ARCHIVE_INVALID',
        `${zipName} holds two entries named ${e.path} (an archive added to instead of rewritten); zip the ` +
          "model's folder again, or drop its files themselves.",
      );
    }
    if (names.has(baseName(e.path))) {
      throw new StudioError(
        'ARCHIVE_INVALID',
        `${zipName} holds two files named ${baseName(e.path)} (in different folders); zip one model's folder ` +
          'at a time.',
      );
    }
    paths.add(e.path);
    names.add(baseName(e.path));
  }
}

/** How to unzip: the limits, the budget shared with other archives, and which files to read. */
export interface UnzipOptions {
  /** Bytes other archives of the same drop unzipped: they count towards the same total, which this adds to. */
  budget?: UnzipBudget;
  limits?: ZipLimits;
  /** The files to read among those held (by base name); the others are neither checked further nor inflated. */
  choose?: <T extends { name: string }>(files: T[]) => T[];
}

/** The files in a zip, by base name; errors say what is wrong with the archive and what to do. */
export function unzipFiles(bytes: Uint8Array, zipName: string, opts: UnzipOptions = {}): NamedBytes[] {
  const { budget = { used: 0 }, limits = LIMITS, choose = (files) => files } = opts;
  const listed = readDirectory(bytes, zipName, limits.zipEntries).filter(
    (e) => !isFolder(e.path) && !JUNK.test(e.path),
  );
  if (listed.length === 0) {
    throw new StudioError(
      'ARCHIVE_INVALID',
      `${zipName} holds no files; zip the folder with model.json and its weight files, or drop those files themselves.`,
    );
  }
  refuseTwice(listed, zipName);
  const entries = choose(listed.map((e) => ({ name: baseName(e.path), e }))).map((x) => x.e);
  for (const e of entries) checkEntry(e, zipName, limits);
  const total = budget.used + entries.reduce((n, e) => n + e.size, 0);
  if (total > limits.zipTotalBytes) {
    const what = budget.used > 0 ? 'with the archives given before it, it would unzip' : 'it would unzip';
    throw new StudioError(
      'ARCHIVE_INVALID',
      `${zipName} is too large to open: ${what} to ${formatBytes(total)}, more than the ` +
        `${formatBytes(limits.zipTotalBytes)} CTR Studio unzips at once; ${UNZIP_YOURSELF}.`,
    );
  }
  budget.used = total;
  return entries.map((e) => ({ name: baseName(e.path), data: inflateEntry(bytes, e, zipName) }));
}

/**
 * The files of a zip to open. The studio's export holds model.onnx beside model.json: when a zip holds a
 * tfjs model.json, that is the model opened (it carries the feature encoding) and other model files are left.
 */
export function filesToOpen<T extends { name: string }>(files: T[]): T[] {
  const hasJson = files.some((f) => /\.json$/i.test(f.name));
  return hasJson ? files.filter((f) => !/\.(keras|h5|hdf5|onnx)$/i.test(f.name)) : files;
}
