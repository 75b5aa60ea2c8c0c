/** A .zip given as a model or a drop stands for the files it holds (one level; folders flattened). */
import { memoryFile, type InputFile } from '../shared/types';
import { filesToOpen, isZipName, unzipFiles } from './zip';

/** The files, with every .zip replaced by the files it holds. */
export async function expandZips(files: InputFile[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const f of files) {
    if (!isZipName(f.name)) out.push(f);
    else out.push(...filesToOpen(unzipFiles(await f.bytes(), f.name)).map((e) => memoryFile(e.name, e.data)));
  }
  return out;
}
