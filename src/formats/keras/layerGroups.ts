/**
 * The layer groups of a legacy Keras HDF5 weights group (model.save's `model_weights`, or the root of a
 * tf.keras `model.save_weights('w.h5')` file): `layer_names` in order, each group's `weight_names` arrays.
 */
import type { Group } from 'h5wasm';
import { corrupt } from './fileErrors';
import { isDataset, isGroup, readTensor, stringListAttr } from './h5';
import type { H5LayerWeights } from './weights';

/** Every layer group named in `layer_names`, with its arrays in `weight_names` order. */
export function readLayerGroups(group: Group, fileName: string): H5LayerWeights[] {
  return stringListAttr(group, 'layer_names').map((layer) => {
    const g = group.get(layer);
    if (!isGroup(g)) throw corrupt(fileName, `its weights have no group for layer ${layer}`);
    const names = stringListAttr(g as Group, 'weight_names');
    return {
      layer,
      weights: names.map((name) => {
        const ds = (g as Group).get(name);
        if (!isDataset(ds)) throw corrupt(fileName, `the weight ${name} of layer ${layer} is missing`);
        return { name, tensor: readTensor(ds) };
      }),
    };
  });
}
