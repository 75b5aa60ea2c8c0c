/**
 * Weights-only Keras files opened with their architecture: tf.keras `model.save_weights('w.h5')` (the root holds
 * `layer_names` and one group per layer, as model.save's `model_weights` does) or Keras 3
 * `model.save_weights('m.weights.h5')` (`layers/<snake class>/vars/<i>`, as in a .keras archive), together with
 * `model.to_json()` output or a .keras archive's `config.json`.
 */
import { StudioError } from '../../core/errors';
import type { ModelArtifacts } from '../../core/layers/artifacts';
import { convertKeras3, convertKerasH5, type KerasConvertOptions } from './convert';
import { isKerasArchitecture } from './architecture';
import { corrupt, parseJson, readFailure } from './fileErrors';
import { checkDeclaredWeights, isGroup, readTensorsBelow, stringAttr, withH5File } from './h5';
import { readLayerGroups } from './layerGroups';
import { detectKerasFormat } from './readKeras';
import type { RawTensor } from './weights';

/** A JSON file the user gave as the architecture. */
export interface ArchitectureFile {
  name: string;
  text: string;
}

const TOGETHER = 'give the weights file (model.save_weights) together with its architecture JSON';

function wholeModel(fileName: string, arch: string): StudioError {
  return new StudioError(
    'INVALID_ARGUMENT',
    `${fileName} holds a whole model (its own architecture and weights); open it alone, without ${arch}.`,
  );
}

/** Reads a weights-only file's arrays and converts them with the given architecture. */
export async function readWeightsWithArchitecture(
  bytes: Uint8Array,
  fileName: string,
  arch: ArchitectureFile,
  options: KerasConvertOptions = {},
): Promise<ModelArtifacts> {
  const config = parseJson(arch.text, 'architecture', arch.name);
  if (!isKerasArchitecture(config))
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `${arch.name} is not a Keras model architecture (no class_name with a layer list, as model.to_json() and ` +
        `a .keras config.json have); ${TOGETHER}.`,
    );
  const kind = detectKerasFormat(bytes);
  if (kind === 'keras-zip') throw wholeModel(fileName, arch.name);
  if (kind !== 'hdf5') throw corrupt(fileName, 'it is not an HDF5 weights file');
  const version = typeof config.keras_version === 'string' ? config.keras_version : undefined;
  let read:
    | { legacy: true; layers: ReturnType<typeof readLayerGroups>; version?: string; backend?: string }
    | {
        legacy: false;
        tensors: Map<string, RawTensor>;
      };
  try {
    read = await withH5File(bytes, (file) => {
      checkDeclaredWeights(file, bytes.length, fileName);
      if (stringAttr(file, 'model_config') !== undefined) throw wholeModel(fileName, arch.name);
      if ('layer_names' in file.attrs || 'layer_names0' in file.attrs)
        return {
          legacy: true as const,
          layers: readLayerGroups(file, fileName),
          version: stringAttr(file, 'keras_version'),
          backend: stringAttr(file, 'backend'),
        };
      const tensors = new Map<string, RawTensor>();
      for (const top of ['layers', '_layer_checkpoint_dependencies']) {
        const g = file.get(top);
        if (isGroup(g)) readTensorsBelow(g, tensors);
      }
      if (tensors.size === 0 && !isGroup(file.get('vars')))
        throw corrupt(fileName, 'it holds no Keras weights (neither layer_names nor a layers group)');
      return { legacy: false as const, tensors };
    });
  } catch (e) {
    throw readFailure(fileName, e);
  }
  const label = `${fileName} with ${arch.name}`;
  if (read.legacy)
    return convertKerasH5(
      { modelConfig: config, kerasVersion: read.version ?? version, backend: read.backend, layers: read.layers },
      label,
      options,
    );
  return convertKeras3({ config, metadata: { keras_version: version ?? '3' }, tensors: read.tensors }, label, options);
}
