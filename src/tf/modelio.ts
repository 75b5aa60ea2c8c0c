/**
 * Model I/O through memory only, the same in a worker, the main thread and Node: load validated artifacts
 * with tf.io.fromMemory, save by capturing artifacts with tf.io.withSaveHandler (tfjs-pitfalls #9).
 */
import { tf } from './tfjs';
import type { LayersModel } from './tfjs';
import { assembleArtifacts, layerClassNames, parseModelJson, type ModelArtifacts } from '../core/model/artifacts';
import { StudioError } from '../core/errors';

/** Layer class names tfjs (with this project's custom layers) can deserialize. */
export function knownLayerClasses(): Set<string> {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  return new Set(Object.keys(map));
}

/** Loads a model from artifacts, after checking every layer class is known. */
export async function loadModelFromArtifacts(artifacts: ModelArtifacts, fileName = 'model.json'): Promise<LayersModel> {
  const known = knownLayerClasses();
  const unknown = layerClassNames(artifacts.modelTopology).filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw new StudioError('MODEL_UNKNOWN_LAYER', `${fileName} uses layer class${unknown.length > 1 ? 'es' : ''} ${unknown.join(', ')} that tfjs and CTR Studio do not know; rebuild the model from standard Keras/tfjs layers or the CTR Studio zoo.`, { unknown });
  }
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
  } catch (e) {
    throw new StudioError('MODEL_LOAD', `tfjs could not build the model in ${fileName} (${(e as Error).message}); check that the model.json and weight files belong together.`);
  }
}

/** Loads a model from its files: model.json text plus weight shards by base name. */
export async function loadModelFromFiles(modelJson: string, weightFiles: Map<string, ArrayBuffer>, fileName = 'model.json'): Promise<LayersModel> {
  const artifacts = assembleArtifacts(parseModelJson(modelJson, fileName), weightFiles, fileName);
  return loadModelFromArtifacts(artifacts, fileName);
}

/** The model's artifacts with metadata attached (weights as one ArrayBuffer). */
export async function saveModelToArtifacts(model: LayersModel, userDefinedMetadata?: Record<string, unknown>): Promise<ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      captured = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = captured as unknown as tf.io.ModelArtifacts;
  const data = a.weightData;
  const weightData = Array.isArray(data) ? new Uint8Array(tf.io.concatenateArrayBuffers(data)).buffer : (data as ArrayBuffer);
  return {
    modelTopology: a.modelTopology as Record<string, unknown>,
    weightSpecs: (a.weightSpecs ?? []) as ModelArtifacts['weightSpecs'],
    weightData,
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    userDefinedMetadata: userDefinedMetadata ?? (a.userDefinedMetadata as Record<string, unknown> | undefined),
  };
}
