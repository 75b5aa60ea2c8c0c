/**
 * Keras model files (.keras archives, .h5/.hdf5 files), converted to tfjs layers-model artifacts; a weights-only
 * file (`model.save_weights`) comes with its architecture JSON (`model.to_json()`, or a .keras config.json).
 */
import { CUSTOM_LAYER_CLASSES } from '../../core/layers/customClasses';
import { StudioError } from '../../core/errors';
import type { InputFile, ModelFormat } from '../shared/types';
import { TFJS_LAYER_CLASSES } from './config';
import { isArchitectureText } from './architecture';

export { KERAS_NAMES_KEY, keepOriginalNames, originalNames, withFileNames, withOriginal } from './originalNames';
export { isArchitectureText } from './architecture';

const KERAS_NAME = /\.(keras|h5|hdf5)$/i;
const LAYER_CLASSES = [...TFJS_LAYER_CLASSES, ...CUSTOM_LAYER_CLASSES];

/** The .json files among `files` that hold a Keras model architecture. */
function architectures(files: InputFile[], texts: Map<InputFile, string>): InputFile[] {
  return files.filter((f) => texts.has(f) && isArchitectureText(texts.get(f)!));
}

export const kerasFormat: ModelFormat = {
  id: 'keras',
  describe:
    'a Keras .keras or .h5 file (nested models, recurrent layers and DeepCTR DeepFM/DCN included), a Keras ' +
    'weights file (save_weights .h5 or .weights.h5) with its architecture JSON (to_json or config.json)',
  claim: (files, texts) => {
    const own = files.filter((f) => KERAS_NAME.test(f.name));
    const archs = architectures(files, texts);
    if (own.length > 1 || archs.length > 1) {
      throw new StudioError(
        'MODEL_NOT_LAYERS',
        `Several Keras models were dropped (${[...own, ...archs].map((f) => f.name).join(', ')}); drop one model ` +
          'at a time (a weights file with at most one architecture JSON).',
      );
    }
    const mine = [...own, ...archs];
    return mine.length > 0 ? mine : null;
  },
  async open(files, texts) {
    const weights = files.find((f) => KERAS_NAME.test(f.name));
    const arch = files.find((f) => texts.has(f));
    if (!weights)
      throw new StudioError(
        'MODEL_NOT_LAYERS',
        `${arch!.name} is a Keras model architecture without its weights; give it together with the weights ` +
          'file (model.save_weights .h5 or .weights.h5): drop both at once, or name both with --model ' +
          'weights.h5,architecture.json.',
      );
    // The HDF5 reader is large: it loads on first use.
    if (arch) {
      const { readWeightsWithArchitecture } = await import('./weightsOnly');
      const artifacts = await readWeightsWithArchitecture(
        await weights.bytes(),
        weights.name,
        { name: arch.name, text: texts.get(arch)! },
        { layerClasses: LAYER_CLASSES },
      );
      return { kind: 'layers', format: 'keras', name: weights.name, artifacts };
    }
    const { readKerasFile } = await import('./readKeras');
    const artifacts = await readKerasFile(await weights.bytes(), weights.name, { layerClasses: LAYER_CLASSES });
    return { kind: 'layers', format: 'keras', name: weights.name, artifacts };
  },
};
