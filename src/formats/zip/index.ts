/** A .zip given as a model or a drop stands for the files it holds (one level; folders flattened). */
import { StudioError } from '../../core/errors';
import { LIMITS, formatBytes } from '../../core/limits';
import { memoryFile, type InputFile } from '../shared/types';
import { filesToOpen, isZipName, unzipFiles, type UnzipBudget } from './zip';

/**
 * The files, with every .zip replaced by the files it holds (the ONNX copy beside a tfjs model.json is not even
 * unzipped). The archives of one call share one budget of unzipped bytes (LIMITS.zipTotalBytes); an archive
 * known to be larger than that is not read.
 */
export async function expandZips(files: InputFile[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const budget: UnzipBudget = { used: 0 };
  for (const f of files) {
    if (!isZipName(f.name)) {
      out.push(f);
      continue;
    }
    if (f.size !== undefined && f.size > LIMITS.zipTotalBytes) {
      throw new StudioError(
        'ARCHIVE_INVALID',
        `${f.name} is ${formatBytes(f.size)}, more than the ${formatBytes(LIMITS.zipTotalBytes)} CTR Studio ` +
          'unzips at once; unzip it yourself and drop the files.',
      );
    }
    const held = unzipFiles(await f.bytes(), f.name, { budget, choose: filesToOpen });
    out.push(...held.map((e) => memoryFile(e.name, e.data)));
  }
  return out;
}
