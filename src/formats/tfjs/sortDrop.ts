/**
 * Sorting a drop of files into a model (model.json + its weight shards) and data files, and checking the
 * model's files before tfjs sees them: one model.json, every shard it names present,
 * no stray shards. Files are recognised by content (a JSON with a modelTopology; names the manifest lists),
 * not only by extension, as netron does.
 */
import { StudioError } from '../../core/errors';
import { manifestPaths, parseModelJson, shown } from '../../core/layers/artifacts';
import { isArchitectureText } from '../keras/architecture';

export interface DroppedFile {
  name: string;
  /** Text of .json files (read by the caller); other files need not be read to be sorted. */
  text?: string;
}

export interface SortedDrop<F extends DroppedFile> {
  modelJson: F | null;
  shards: F[];
  data: F[];
}

const base = (name: string) => name.split(/[\\/]/).pop()!;

/** Splits dropped files into model.json, its weight shards and data files; errors name the fix. */
export function sortDrop<F extends DroppedFile>(files: F[]): SortedDrop<F> {
  // A Keras architecture JSON (model.to_json()) belongs to the Keras format, beside its weights file.
  const jsons = files.filter(
    (f) => f.name.toLowerCase().endsWith('.json') && !(f.text !== undefined && isArchitectureText(f.text)),
  );
  const models = jsons.filter((f) => f.text !== undefined && /"modelTopology"\s*:/.test(f.text));
  if (models.length > 1) {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `Several model.json files were dropped (${models.map((f) => f.name).join(', ')}); drop one model at a time.`,
    );
  }
  let modelJson = models[0] ?? null;
  if (!modelJson && jsons.length > 0) {
    // A .json that is not a model: let parseModelJson say exactly what is wrong with it.
    modelJson = jsons[0];
  }
  if (!modelJson) {
    const stray = files.filter((f) => /\.bin$/i.test(f.name));
    if (stray.length > 0)
      throw new StudioError(
        'MODEL_NOT_LAYERS',
        `Weight files (${stray.map((f) => f.name).join(', ')}) were dropped without their ` +
          `model.json; drop model.json together with them.`,
      );
    return { modelJson: null, shards: [], data: files };
  }
  const named = new Set(manifestPaths(parseModelJson(modelJson.text ?? '', modelJson.name)));
  const shards = files.filter((f) => f !== modelJson && named.has(base(f.name)));
  const seen = new Set<string>();
  for (const s of shards) {
    if (seen.has(base(s.name)))
      throw new StudioError(
        'MODEL_WEIGHTS_EXTRA',
        `The weight file ${base(s.name)} was dropped twice; drop each file of the model once.`,
      );
    seen.add(base(s.name));
  }
  const rest = files.filter(
    (f) => f !== modelJson && !named.has(base(f.name)) && !(f.text !== undefined && isArchitectureText(f.text)),
  );
  const strayShards = rest.filter(
    (f) => /\.bin$|shard\d+of\d+/i.test(f.name) || f.name.toLowerCase().endsWith('.json'),
  );
  if (strayShards.length > 0) {
    throw new StudioError(
      'MODEL_WEIGHTS_EXTRA',
      `${strayShards.map((f) => base(f.name)).join(', ')} ` +
        `${strayShards.length > 1 ? 'are' : 'is'} not named in ${modelJson.name}'s ` +
        `weightsManifest; drop only the files of one model (and data files).`,
    );
  }
  const missing = [...named].filter((p) => !seen.has(p));
  if (missing.length > 0) {
    throw new StudioError(
      'MODEL_WEIGHTS_MISSING',
      `The weight file${missing.length > 1 ? 's' : ''} ` +
        `${missing.map((m) => shown(m)).join(', ')} named in ${modelJson.name} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing; drop ` +
        `${missing.length > 1 ? 'them' : 'it'} together with ${modelJson.name}.`,
    );
  }
  return { modelJson, shards, data: rest };
}
