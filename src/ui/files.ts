/** Reading dropped files on the main thread: text of .json files (to sort the drop), data files kept as Blobs. */
import type { FilePayload, DataRole } from '../engine/protocol';
import { sortDrop } from '../core/model/files';
import { StudioError } from '../core/errors';
import { filesToOpen, isZipName, unzipFiles } from '../io/zip';

export interface SortedFiles {
  model: FilePayload[] | null;
  data: { role: DataRole; file: FilePayload }[];
}

/** Splits a drop into the model's files and data files (with their roles: a name with "test" is test rows). */
export async function sortFiles(dropped: File[], hasTrainData: boolean): Promise<SortedFiles> {
  const files = (await Promise.all(dropped.map(expandZip))).flat();
  const withText = await Promise.all(
    files.map(async (f) => ({
      name: f.name,
      file: f,
      text: f.name.toLowerCase().endsWith('.json') ? await f.text() : undefined,
    })),
  );
  const drop = sortDrop(withText);
  const model = drop.modelJson
    ? [drop.modelJson, ...drop.shards].map((f) => ({ name: f.name, data: f.file as Blob }))
    : drop.foreign
      ? [{ name: drop.foreign.name, data: drop.foreign.file as Blob }]
      : null;
  const data = drop.data.map((f) => ({ name: f.name, data: f.file as Blob }));
  const roles: { role: DataRole; file: FilePayload }[] = [];
  if (data.length === 1) {
    const isTest = /test/i.test(data[0].name) && hasTrainData;
    roles.push({ role: isTest ? 'test' : 'train', file: data[0] });
  } else if (data.length === 2) {
    const test = data.find((d) => /test/i.test(d.name)) ?? data[1];
    roles.push({ role: 'train', file: data.find((d) => d !== test)! }, { role: 'test', file: test });
  } else if (data.length > 2) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `Drop at most two data files (training rows and test rows), not ${data.length}.`,
    );
  }
  return { model, data: roles };
}

/** A dropped .zip stands for the files it holds (a model's folder, zipped; the studio's own export). */
async function expandZip(file: File): Promise<File[]> {
  if (!isZipName(file.name)) return [file];
  return filesToOpen(unzipFiles(new Uint8Array(await file.arrayBuffer()), file.name)).map(
    (f) => new File([f.data as Uint8Array<ArrayBuffer>], f.name),
  );
}

/** Saves bytes as a file download (main thread only: workers cannot download, tfjs-pitfalls #9). */
export function download(name: string, data: ArrayBuffer | Uint8Array<ArrayBuffer> | string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
