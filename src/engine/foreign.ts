/** Models from other tools, converted to tfjs layers-model artifacts when they are opened (Keras, ONNX). */
import { StudioError } from '../core/errors';
import { foreignModelKind } from '../core/model/files';
import type { ModelArtifacts } from '../core/model/artifacts';
import { TFJS_LAYER_CLASSES } from '../core/keras/convert';
import { customLayerClassNames } from '../tf/layers/register';

/** Converts a Keras (.keras/.h5) or ONNX (.onnx) file; the readers load on first use (they are large). */
export async function convertForeignModel(name: string, bytes: Uint8Array): Promise<ModelArtifacts> {
  const kind = foreignModelKind(name);
  if (kind === 'keras') {
    const { readKerasFile } = await import('../io/keras/readKeras');
    return readKerasFile(bytes, name, { layerClasses: [...TFJS_LAYER_CLASSES, ...customLayerClassNames()] });
  }
  if (kind === 'onnx') {
    const { importOnnx } = await import('../core/onnx/import');
    return importOnnx(bytes, name);
  }
  throw new StudioError(
    'MODEL_NOT_LAYERS',
    `${name} is not a model file CTR Studio can convert; drop a tfjs model.json with ` +
      `its weights, a Keras .keras/.h5 file or an ONNX file.`,
  );
}
