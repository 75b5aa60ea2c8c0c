/** The tfjs layers-model format: model.json and the weight files its manifest names, checked before tfjs. */
import { assembleArtifacts, parseModelJson } from '../../core/layers/artifacts';
import type { InputFile, ModelFormat } from '../shared/types';
import { sortDrop } from './sortDrop';

const isJson = (f: InputFile) => f.name.toLowerCase().endsWith('.json');

function drop(files: InputFile[], texts: Map<InputFile, string>) {
  return sortDrop(files.map((file) => ({ name: file.name, file, text: texts.get(file) })));
}

export const tfjsFormat: ModelFormat = {
  id: 'tfjs',
  describe: 'a tfjs model.json with its weight files',
  claim(files, texts) {
    const hasModelFiles = files.some((f) => isJson(f) || /\.bin$/i.test(f.name));
    if (!hasModelFiles) return null;
    const d = drop(files, texts);
    return d.modelJson ? [d.modelJson.file, ...d.shards.map((s) => s.file)] : null;
  },
  async open(files, texts) {
    const d = drop(files, texts);
    const json = d.modelJson!;
    const weights = new Map<string, ArrayBuffer>();
    for (const s of d.shards) {
      const bytes = await s.file.bytes();
      weights.set(s.name.split(/[\\/]/).pop()!, bytes.slice().buffer as ArrayBuffer);
    }
    const artifacts = assembleArtifacts(parseModelJson(json.text ?? '', json.name), weights, json.name);
    return { kind: 'layers', format: 'tfjs', name: json.name, artifacts };
  },
};
