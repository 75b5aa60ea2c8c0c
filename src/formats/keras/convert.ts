/**
 * Keras model (config + weight arrays already read from the file) → tfjs layers-model artifacts, in the form
 * tensorflowjs_converter writes for Keras files: modelTopology = {keras_version, backend, model_config}, one
 * float32 weight buffer with `<layer>/<weight>` specs. Every layer class and activation tfjs cannot run is
 * reported in one sentence. Pure: no h5wasm, no tfjs (the reading side is src/io/keras).
 */
import { StudioError } from '../../core/errors';
import { checkFinite, concatBuffers, type ModelArtifacts, type WeightSpec } from '../../core/layers/artifacts';
import { STUDIO_VERSION } from '../../core/version';
import {
  MODEL_CLASSES,
  TFJS_LAYER_CLASSES,
  configContext,
  convertModel,
  isObj,
  type Json,
  type Unsupported,
} from './config';
import {
  WeightMappingError,
  h5Weights,
  keras3Weights,
  type H5LayerWeights,
  type PlacedWeight,
  type RawTensor,
} from './weights';
import { expandDeepCtr } from './deepctr';
import { flattenModel } from './flatten';
import { LIMITS } from '../../core/limits';
import { flattenRankTwo } from './flattenRank';
import { pathKey } from './names';
import { KERAS_NAMES_KEY } from './originalNames';

export { TFJS_LAYER_CLASSES } from './config';
export { toSnakeCase } from './weights';
export type { RawTensor, H5LayerWeights } from './weights';

/** Options of a conversion. */
export interface KerasConvertOptions {
  /** Layer classes the target can run; default TFJS_LAYER_CLASSES. Add custom registered classes here. */
  layerClasses?: Iterable<string>;
}

/** What a Keras 3 `.keras` archive holds, already read. */
export interface Keras3Input {
  /** config.json: serialize_keras_object(model). */
  config: Json;
  /** metadata.json ({keras_version, date_saved}), if present. */
  metadata?: Json;
  /** Every array of model.weights.h5 under `layers/` (or `_layer_checkpoint_dependencies/`), by HDF5 path. */
  tensors: Map<string, RawTensor>;
}

/** What a legacy `.h5` (model.save('m.h5'), Keras 2 or 3) holds, already read. */
export interface KerasH5Input {
  /** The root attribute `model_config`, parsed. */
  modelConfig: Json;
  kerasVersion?: string;
  backend?: string;
  /** `model_weights/<layer>` groups in `layer_names` order, each with its `weight_names` arrays. */
  layers: H5LayerWeights[];
}

function listing(map: Map<string, string[]>): string {
  return [...map].map(([cls, names]) => `${cls} (${names.join(', ')})`).join(', ');
}

const REBUILD = "rebuild those parts with supported layers or export the model's CTR part only.";

/** The one-sentence error for unsupported layer classes and activations. */
function unsupportedError(fileName: string, u: Unsupported): StudioError {
  const parts: string[] = [];
  if (u.layers.size > 0) parts.push(`layers tfjs cannot run: ${listing(u.layers)}`);
  if (u.activations.size > 0) parts.push(`activations tfjs cannot run: ${listing(u.activations)}`);
  return new StudioError('MODEL_UNKNOWN_LAYER', `${fileName} uses ${parts.join(' and ')}; ${REBUILD}`, {
    layers: Object.fromEntries(u.layers),
    activations: Object.fromEntries(u.activations),
  });
}

function notLayers(fileName: string, why: string): StudioError {
  return new StudioError(
    'MODEL_NOT_LAYERS',
    `${fileName} cannot be imported: ${why}; save the model again with model.save() ` +
      `from a Functional or Sequential Keras model.`,
  );
}

/**
 * Refuses models nested deeper than LIMITS.modelNesting (the readers below descend one call level per nested
 * model), found without recursion.
 */
function checkNesting(model: Json, fileName: string): void {
  const stack: [unknown, number][] = [[model, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    const layers = isObj(node) && isObj(node.config) ? node.config.layers : undefined;
    if (!Array.isArray(layers)) continue;
    if (depth > LIMITS.modelNesting)
      throw notLayers(fileName, `it nests models more than ${LIMITS.modelNesting} deep (LIMITS.modelNesting)`);
    for (const layer of layers) stack.push([layer, depth + 1]);
  }
}

/** Converts the model config and checks every class; returns the tfjs model_config. */
function convertConfig(model: Json, fileName: string, kerasMajor: number, options: KerasConvertOptions): Json {
  checkNesting(model, fileName);
  const cls = model.class_name;
  if (typeof cls !== 'string' || !isObj(model.config))
    throw notLayers(fileName, 'its model config has no class_name and config');
  if (!MODEL_CLASSES.has(cls) && Array.isArray(model.config.layers) && 'input_layers' in model.config) {
    // A Model subclass with the functional constructor: Keras saves its graph like a Functional's.
    return convertConfig({ ...model, class_name: 'Functional' }, fileName, kerasMajor, options);
  }
  if (!MODEL_CLASSES.has(cls)) {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `${fileName} holds a subclassed Keras model (${cls}), whose layer graph Keras ` +
        `does not save; rebuild it as a Functional or Sequential model and save it again.`,
    );
  }
  const ctx = configContext(options.layerClasses ?? TFJS_LAYER_CLASSES, kerasMajor);
  ctx.expand = expandDeepCtr;
  let converted: Json;
  try {
    converted = convertModel(model, ctx);
  } catch (e) {
    throw notLayers(fileName, (e as Error).message);
  }
  if (ctx.unsupported.layers.size > 0 || ctx.unsupported.activations.size > 0)
    throw unsupportedError(fileName, ctx.unsupported);
  return converted;
}

function mapWeights(fileName: string, map: () => PlacedWeight[]): PlacedWeight[] {
  try {
    return map();
  } catch (e) {
    if (!(e instanceof WeightMappingError)) throw e;
    if (e.unmapped.length > 0) {
      const byClass = new Map<string, string[]>();
      for (const u of e.unmapped) byClass.set(u.className, [...(byClass.get(u.className) ?? []), u.layer]);
      throw new StudioError(
        'MODEL_UNKNOWN_LAYER',
        `${fileName} uses layers whose weights CTR Studio cannot map yet: ${listing(byClass)}; ${REBUILD}`,
        { layers: Object.fromEntries(byClass) },
      );
    }
    throw notLayers(fileName, e.message);
  }
}

function artifacts(
  nested: Json,
  placed: PlacedWeight[],
  kerasVersion: string | undefined,
  backend: string | undefined,
  fileName: string,
): ModelArtifacts {
  let flat: ReturnType<typeof flattenModel>;
  try {
    flat = flattenModel(nested);
  } catch (e) {
    throw notLayers(fileName, (e as Error).message);
  }
  const modelConfig = flattenRankTwo(flat.model);
  const weights = placed.map((w) => ({ name: `${flat.names.get(pathKey(w.path))}/${w.weight}`, tensor: w.tensor }));
  const weightData = concatBuffers(
    weights.map((w) => new Uint8Array(w.tensor.data.buffer, w.tensor.data.byteOffset, w.tensor.data.byteLength)),
  );
  const weightSpecs: WeightSpec[] = weights.map((w) => ({ name: w.name, shape: w.tensor.shape, dtype: 'float32' }));
  // The Keras file's float64 / float16 / integer datasets were read as float32: refuse any NaN or infinity.
  checkFinite(weightSpecs, weightData, fileName);
  const originals = Object.keys(flat.originals).length > 0 ? { [KERAS_NAMES_KEY]: flat.originals } : undefined;
  return {
    modelTopology: {
      keras_version: kerasVersion ?? 'unknown',
      backend: backend ?? 'unknown',
      model_config: modelConfig,
    },
    weightSpecs,
    weightData,
    format: 'layers-model',
    generatedBy: kerasVersion ? `keras v${kerasVersion}` : 'keras',
    convertedBy: `CTR Studio ${STUDIO_VERSION} Keras import`,
    ...(originals ? { userDefinedMetadata: originals } : {}),
  };
}

/** Major version of a Keras version string ('3.5.0' → 3); 2 when unknown. */
export function kerasMajor(version: unknown): number {
  const m = typeof version === 'string' ? /^(\d+)/.exec(version) : null;
  return m ? Number(m[1]) : 2;
}

/** A Keras 3 `.keras` archive's config and weights → tfjs artifacts. */
export function convertKeras3(input: Keras3Input, fileName: string, options: KerasConvertOptions = {}): ModelArtifacts {
  const version = typeof input.metadata?.keras_version === 'string' ? input.metadata.keras_version : undefined;
  const modelConfig = convertConfig(input.config, fileName, kerasMajor(version ?? '3'), options);
  const weights = mapWeights(fileName, () => keras3Weights(modelConfig, input.tensors));
  return artifacts(modelConfig, weights, version, undefined, fileName);
}

/** A legacy `.h5` model's config and weights → tfjs artifacts. */
export function convertKerasH5(
  input: KerasH5Input,
  fileName: string,
  options: KerasConvertOptions = {},
): ModelArtifacts {
  const modelConfig = convertConfig(input.modelConfig, fileName, kerasMajor(input.kerasVersion), options);
  const weights = mapWeights(fileName, () => h5Weights(modelConfig, input.layers));
  return artifacts(modelConfig, weights, input.kerasVersion, input.backend, fileName);
}
