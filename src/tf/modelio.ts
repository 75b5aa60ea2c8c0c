/**
 * Model I/O through memory only, the same in a worker, the main thread and Node: load validated artifacts
 * with tf.io.fromMemory, save by capturing artifacts with tf.io.withSaveHandler (downloads:// needs a document,
 * so a worker cannot save that way).
 */
import { tf } from './tfjs';
import type { LayersModel } from './tfjs';
import { assembleArtifacts, parseModelJson, shown, type ModelArtifacts } from '../core/layers/artifacts';
import { checkTopologyGraph, layerClassNames } from '../core/layers/graphCheck';
import { checkDeclaredSizes, tfjsKeys } from '../core/layers/sizeCheck';
import { readMetadata } from '../core/model/metadata';
import { numericBlocks, vocabSize, type CategoricalField, type FeatureEncoding } from '../core/data/encoding';
import { idPositions, type ModelInputInfo } from '../core/data/binding';
import { describeInputs, inputOfField } from './feed';
import { StudioError } from '../core/errors';

/** Layer class names tfjs (with this project's custom layers) can deserialize. */
export function knownLayerClasses(): Set<string> {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  return new Set(Object.keys(map));
}

/**
 * Loads a model from artifacts after the checks tfjs lacks: a layer graph tfjs can order (it would spin
 * forever otherwise), known layer classes, layer sizes the weights can fill (it would allocate them first);
 * a weight tfjs refuses is named (MODEL_WEIGHTS_MISMATCH), and the stored encoding must fit the inputs.
 */
export async function loadModelFromArtifacts(artifacts: ModelArtifacts, fileName = 'model.json'): Promise<LayersModel> {
  checkTopologyGraph(artifacts.modelTopology, fileName);
  const known = knownLayerClasses();
  const unknown = layerClassNames(artifacts.modelTopology).filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw new StudioError(
      'MODEL_UNKNOWN_LAYER',
      `${fileName} uses layer class${unknown.length > 1 ? 'es' : ''} ` +
        `${unknown.map((c) => shown(c)).join(', ')} that tfjs and CTR Studio do not know; ` +
        `rebuild the model from standard Keras/tfjs layers or the CTR Studio zoo.`,
      { unknown },
    );
  }
  checkLayerSizes(artifacts, fileName);
  checkDeclaredSizes(artifacts.modelTopology, fileName);
  let model: LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
  } catch (e) {
    const badName = /Not a valid tensor name: '(.*)'/s.exec(String((e as Error)?.message ?? ''));
    if (badName) {
      throw new StudioError(
        'MODEL_LOAD',
        `${fileName} names a layer or weight ${shown(badName[1])}, which tfjs cannot take as a name (only letters, ` +
          'digits and . _ - / are allowed); rename it and export the model again.',
      );
    }
    throw (
      (await weightsMismatch(artifacts, fileName)) ??
      new StudioError(
        'MODEL_LOAD',
        `tfjs could not build the model in ${fileName} (${firstClause(e)}); check that ` +
          `the model.json and weight files belong together.`,
      )
    );
  }
  try {
    checkEncodingFits(model, artifacts.userDefinedMetadata, fileName);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/**
 * Layer settings that size a weight, as tfjs reads them (camel-cased: `units_` and `input_dim` arrive as units
 * and inputDim), with the name a message shows: each one is at most the number of values the weight holds.
 */
const SIZE_KEYS = { units: 'units', inputDim: 'input_dim', outputDim: 'output_dim', filters: 'filters' } as const;

/**
 * tfjs allocates every layer's weights from the topology before it reads the weight files, so a size edited
 * into model.json (units: 30000000) would exhaust memory instead of failing. A layer setting that sizes a
 * weight cannot exceed the number of values all weight files hold; throws MODEL_WEIGHTS_MISMATCH if one does.
 */
function checkLayerSizes(artifacts: ModelArtifacts, fileName: string): void {
  const total = artifacts.weightSpecs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  const visit = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 64) return;
    if (Array.isArray(node)) {
      for (const x of node) visit(x, depth + 1);
      return;
    }
    const obj = node as Record<string, unknown>;
    const cfg = obj.config as Record<string, unknown> | undefined;
    if (typeof obj.className === 'string' && cfg && typeof cfg === 'object' && !Array.isArray(cfg)) {
      for (const [key, shownKey] of Object.entries(SIZE_KEYS)) {
        const v = Number(cfg[key]);
        if (v > Math.max(total, 1)) {
          const name = typeof cfg.name === 'string' ? cfg.name : obj.className;
          throw new StudioError(
            'MODEL_WEIGHTS_MISMATCH',
            `The layer ${shown(name)} in ${fileName} sets ${shownKey} to ${v}, but the weight ` +
              `files hold only ${total} values in all; the topology was edited or belongs to ` +
              `another model, so export the model again.`,
          );
        }
      }
    }
    for (const value of Object.values(obj)) visit(value, depth + 1);
  };
  visit(tfjsKeys(artifacts.modelTopology), 0);
}

/** The first clause of a (tfjs) error message: its first line up to the first full stop, at most 160 characters. */
function firstClause(e: unknown): string {
  return shown(
    String((e as Error)?.message ?? e)
      .split('\n')[0]
      .split(/\.\s/)[0]
      .trim()
      .replace(/[\s.:;,]+$/, ''),
    160,
  );
}

const shapeText = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

/** The first five names, each shown, joined by commas, with ", …" when there are more. */
const firstFive = (names: string[]) =>
  `${names
    .slice(0, 5)
    .map((m) => shown(m))
    .join(', ')}${names.length > 5 ? ', …' : ''}`;

/**
 * Why tfjs refused the weights, by comparing the manifest with the variables the topology builds (tfjs's own
 * messages do not name the weight): a weight the model needs that the manifest lacks, one it lists that no
 * layer has, or a shape or dtype that differs. Null when they agree (the failure was something else).
 */
async function weightsMismatch(artifacts: ModelArtifacts, fileName: string): Promise<StudioError | null> {
  let built: LayersModel;
  try {
    built = await tf.models.modelFromJSON({ modelTopology: artifacts.modelTopology } as unknown as tf.io.ModelJSON);
  } catch {
    return null;
  }
  try {
    const specs = new Map(artifacts.weightSpecs.map((w) => [w.name, w]));
    const variables = built.weights.map((w) => ({ name: w.originalName, shape: w.shape, dtype: w.dtype }));
    const needed = new Set(variables.map((v) => v.name));
    const fix = 'the manifest and the topology belong to different models, so export them again together';
    for (const v of variables) {
      const spec = specs.get(v.name);
      if (!spec) {
        const missing = variables.filter((x) => !specs.has(x.name)).map((x) => x.name);
        return new StudioError(
          'MODEL_WEIGHTS_MISMATCH',
          `The weightsManifest of ${fileName} has no entry for the weight${missing.length > 1 ? 's' : ''} ` +
            `${firstFive(missing)} that the model's layers need; export the model again with all its weights.`,
          { missing },
        );
      }
      if (spec.shape.length !== v.shape.length || spec.shape.some((d, i) => d !== v.shape[i])) {
        return new StudioError(
          'MODEL_WEIGHTS_MISMATCH',
          `The weight ${shown(v.name)} has shape ${shapeText(spec.shape)} in the ` +
            `weightsManifest of ${fileName} but ${shapeText(v.shape)} in the model's layers; ` +
            `${fix}.`,
          { weight: v.name },
        );
      }
      const stored = spec.quantization?.original_dtype ?? spec.dtype;
      if (stored !== v.dtype) {
        return new StudioError(
          'MODEL_WEIGHTS_MISMATCH',
          `The weight ${shown(v.name)} is ${shown(stored)} in the weightsManifest of ` +
            `${fileName} but ${v.dtype} in the model's layers; ${fix}.`,
          { weight: v.name },
        );
      }
    }
    const extra = artifacts.weightSpecs.map((w) => w.name).filter((n) => !needed.has(n));
    if (extra.length > 0) {
      return new StudioError(
        'MODEL_WEIGHTS_MISMATCH',
        `The weightsManifest of ${fileName} lists the weight${extra.length > 1 ? 's' : ''} ` +
          `${firstFive(extra)}, which no layer of the model has; ${fix}.`,
        { extra },
      );
    }
    return null;
  } finally {
    built.dispose();
  }
}

/** What to do when the stored encoding does not fit the model. */
const EXPORT_AGAIN = "export the model together with its encoding again (ctr-studio train, or the studio's export)";

/**
 * Checks that the feature encoding stored in the model's metadata (if any) can feed every input: a field per
 * categorical input, the numeric width, and no more ids than the embedding table fed by the input has rows
 * (tfjs would fail mid-scoring, or on some backends read past the table). Throws MODEL_ENCODING_MISMATCH.
 */
export function checkEncodingFits(
  model: LayersModel,
  userDefinedMetadata: Record<string, unknown> | undefined,
  fileName = 'model.json',
): void {
  const meta = readMetadata(userDefinedMetadata);
  if (!meta) return;
  const enc = meta.encoding;
  checkEncodingReadable(enc, fileName);
  const fields = new Map(enc.categorical.map((f) => [inputOfField(f), f]));
  const blocks = numericBlocks(enc);
  const described = describeInputs(model);
  const tables = new Map(described.map((i) => [i.name, i.table]));
  const inputs = new Map(described.map((i) => [i.name, i]));
  const missing: string[] = [];
  model.inputs.forEach((input, k) => {
    const name = model.inputNames[k] ?? input.name;
    const field = fields.get(name);
    const block = blocks.get(name);
    if (!field && block) {
      checkNumericInputFits(enc, name, input.shape[input.shape.length - 1], block.width, inputs.get(name)!, fileName);
      return;
    }
    if (!field) {
      missing.push(name);
      return;
    }
    const ids = vocabSize(field);
    const table = tables.get(name);
    if (table && ids > table.rows) {
      throw new StudioError(
        'MODEL_ENCODING_MISMATCH',
        `The feature encoding stored in ${fileName} gives field ${shown(field.name)} ` +
          `${ids} ids but its embedding layer ${shown(table.layer)} has only ${table.rows} ` +
          `rows; ${EXPORT_AGAIN}.`,
      );
    }
  });
  if (missing.length > 0) {
    throw new StudioError(
      'MODEL_ENCODING_MISMATCH',
      `The feature encoding stored in ${fileName} has no field for the model input${missing.length > 1 ? 's' : ''} ` +
        `${firstFive(missing)}, so no data file can feed ${missing.length > 1 ? 'them' : 'it'}; ${EXPORT_AGAIN}.`,
    );
  }
}

/** Throws MODEL_ENCODING_MISMATCH unless the encoding's categorical and numeric field lists can be read. */
function checkEncodingReadable(enc: FeatureEncoding, fileName: string): void {
  const fieldOk = (f: unknown) => {
    const c = f as Partial<CategoricalField> | null;
    if (!c || typeof c.name !== 'string') return false;
    if (c.kind === 'vocab') return Array.isArray(c.vocab);
    if (c.kind === 'id') return Number.isSafeInteger(c.size) && (c.size as number) > 0;
    return c.kind === 'hash' && Number.isSafeInteger(c.buckets) && (c.buckets as number) > 0;
  };
  if (!Array.isArray(enc.categorical) || !Array.isArray(enc.numeric) || !enc.categorical.every(fieldOk)) {
    throw new StudioError(
      'MODEL_ENCODING_MISMATCH',
      `The feature encoding stored in ${fileName} is malformed (its categorical or ` +
        `numeric fields cannot be read); ${EXPORT_AGAIN}.`,
    );
  }
}

/**
 * Throws MODEL_ENCODING_MISMATCH unless the numeric block of `width` values the encoding gives the input `name`
 * matches the `want` values per row it takes, and every value of it that indexes an embedding table comes from
 * a column checked to hold ids below the table's rows.
 */
function checkNumericInputFits(
  enc: FeatureEncoding,
  name: string,
  want: number | null,
  width: number,
  input: ModelInputInfo,
  fileName: string,
): void {
  if (want !== width) {
    const per = enc.numeric.some((f) => f.input !== undefined) ? '' : ' (2 per numeric field)';
    throw new StudioError(
      'MODEL_ENCODING_MISMATCH',
      `The model's ${per ? 'numeric input' : `input ${shown(name)}`} takes ${want} ` +
        `values per row but the feature encoding stored in ${fileName} gives ` +
        `${width}${per}; ${EXPORT_AGAIN}.`,
    );
  }
  // A value of a wide input that indexes a table must come from a column checked as ids below its rows.
  const bound = enc.numeric.filter((f) => f.input === name);
  for (const [p, t] of idPositions(input)) {
    const f = bound[p];
    if (!f || (f.ids !== undefined && f.ids <= t.rows)) continue;
    throw new StudioError(
      'MODEL_ENCODING_MISMATCH',
      `The feature encoding stored in ${fileName} feeds column ${shown(f.name)} to ` +
        `value ${p + 1} of the input ${shown(name)}, which indexes the embedding layer ` +
        `${shown(t.layer)} of ${t.rows} rows, ` +
        `${f.ids === undefined ? 'without checking it holds ids' : `with ids up to ${f.ids - 1}`}; ` +
        `${EXPORT_AGAIN}.`,
    );
  }
}

/** Loads a model from its files: model.json text plus weight shards by base name. */
export async function loadModelFromFiles(
  modelJson: string,
  weightFiles: Map<string, ArrayBuffer>,
  fileName = 'model.json',
): Promise<LayersModel> {
  const artifacts = assembleArtifacts(parseModelJson(modelJson, fileName), weightFiles, fileName);
  return loadModelFromArtifacts(artifacts, fileName);
}

/** The model's artifacts with metadata attached (weights as one ArrayBuffer). */
export async function saveModelToArtifacts(
  model: LayersModel,
  userDefinedMetadata?: Record<string, unknown>,
): Promise<ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      captured = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = captured as unknown as tf.io.ModelArtifacts;
  const data = a.weightData;
  const weightData = Array.isArray(data)
    ? new Uint8Array(tf.io.concatenateArrayBuffers(data)).buffer
    : (data as ArrayBuffer);
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
