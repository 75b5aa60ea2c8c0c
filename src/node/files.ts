/** Node-only file access for the CLI: data files as byte streams, model directories in the tfjs layout. */
import { createReadStream, statSync } from 'node:fs';
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { StudioError } from '../core/errors';
import { isZipName, zipFiles } from '../formats/zip/zip';
import type { InputFile, OutputFile } from '../formats';
import type { RandomAccessFile } from '../core/data/parquet';
import { artifactsToFiles, manifestPaths, parseModelJson, type ModelArtifacts } from '../core/layers/artifacts';
import { explainInterruptedWrite, replaceFolder, writeFileAtomic } from './atomic';

/** Fails with one clear sentence when a file named on the command line does not exist or is a folder. */
export async function requireFile(path: string, what: string): Promise<string> {
  const full = resolve(path);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(full);
  } catch {
    throw new StudioError('FILE_NOT_FOUND', `The ${what} ${path} does not exist; check the path.`);
  }
  if (info.isDirectory()) {
    throw new StudioError('FILE_NOT_FOUND', `The ${what} ${path} is a folder, not a file; name the file itself.`);
  }
  return full;
}

/**
 * A data file with random access (what the data readers take: Parquet needs its footer first; text and gzip
 * are streamed from it). Each read opens the file and closes it again, so nothing is left open.
 */
export async function openDataFile(path: string): Promise<RandomAccessFile> {
  const full = await requireFile(path, 'data file');
  const { size } = await stat(full);
  return {
    size,
    async read(start: number, end: number): Promise<Uint8Array> {
      const handle = await open(full, 'r');
      try {
        const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - start));
        let filled = 0;
        while (filled < bytes.length) {
          const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, start + filled);
          if (bytesRead === 0) return bytes.subarray(0, filled);
          filled += bytesRead;
        }
        return bytes;
      } finally {
        await handle.close();
      }
    },
  };
}

/**
 * Reads model.json and every weight shard it names from the same folder. Accepts the model.json path or
 * the folder holding it.
 */
export async function readModelFiles(
  path: string,
): Promise<{ modelJson: string; weights: Map<string, ArrayBuffer>; fileName: string }> {
  let jsonPath = resolve(path);
  try {
    if ((await stat(jsonPath)).isDirectory()) jsonPath = join(jsonPath, 'model.json');
  } catch {
    await explainInterruptedWrite(jsonPath); // else requireFile below says what is wrong
  }
  await requireFile(jsonPath, 'model file');
  const modelJson = await readFile(jsonPath, 'utf8');
  const fileName = basename(jsonPath);
  const weights = new Map<string, ArrayBuffer>();
  for (const shard of manifestPaths(parseModelJson(modelJson, fileName))) {
    try {
      const bytes = await readFile(join(dirname(jsonPath), shard));
      weights.set(shard, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    } catch {
      /* a missing shard is reported by assembleArtifacts with the full list */
    }
  }
  return { modelJson, weights, fileName };
}

/**
 * Writes model.json and its weight file as writeFilesTo does: into dir, or into one zip when dir ends in .zip.
 * Returns the model.json (or zip) path.
 */
export async function writeModelDir(dir: string, artifacts: ModelArtifacts): Promise<string> {
  const files = artifactsToFiles(artifacts);
  return writeFilesTo(dir, [
    { name: 'model.json', data: new TextEncoder().encode(files.modelJson), type: 'application/json' },
    { name: files.weightsName, data: new Uint8Array(files.weights), type: 'application/octet-stream' },
  ]);
}

/** A file on disk as the format registry reads it. */
export function pathFile(path: string): InputFile {
  let size: number | undefined;
  try {
    size = statSync(path).size; // known before reading, so an archive too large to open is refused unread
  } catch {
    /* reading the file says what is wrong */
  }
  return {
    name: basename(path),
    ...(size !== undefined ? { size } : {}),
    bytes: async () => new Uint8Array(await readFile(path)),
    stream: async () => createReadStream(path, { highWaterMark: 1 << 20 }),
  };
}

/**
 * The files a model path names: a model.json (or the folder holding it) with the weight files its manifest
 * names beside it, or one model file (.keras, .h5, .onnx, .zip).
 */
export async function modelInputFiles(path: string): Promise<InputFile[]> {
  let full = resolve(path);
  try {
    if ((await stat(full)).isDirectory()) full = await modelFileIn(full);
  } catch {
    await explainInterruptedWrite(full); // else requireFile below says what is wrong
  }
  await requireFile(full, 'model file');
  if (!full.toLowerCase().endsWith('.json')) return [pathFile(full)];
  const text = await readFile(full, 'utf8');
  const shards = manifestPaths(parseModelJson(text, basename(full)));
  const present: InputFile[] = [];
  for (const shard of shards) {
    const at = join(dirname(full), shard);
    try {
      await stat(at);
      present.push(pathFile(at));
    } catch {
      /* a missing shard is reported when the model is assembled, with the full list */
    }
  }
  return [pathFile(full), ...present];
}

/** The model file of a folder: model.json, or else its one .onnx, .keras or .h5 file. */
async function modelFileIn(dir: string): Promise<string> {
  const names = await readdir(dir);
  if (names.includes('model.json')) return join(dir, 'model.json');
  const models = names.filter((n) => /\.(onnx|keras|h5|hdf5)$/i.test(n));
  return join(dir, models.length === 1 ? models[0] : 'model.json');
}

/**
 * Writes files into dir (created if needed), or into one zip when dir ends in .zip, so that a run stopped at
 * any point leaves the old output or the new one, never a part or a mixture (see ./atomic). In a folder, files
 * other than the old model's are kept. Returns the path of the first file (or the zip).
 */
export async function writeFilesTo(dir: string, files: OutputFile[]): Promise<string> {
  if (isZipName(dir)) {
    await mkdir(dirname(resolve(dir)), { recursive: true });
    await writeFileAtomic(dir, zipFiles(files.map((f) => ({ name: f.name, data: f.data }))));
    return dir;
  }
  await replaceFolder(dir, files, oldModelFiles);
  return join(dir, files[0].name);
}

/**
 * The files of the model a folder held, which a new model replaces as a whole: model.json with the weight
 * files its manifest names, and model.onnx (a new tfjs model beside an old model.onnx would be two models).
 */
async function oldModelFiles(names: string[], dir: string): Promise<Set<string>> {
  const old = new Set<string>(names.filter((n) => n === 'model.json' || n === 'model.onnx'));
  if (!old.has('model.json')) return old;
  try {
    // Read leniently: the old model.json need not be one this project loads to name its weight files.
    const groups = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'))?.weightsManifest;
    for (const g of Array.isArray(groups) ? groups : []) {
      for (const p of Array.isArray(g?.paths) ? g.paths : []) if (typeof p === 'string') old.add(basename(p));
    }
  } catch {
    /* not JSON: only model.json itself is replaced */
  }
  return old;
}
