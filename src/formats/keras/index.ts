/** Keras model files (.keras archives, .h5/.hdf5 files), converted to tfjs layers-model artifacts. */
import { CUSTOM_LAYER_CLASSES } from '../../core/layers/customClasses';
import type { ModelFormat } from '../shared/types';
import { TFJS_LAYER_CLASSES } from './config';

const KERAS_NAME = /\.(keras|h5|hdf5)$/i;

export const kerasFormat: ModelFormat = {
  id: 'keras',
  describe: 'a Keras .keras or .h5 file',
  claim: (files) => {
    const own = files.filter((f) => KERAS_NAME.test(f.name));
    return own.length > 0 ? own : null;
  },
  async open([file]) {
    // The HDF5 reader is large: it loads on first use.
    const { readKerasFile } = await import('./readKeras');
    const artifacts = await readKerasFile(await file.bytes(), file.name, {
      layerClasses: [...TFJS_LAYER_CLASSES, ...CUSTOM_LAYER_CLASSES],
    });
    return { kind: 'layers', format: 'keras', name: file.name, artifacts };
  },
};
