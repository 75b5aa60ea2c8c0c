/**
 * Keras model files → tfjs layers-model artifacts, in the browser worker and in Node. Recognises files by
 * content: a `.keras` archive (zip with config.json, metadata.json, model.weights.h5: Keras 3 and tf.keras
 * 2.13+ `model.save('m.keras')`) or a legacy HDF5 model (`model.save('m.h5')`: root attribute `model_config`,
 * weights under `model_weights`). Reads with fflate and h5wasm, converts with src/core/keras/convert.
 */
import { strFromU8 } from 'fflate';
import type { File as H5File } from 'h5wasm';
import { StudioError } from '../../core/errors';
import { convertKeras3, convertKerasH5, type KerasConvertOptions, type KerasH5Input } from './convert';
import type { RawTensor } from './weights';
import type { ModelArtifacts } from '../../core/layers/artifacts';
import { unzipFiles } from '../zip/zip';
import { SAVE_AGAIN, corrupt, parseJson, readFailure } from './fileErrors';
import { checkDeclaredWeights, isGroup, readTensorsBelow, stringAttr, withH5File } from './h5';
import { readLayerGroups } from './layerGroups';

/** The two Keras file kinds, told apart by their first bytes. */
export type KerasFileKind = 'keras-zip' | 'hdf5';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function hasSignatureAt(bytes: Uint8Array, at: number): boolean {
  return at + 8 <= bytes.length && HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b);
}

/** 'keras-zip' for a zip archive, 'hdf5' for an HDF5 file (signature at 0, 512, 1024, ...), else null. */
export function detectKerasFormat(bytes: Uint8Array): KerasFileKind | null {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05))
    return 'keras-zip';
  for (let at = 0; at + 8 <= bytes.length; at = at === 0 ? 512 : at * 2) if (hasSignatureAt(bytes, at)) return 'hdf5';
  return null;
}

const ZIP_MEMBERS = new Set(['config.json', 'metadata.json', 'model.weights.h5', 'model.weights.npz']);

/**
 * The members of a .keras archive this importer reads, through the zip reader that checks sizes against LIMITS
 * before inflating and every entry's CRC-32; its refusals keep their reason with advice about the .keras file.
 */
function unzipKeras(bytes: Uint8Array, fileName: string): Record<string, Uint8Array> {
  try {
    const held = unzipFiles(bytes, fileName, {
      choose: (files) => files.filter((f) => ZIP_MEMBERS.has(f.name)),
    });
    return Object.fromEntries(held.map((f) => [f.name, f.data]));
  } catch (e) {
    if (!(e instanceof StudioError) || e.code !== 'ARCHIVE_INVALID') throw e;
    // The zip reader's sentence is "<name> <what is wrong>; <advice about zips>": keep what is wrong.
    const cut = e.message.lastIndexOf('; ');
    const what = (cut > 0 ? e.message.slice(0, cut) : e.message).replace(fileName, '').trim();
    if (/more than the/.test(what)) {
      throw new StudioError(
        'ARCHIVE_INVALID',
        `The .keras file ${fileName} ${what}; ${SAVE_AGAIN}, or raise the limit in src/core/limits.ts and rebuild.`,
      );
    }
    throw corrupt(fileName, `its zip archive ${what}`);
  }
}

async function readKerasZip(
  bytes: Uint8Array,
  fileName: string,
  options: KerasConvertOptions,
): Promise<ModelArtifacts> {
  const files = unzipKeras(bytes, fileName);
  if (!files['config.json']) throw corrupt(fileName, 'the archive has no config.json, so it is not a .keras model');
  const config = parseJson(strFromU8(files['config.json']), 'config.json', fileName);
  const metadata = files['metadata.json']
    ? parseJson(strFromU8(files['metadata.json']), 'metadata.json', fileName)
    : undefined;
  const weights = files['model.weights.h5'];
  if (!weights) {
    if (files['model.weights.npz'])
      throw new StudioError(
        'MODEL_NOT_LAYERS',
        `${fileName} stores its weights as model.weights.npz, which the importer cannot ` +
          `read; save the model with the default weights format ` +
          `(model.save('model.keras')).`,
      );
    throw corrupt(fileName, 'the archive has no model.weights.h5');
  }
  const tensors = new Map<string, RawTensor>();
  try {
    await withH5File(weights, (file) => {
      checkDeclaredWeights(file, weights.length, `${fileName} (its model.weights.h5)`);
      for (const top of ['layers', '_layer_checkpoint_dependencies']) {
        const g = file.get(top);
        if (isGroup(g)) readTensorsBelow(g, tensors);
      }
    });
  } catch (e) {
    throw readFailure(fileName, e);
  }
  return convertKeras3({ config, metadata, tensors }, fileName, options);
}

function readH5Model(file: H5File, fileName: string): KerasH5Input {
  const configText = stringAttr(file, 'model_config');
  if (configText === undefined) {
    const keys = file.keys();
    const weightsOnly = 'layer_names' in file.attrs || keys.includes('layers') || keys.includes('vars');
    if (weightsOnly)
      throw new StudioError(
        'MODEL_NOT_LAYERS',
        `${fileName} holds only weights (model.save_weights) without the model's architecture; give it together ` +
          "with the architecture JSON (model.to_json() saved to a file, or a .keras archive's config.json): drop " +
          'both at once, or name both with --model weights.h5,architecture.json.',
      );
    throw corrupt(fileName, 'it is an HDF5 file without a Keras model_config');
  }
  const modelConfig = parseJson(configText, 'model_config', fileName);
  const group = file.get('model_weights');
  if (!isGroup(group)) throw corrupt(fileName, 'it has no model_weights group');
  const layers = readLayerGroups(group, fileName);
  return { modelConfig, kerasVersion: stringAttr(file, 'keras_version'), backend: stringAttr(file, 'backend'), layers };
}

/**
 * Reads a Keras `.keras` or `.h5` model file into tfjs layers-model artifacts that loadModelFromArtifacts
 * loads. Throws a StudioError: MODEL_NOT_LAYERS for files that are not (readable) Keras models,
 * MODEL_UNKNOWN_LAYER naming every layer class and activation tfjs cannot run.
 */
export async function readKerasFile(
  bytes: Uint8Array,
  fileName: string,
  options: KerasConvertOptions = {},
): Promise<ModelArtifacts> {
  if (!(bytes instanceof Uint8Array))
    throw new StudioError('INVALID_ARGUMENT', `readKerasFile needs the bytes of ${fileName} as a Uint8Array.`);
  if (bytes.length === 0) throw corrupt(fileName, 'the file is empty');
  const kind = detectKerasFormat(bytes);
  if (kind === 'keras-zip') return readKerasZip(bytes, fileName, options);
  if (kind === 'hdf5') {
    let input: KerasH5Input;
    try {
      input = await withH5File(bytes, (file) => {
        checkDeclaredWeights(file, bytes.length, fileName);
        return readH5Model(file, fileName);
      });
    } catch (e) {
      throw readFailure(fileName, e);
    }
    return convertKerasH5(input, fileName, options);
  }
  throw corrupt(fileName, 'it is neither a .keras zip archive nor an HDF5 .h5 file');
}
