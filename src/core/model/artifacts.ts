/**
 * Model files ↔ model artifacts, in the standard tfjs layers format (model.json + weight shards), validated
 * before tfjs sees them: tfjs hangs on invalid JSON and silently uses random weights when shards are missing
 * (tfjs-pitfalls #8). Pure: plain objects and ArrayBuffers, no tfjs, no file system.
 */
import { StudioError } from '../errors';

/** One weight's entry in a manifest (tfjs WeightsManifestEntry). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number; original_dtype?: string };
}

/** The parts of tf.io.ModelArtifacts this project reads and writes. */
export interface ModelArtifacts {
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  userDefinedMetadata?: Record<string, unknown>;
}

interface ModelJson {
  modelTopology?: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest?: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

/** Name of the single weight file this project writes. */
export const WEIGHTS_FILE = 'group1-shard1of1.bin';

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a weight occupies in its shard, after any quantization. */
export function weightBytes(spec: WeightSpec): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  return count * BYTES[spec.quantization?.dtype ?? spec.dtype];
}

function basename(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1];
}

/** Parses and checks model.json: JSON, a layers-model, with a weights manifest. */
export function parseModelJson(text: string, fileName = 'model.json'): ModelJson & { modelTopology: Record<string, unknown> } {
  let json: ModelJson;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as ModelJson;
  } catch (e) {
    throw new StudioError('MODEL_JSON_INVALID', `${fileName} is not valid JSON (${(e as Error).message}); export the model again with tfjs model.save or tensorflowjs_converter.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new StudioError('MODEL_NOT_LAYERS', `${fileName} is JSON but not a tfjs model (no modelTopology); drop the model.json written by tfjs model.save or tensorflowjs_converter.`);
  }
  if (json.format === 'graph-model' || (json.modelTopology as { node?: unknown } | undefined)?.node) {
    throw new StudioError('MODEL_NOT_LAYERS', `${fileName} is a tfjs graph model, which cannot be compressed layer by layer; convert the original Keras model to a tfjs layers-model (tensorflowjs_converter --output_format=tfjs_layers_model).`);
  }
  const topo = json.modelTopology as Record<string, unknown> | undefined;
  const cls = topo && (topo.class_name ?? (topo.model_config as Record<string, unknown> | undefined)?.class_name);
  if (!topo || typeof cls !== 'string' || !['Model', 'Functional', 'Sequential'].includes(cls)) {
    throw new StudioError('MODEL_NOT_LAYERS', `${fileName} is JSON but not a tfjs layers-model (its modelTopology has no Model, Functional or Sequential class); drop the model.json written by tfjs model.save or tensorflowjs_converter.`);
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw new StudioError('MODEL_NOT_LAYERS', `${fileName} has no weightsManifest, so its weights cannot be found; save the model with its weights (tfjs model.save).`);
  }
  return json as ModelJson & { modelTopology: Record<string, unknown> };
}

/** Every weight shard model.json names, by base name, in manifest order. */
export function manifestPaths(json: ModelJson): string[] {
  return (json.weightsManifest ?? []).flatMap((g) => g.paths.map(basename));
}

/**
 * Assembles artifacts from a parsed model.json and the weight files (by base name). Missing shards and
 * shards whose total size differs from the manifest are errors, never random or garbage weights.
 */
export function assembleArtifacts(json: ReturnType<typeof parseModelJson>, files: Map<string, ArrayBuffer>, fileName = 'model.json'): ModelArtifacts {
  const manifest = json.weightsManifest ?? [];
  const missing = manifestPaths(json).filter((p) => !files.has(p));
  if (missing.length > 0) {
    throw new StudioError('MODEL_WEIGHTS_MISSING', `The weight file${missing.length > 1 ? 's' : ''} ${missing.join(', ')} named in ${fileName} ${missing.length > 1 ? 'are' : 'is'} missing; provide ${missing.length > 1 ? 'them' : 'it'} together with ${fileName}.`, { missing });
  }
  const weightSpecs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    const expected = group.weights.reduce((s, w) => s + weightBytes(w), 0);
    const shards = group.paths.map((p) => new Uint8Array(files.get(basename(p))!));
    const actual = shards.reduce((s, b) => s + b.byteLength, 0);
    if (actual !== expected) {
      throw new StudioError('MODEL_WEIGHTS_SIZE', `The weight file${group.paths.length > 1 ? 's' : ''} ${group.paths.map(basename).join(', ')} hold${group.paths.length > 1 ? '' : 's'} ${actual} bytes but ${fileName} describes ${expected}; the files are truncated or belong to another model, so export them again together.`, { expected, actual });
    }
    weightSpecs.push(...group.weights);
    parts.push(...shards);
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: concatBuffers(parts),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? null,
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

/** Concatenates byte arrays into one ArrayBuffer. */
export function concatBuffers(parts: (Uint8Array | ArrayBuffer)[]): ArrayBuffer {
  const views = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(views.reduce((s, v) => s + v.byteLength, 0));
  let at = 0;
  for (const v of views) {
    out.set(v, at);
    at += v.byteLength;
  }
  return out.buffer;
}

/** The files of a saved model: model.json text and one weight shard. */
export function artifactsToFiles(a: ModelArtifacts): { modelJson: string; weights: ArrayBuffer; weightsName: string } {
  const json: ModelJson = {
    modelTopology: a.modelTopology,
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: a.weightSpecs }],
    userDefinedMetadata: a.userDefinedMetadata,
  };
  return { modelJson: JSON.stringify(json), weights: a.weightData, weightsName: WEIGHTS_FILE };
}

/** Layer class names used anywhere in a topology (nested models included). */
export function layerClassNames(topology: Record<string, unknown>): string[] {
  const names = new Set<string>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const obj = node as Record<string, unknown>;
    const cfg = obj.config as Record<string, unknown> | undefined;
    if (typeof obj.class_name === 'string' && cfg && typeof cfg === 'object' && Array.isArray(cfg.layers)) {
      (cfg.layers as unknown[]).forEach((l) => {
        const layer = l as Record<string, unknown>;
        if (typeof layer.class_name === 'string') names.add(layer.class_name);
        visit(layer);
      });
    }
    if (obj.model_config) visit(obj.model_config);
  };
  visit(topology);
  return [...names];
}
