/**
 * Model files ↔ model artifacts, in the standard tfjs layers format (model.json + weight shards), validated
 * before tfjs sees them: tfjs hangs on invalid JSON and silently uses random weights when shards are missing.
 * Pure: plain objects and ArrayBuffers, no tfjs, no file system. The layer-graph checks live in ./graphCheck.
 */
import { StudioError } from '../errors';
import { checkHashField, filesNotMatchingHash, HASH_FIELD, weightsHashes } from './weightsHash';

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
  /** SHA-256 of each weight file by name, recorded by CTR Studio (see ./weightsHash); tfjs ignores it. */
  [HASH_FIELD]?: Record<string, string>;
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

/**
 * A name from a model file as it appears in a message: as is when it is short and plain, else JSON-quoted
 * (control characters escaped) and shortened, so one sentence stays one line whatever the file holds.
 */
export function shown(x: unknown, max = 60): string {
  // Control characters are what this looks for: a name holding them is shown JSON-escaped.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: intended
  const plain = typeof x === 'string' && !/[\u0000-\u001f\u007f\u2028\u2029]/.test(x);
  const s = (plain ? (x as string) : (JSON.stringify(x) ?? String(x))).replace(/[\u2028\u2029]/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The reason JSON.parse gives, on one line and without the (possibly multi-line) snippet of the text it quotes. */
function jsonReason(e: unknown): string {
  // An engine whose JSON.parse recurses runs out of stack on text nested thousands deep (a RangeError, or
  // "too much recursion" in engines that name it otherwise).
  if (e instanceof RangeError || /too much recursion|call stack/i.test(String((e as Error)?.message)))
    return 'it nests arrays or objects too deeply to read';
  const m = String((e as Error)?.message ?? e);
  const token = /^(Unexpected token .+?), "[\s\S]*" is not valid JSON$/.exec(m);
  return shown((token ? token[1] : m).replace(/\s+/g, ' ').trim(), 120);
}

function basename(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1];
}

/** Parses and checks model.json: JSON, a layers-model, with a weights manifest. */
export function parseModelJson(
  text: string,
  fileName = 'model.json',
): ModelJson & { modelTopology: Record<string, unknown> } {
  let json: ModelJson;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as ModelJson;
  } catch (e) {
    throw new StudioError(
      'MODEL_JSON_INVALID',
      `${fileName} is not valid JSON (${jsonReason(e)}); export the model again with ` +
        `tfjs model.save or tensorflowjs_converter.`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `${fileName} is JSON but not a tfjs model (no modelTopology); drop the model.json ` +
        `written by tfjs model.save or tensorflowjs_converter.`,
    );
  }
  if (json.format === 'graph-model' || (json.modelTopology as { node?: unknown } | undefined)?.node) {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `${fileName} is a tfjs graph model, which cannot be compressed layer by layer; ` +
        `convert the original Keras model to a tfjs layers-model (tensorflowjs_converter ` +
        `--output_format=tfjs_layers_model).`,
    );
  }
  const topo = json.modelTopology as Record<string, unknown> | undefined;
  const cls = topo && (topo.class_name ?? (topo.model_config as Record<string, unknown> | undefined)?.class_name);
  if (!topo || typeof cls !== 'string' || !['Model', 'Functional', 'Sequential'].includes(cls)) {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `${fileName} is JSON but not a tfjs layers-model (its modelTopology has no Model, ` +
        `Functional or Sequential class); drop the model.json written by tfjs model.save ` +
        `or tensorflowjs_converter.`,
    );
  }
  const cfg = (topo.model_config as Record<string, unknown> | undefined)?.config ?? topo.config;
  if (!Array.isArray(cfg) && !Array.isArray((cfg as { layers?: unknown } | undefined)?.layers)) {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `The modelTopology of ${fileName} has no list of layers (config.layers), so tfjs ` +
        `cannot build it; export the model again with tfjs model.save or ` +
        `tensorflowjs_converter.`,
    );
  }
  if (!Array.isArray(json.weightsManifest)) {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `${fileName} has no weightsManifest, so its weights cannot be found; save the ` +
        `model with its weights (tfjs model.save).`,
    );
  }
  checkManifest(json.weightsManifest as unknown[], fileName);
  checkHashField(json[HASH_FIELD], fileName);
  return json as ModelJson & { modelTopology: Record<string, unknown> };
}

const WEIGHT_DTYPES = new Set(['float32', 'int32', 'bool']);
const QUANTIZED_DTYPES = new Set(['uint8', 'uint16', 'float16']);

/**
 * Checks the weightsManifest's structure (tfjs trusts it, and a bad one gives garbage weights or a crash):
 * every group has paths and weights, every weight a name, a shape of non-negative integers and a numeric dtype,
 * and no weight name or shard is listed twice. Throws MODEL_MANIFEST_INVALID naming the first problem.
 */
function checkManifest(manifest: unknown[], fileName: string): void {
  const fail = (what: string) => {
    throw new StudioError(
      'MODEL_MANIFEST_INVALID',
      `The weightsManifest of ${fileName} ${what}; export the model again with tfjs ` +
        `model.save or tensorflowjs_converter.`,
    );
  };
  const names = new Set<string>();
  const paths = new Set<string>();
  manifest.forEach((g, gi) => {
    const group = g as { paths?: unknown; weights?: unknown } | null;
    if (typeof group !== 'object' || group === null || Array.isArray(group))
      return fail(`has a group ${gi + 1} that is not an object with paths and weights`);
    if (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string' && basename(p).length > 0)) {
      return fail(`has no list of weight file paths in group ${gi + 1}`);
    }
    if (!Array.isArray(group.weights)) return fail(`has no list of weights in group ${gi + 1}`);
    for (const p of group.paths as string[]) {
      const b = basename(p);
      if (paths.has(b)) return fail(`names the weight file ${shown(b)} twice`);
      paths.add(b);
    }
    for (const w of group.weights as unknown[]) {
      const spec = w as Partial<WeightSpec> | null;
      if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string' || spec.name.length === 0)
        return fail('has a weight without a name');
      const name = spec.name;
      if (names.has(name)) return fail(`lists the weight ${shown(name)} twice`);
      names.add(name);
      if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        return fail(`gives the weight ${shown(name)} the shape ${shown(spec.shape ?? null)}, not a list of sizes`);
      }
      if (typeof spec.dtype !== 'string' || !WEIGHT_DTYPES.has(spec.dtype)) {
        return fail(
          `gives the weight ${shown(name)} the dtype ` +
            `${shown(JSON.stringify(spec.dtype ?? null))}, which tfjs layers-models do not ` +
            `store (float32, int32 or bool)`,
        );
      }
      const q = spec.quantization as WeightSpec['quantization'] | undefined;
      if (q !== undefined && q !== null) {
        if (typeof q !== 'object' || !QUANTIZED_DTYPES.has(q.dtype))
          return fail(`gives the weight ${shown(name)} an unknown quantization ${shown(q)}`);
        if (q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) {
          return fail(`gives the weight ${shown(name)} a ${q.dtype} quantization without a finite scale and min`);
        }
      }
    }
  });
}

/** Every weight shard model.json names, by base name, in manifest order. */
export function manifestPaths(json: ModelJson): string[] {
  return (json.weightsManifest ?? []).flatMap((g) => g.paths.map(basename));
}

/**
 * Assembles artifacts from a parsed model.json and the weight files (by base name). Missing shards, shards
 * whose total size differs from the manifest and shards whose hash differs from the one model.json records
 * are errors, never random, garbage or mixed weights.
 */
export function assembleArtifacts(
  json: ReturnType<typeof parseModelJson>,
  files: Map<string, ArrayBuffer>,
  fileName = 'model.json',
): ModelArtifacts {
  const manifest = json.weightsManifest ?? [];
  const missing = manifestPaths(json).filter((p) => !files.has(p));
  if (missing.length > 0) {
    throw new StudioError(
      'MODEL_WEIGHTS_MISSING',
      `The weight file${missing.length > 1 ? 's' : ''} ` +
        `${missing.map((m) => shown(m)).join(', ')} named in ${fileName} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing; provide ` +
        `${missing.length > 1 ? 'them' : 'it'} together with ${fileName}.`,
      { missing },
    );
  }
  const weightSpecs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    const expected = group.weights.reduce((s, w) => s + weightBytes(w), 0);
    const shards = group.paths.map((p) => new Uint8Array(files.get(basename(p))!));
    const actual = shards.reduce((s, b) => s + b.byteLength, 0);
    if (actual !== expected) {
      throw new StudioError(
        'MODEL_WEIGHTS_SIZE',
        `The weight file${group.paths.length > 1 ? 's' : ''} ` +
          `${group.paths.map((p) => shown(basename(p))).join(', ')} ` +
          `hold${group.paths.length > 1 ? '' : 's'} ${actual} bytes but ${fileName} ` +
          `describes ${expected}; the files are truncated or belong to another model, so ` +
          `export them again together.`,
        { expected, actual },
      );
    }
    for (const w of group.weights) weightSpecs.push(w);
    for (const s of shards) parts.push(s);
  }
  checkHashes(json, files, fileName);
  const weightData = concatBuffers(parts);
  checkFinite(weightSpecs, weightData, fileName);
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? null,
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

/** Throws MODEL_WEIGHTS_MISMATCH when a weight file is not the one model.json was written with (its hash). */
function checkHashes(json: ModelJson, files: ReadonlyMap<string, ArrayBuffer>, fileName: string): void {
  const differ = filesNotMatchingHash(json[HASH_FIELD], manifestPaths(json), files);
  if (differ.length === 0) return;
  const many = differ.length > 1;
  throw new StudioError(
    'MODEL_WEIGHTS_MISMATCH',
    `${fileName} and ${many ? 'the weight files ' : ''}${differ.map((d) => shown(d)).join(', ')} were not ` +
      `written together (the weights' hash${many ? 'es differ from the ones' : ' differs from the one'} ` +
      `${fileName} records); export the model again or use the files from one run.`,
    { files: differ },
  );
}

/** Index of the first non-finite float16 (exponent bits all ones) among `count` values at `offset`, or -1. */
function firstNonFiniteHalf(view: DataView, offset: number, count: number): number {
  for (let i = 0; i < count; i++) if ((view.getUint16(offset + 2 * i, true) & 0x7c00) === 0x7c00) return i;
  return -1;
}

/** Index of the first non-finite float32 among `count` values at `offset`, or -1. */
function firstNonFiniteFloat(data: ArrayBuffer, view: DataView, offset: number, count: number): number {
  if (offset % 4 === 0) {
    const f = new Float32Array(data, offset, count);
    for (let i = 0; i < count; i++) if (!Number.isFinite(f[i])) return i;
    return -1;
  }
  for (let i = 0; i < count; i++) if (!Number.isFinite(view.getFloat32(offset + 4 * i, true))) return i;
  return -1;
}

/**
 * Index of the first uint8 / uint16 value at `offset` that dequantizes (value × scale + min, as tfjs computes it,
 * then stored as float32, or rounded to int32) to a non-finite number, or -1: a scale or min that is finite as a
 * double can still overflow float32 (1e39 does) or overflow once multiplied.
 */
function firstNonFiniteAffine(spec: WeightSpec, view: DataView, offset: number, count: number): number {
  const q = spec.quantization!;
  const scale = Number(q.scale);
  const min = Number(q.min);
  const wide = q.dtype === 'uint16';
  const asFloat = spec.dtype === 'float32';
  for (let i = 0; i < count; i++) {
    const raw = wide ? view.getUint16(offset + 2 * i, true) : view.getUint8(offset + i);
    const v = raw * scale + min;
    if (!Number.isFinite(asFloat ? Math.fround(v) : v)) return i;
  }
  return -1;
}

/**
 * Throws MODEL_WEIGHTS_NOT_FINITE at the first float weight holding NaN or an infinity: tfjs loads such
 * weights and then scores garbage (a NaN inside a ReLU tower can even vanish into plausible numbers).
 */
export function checkFinite(specs: readonly WeightSpec[], data: ArrayBuffer, fileName = 'model.json'): void {
  const view = new DataView(data);
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = weightBytes(spec);
    const q = spec.quantization?.dtype;
    let at = -1;
    if (q === 'float16') at = firstNonFiniteHalf(view, offset, count);
    else if (!q && spec.dtype === 'float32') at = firstNonFiniteFloat(data, view, offset, count);
    else if (q === 'uint8' || q === 'uint16') at = firstNonFiniteAffine(spec, view, offset, count);
    if (at >= 0 && (q === 'uint8' || q === 'uint16')) {
      throw new StudioError(
        'MODEL_WEIGHTS_NOT_FINITE',
        `The weight ${shown(spec.name)} in ${fileName} dequantizes to an infinity (value ${at + 1} of ` +
          `${count}: its ${q} scale and min are too large for float32); quantize it again from the float32 model.`,
        { weight: spec.name, index: at },
      );
    }
    if (at >= 0) {
      const value =
        q === 'float16'
          ? (view.getUint16(offset + 2 * at, true) & 0x3ff) !== 0
            ? NaN
            : Infinity
          : view.getFloat32(offset + 4 * at, true);
      const what = Number.isNaN(value) ? 'NaN' : 'an infinity';
      throw new StudioError(
        'MODEL_WEIGHTS_NOT_FINITE',
        `The weight ${shown(spec.name)} in ${fileName} holds ${what} (value ${at + 1} of ` +
          `${count}), so the model would score garbage; export it again from a checkpoint ` +
          `taken before training diverged.`,
        { weight: spec.name, index: at },
      );
    }
    offset += bytes;
  }
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
    [HASH_FIELD]: weightsHashes([{ name: WEIGHTS_FILE, data: a.weightData }]),
    userDefinedMetadata: a.userDefinedMetadata,
  };
  return { modelJson: JSON.stringify(json), weights: a.weightData, weightsName: WEIGHTS_FILE };
}
