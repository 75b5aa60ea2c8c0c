/**
 * Zip archives of a model's files: the studio's export as one download, and a dropped (or named) .zip opened
 * as the files it holds. One level only, and folders inside are flattened: a weights manifest names its
 * shards relative to model.json, and a zipped model folder puts a prefix before every name.
 */
import { unzipSync, zipSync } from 'fflate';
import { StudioError } from '../../core/errors';

export interface NamedBytes {
  name: string;
  data: Uint8Array;
}

export const isZipName = (name: string): boolean => /\.zip$/i.test(name);

/** What operating systems add to a zip of a folder: never a file of the model. */
const JUNK = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;

/** One zip of the given files (model.json deflates well, float weights barely; level 6 is quick for both). */
export function zipFiles(files: NamedBytes[]): Uint8Array {
  return zipSync(Object.fromEntries(files.map((f) => [f.name, f.data])), { level: 6 });
}

/** The files in a zip, by base name; errors say what is wrong with the archive and what to do. */
export function unzipFiles(bytes: Uint8Array, zipName: string): NamedBytes[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => !f.name.endsWith('/') && !JUNK.test(f.name) });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new StudioError(
      'ARCHIVE_INVALID',
      `${zipName} could not be unzipped (${why}); zip the model's folder again, or drop its files themselves.`,
    );
  }
  const files = Object.entries(entries).map(([path, data]) => ({ name: path.split('/').pop()!, data }));
  if (files.length === 0) {
    throw new StudioError(
      'ARCHIVE_INVALID',
      `${zipName} holds no files; zip the folder with model.json and its weight files, or drop those files themselves.`,
    );
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.name))
      throw new StudioError(
        'ARCHIVE_INVALID',
        `${zipName} holds two files named ${f.name} (in different folders); zip one model's folder at a time.`,
      );
    seen.add(f.name);
  }
  return files;
}

/**
 * The files of a zip to open. The studio's export holds model.onnx beside model.json: when a zip holds a
 * tfjs model.json, that is the model opened (it carries the feature encoding) and other model files are left.
 */
export function filesToOpen(files: NamedBytes[]): NamedBytes[] {
  const hasJson = files.some((f) => /\.json$/i.test(f.name));
  return hasJson ? files.filter((f) => !/\.(keras|h5|hdf5|onnx)$/i.test(f.name)) : files;
}
