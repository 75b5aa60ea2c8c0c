/**
 * Feature encoding fitted on training rows only and stored as plain, compact JSON (it travels inside a tfjs
 * model.json's userDefinedMetadata): categorical values to integer ids (vocabulary or stable hash, id 0 =
 * out of vocabulary), numeric values to standardised [value, missingIndicator] pairs. Pure module. Applying
 * it to rows (encodeBatch) lives in ./encode.
 */
import { StudioError } from '../errors';
import { schemaFieldNames, type RawBatch } from './reader';
import type { ColumnKind, DataSchema, SchemaOverrides } from './schema';
import { NUMERIC_INPUT } from '../model/spec';
import { timeFeatureNames, type TimeFormat, type TimePart } from './timestamps';
import type { SparseLayout } from './sparse';

/** A categorical field with a vocabulary: id = index + 1, id 0 = out of vocabulary (unseen or rarer than minCount). */
export interface VocabField {
  name: string;
  kind: 'vocab';
  minCount: number;
  vocab: string[];
}

/** A categorical field hashed into buckets: id = 1 + fnv1a32(value) % buckets; id 0 is never used. */
export interface HashField {
  name: string;
  kind: 'hash';
  buckets: number;
}

/**
 * A column that already holds ids (label-encoded by the user's own pipeline, for a model made elsewhere):
 * id = the value, an integer in [0, size). Anything else is an error, never a guess.
 */
export interface IdField {
  name: string;
  kind: 'id';
  size: number;
  /** The model input it feeds, when not the input named after the field. */
  input?: string;
}

/** How one categorical field becomes ids. */
export type CategoricalField = VocabField | HashField | IdField;

/**
 * How one numeric field is scaled: t = sign(x)·log1p(|x|) for 'log', x for 'none'; then (t - mean) / std.
 * A field fitted by CTR Studio feeds the 'numeric' input as a [value, missingIndicator] pair. A field with an
 * `input` (bound to a model made elsewhere) feeds that input as its one raw value; a missing value is an error.
 */
export interface NumericField {
  name: string;
  transform: 'log' | 'none';
  mean: number;
  std: number;
  input?: string;
  /**
   * The training range of the transformed value: values outside it are clipped to it before scaling, so that a
   * column that was (nearly) constant in training, or an outlier, cannot push a score to saturation.
   */
  min?: number;
  max?: number;
  /**
   * Bound fields only: the column holds integer ids below this number, for a wide input whose positions index
   * embedding tables (DeepCTR-Torch's one X tensor, pytorch-fm's ids plus offsets); read as text or numbers and
   * checked like ids.
   */
  ids?: number;
}

/** The fitted encoding, plain JSON. */
export interface FeatureEncoding {
  version: 1;
  label: string;
  categorical: CategoricalField[];
  numeric: NumericField[];
  /** Time stamp columns whose hour of day and day of week are categorical fields (`<column>.hour`, ...). */
  times?: { column: string; format: TimeFormat; parts?: TimePart[] }[];
  /**
   * libSVM / libFM rows: the layout they were read with (fields by number or position; a feature map is not
   * stored, it is given again with the file), so that new rows are read with the same columns.
   */
  sparse?: SparseLayout;
  /** Number of rows it was fitted on. */
  fitRows: number;
}

/** Options of {@link fitEncoding}. */
export interface FitOptions {
  /** Least training count for a value to get its own id (default 2); rarer values map to 0. */
  minCount?: number;
  /** Most vocabulary entries per field (the most frequent win); default unlimited. */
  maxVocab?: number;
  /** Hash a field when more than this many values reach minCount (default 100 000). */
  hashAbove?: number;
  /** Buckets of a hashed field (default: hashAbove). */
  hashBuckets?: number;
}

/** Encoded rows ready for a model. */
export interface EncodedBatch {
  rows: number;
  labels: Float32Array;
  /** One id column per encoding.categorical field. */
  categorical: Int32Array[];
  /** rows × numericWidth(encoding), row-major: [value, missingIndicator] per numeric field. */
  numeric: Float32Array;
}

/** Default of {@link FitOptions.minCount}. */
export const DEFAULT_MIN_COUNT = 2;
/** Default of {@link FitOptions.hashAbove}. */
export const DEFAULT_HASH_ABOVE = 100_000;
/** Smallest std used for scaling; a (near-)constant field gets std 1 instead. */
export const MIN_STD = 1e-6;

/** FNV-1a 32-bit hash of a string's UTF-8 bytes (stable across platforms and languages). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  const feed = (b: number) => {
    h = Math.imul(h ^ b, 0x01000193);
  };
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate: what TextEncoder writes
    if (c < 0x800) {
      feed(0xc0 | (c >> 6));
    } else if (c < 0x10000) {
      feed(0xe0 | (c >> 12));
      feed(0x80 | ((c >> 6) & 63));
    } else {
      feed(0xf0 | (c >> 18));
      feed(0x80 | ((c >> 12) & 63));
      feed(0x80 | ((c >> 6) & 63));
    }
    feed(0x80 | (c & 63));
  }
  return h >>> 0;
}

/** Id of a value in a hashed field: 1 + fnv1a32(value) % buckets. */
export function hashId(value: string, buckets: number): number {
  return 1 + (fnv1a32(value) % buckets);
}

/** Values one numeric field takes in an encoded row: 2 (value, missing indicator), or 1 for a bound field. */
export function fieldWidth(f: NumericField): number {
  return f.input === undefined ? 2 : 1;
}

/**
 * Width of an encoded row's numeric part: 2 per fitted numeric field (value and missing indicator), 1 per bound one.
 */
export function numericWidth(enc: FeatureEncoding): number {
  return enc.numeric.reduce((w, f) => w + fieldWidth(f), 0);
}

/**
 * Where each float model input's values sit in an encoded row's numeric part: fitted fields feed
 * NUMERIC_INPUT, bound fields the input they name. A group must be contiguous (bindEncoding makes it so).
 */
export function numericBlocks(enc: FeatureEncoding): Map<string, { offset: number; width: number }> {
  const blocks = new Map<string, { offset: number; width: number }>();
  let at = 0;
  let last = '';
  for (const f of enc.numeric) {
    const input = f.input ?? NUMERIC_INPUT;
    const block = blocks.get(input);
    if (block && input !== last)
      throw new StudioError(
        'MODEL_ENCODING_MISMATCH',
        `The numeric fields feeding the model input "${input}" are not listed together in ` +
          `the feature encoding; bind the data to the model again.`,
      );
    if (block) block.width += fieldWidth(f);
    else blocks.set(input, { offset: at, width: fieldWidth(f) });
    at += fieldWidth(f);
    last = input;
  }
  return blocks;
}

/** Rows of a field's embedding table, including id 0. */
export function vocabSize(field: CategoricalField): number {
  if (field.kind === 'id') return field.size;
  return field.kind === 'vocab' ? field.vocab.length + 1 : field.buckets + 1;
}

/** sign(x)·log1p(|x|). */
export function signLog1p(x: number): number {
  return x < 0 ? -Math.log1p(-x) : Math.log1p(x);
}

/** {@link FitOptions} with their defaults filled in. */
export type ResolvedFitOptions = Required<Omit<FitOptions, 'maxVocab'>> & { maxVocab?: number };

/** Fills in the defaults of {@link FitOptions}. */
export function resolveFitOptions(opts: FitOptions = {}): ResolvedFitOptions {
  const hashAbove = opts.hashAbove ?? DEFAULT_HASH_ABOVE;
  return {
    minCount: Math.max(1, Math.floor(opts.minCount ?? DEFAULT_MIN_COUNT)),
    maxVocab: opts.maxVocab,
    hashAbove,
    hashBuckets: Math.max(1, Math.floor(opts.hashBuckets ?? hashAbove)),
  };
}

function fitCategorical(
  name: string,
  values: readonly string[],
  rows: number,
  o: ResolvedFitOptions,
): CategoricalField {
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return categoricalFromCounts(name, counts, o);
}

/**
 * A categorical field from each value's training count, in order of first appearance (as a Map filled row by row
 * iterates): the values seen minCount times or more, most frequent first, or hashed when too many are.
 */
export function categoricalFromCounts(
  name: string,
  counts: Iterable<[string, number]>,
  o: ResolvedFitOptions,
): CategoricalField {
  const kept: [string, number][] = [];
  for (const e of counts) if (e[1] >= o.minCount) kept.push(e);
  if (kept.length > o.hashAbove) return { name, kind: 'hash', buckets: o.hashBuckets };
  // Ties keep the order of first appearance (Map order, stable sort): the ids then do not depend on how values
  // are spelled, so a file whose values were renamed one to one (hex codes to integers) gets the same model.
  kept.sort((a, b) => b[1] - a[1]);
  const n = o.maxVocab === undefined ? kept.length : Math.min(kept.length, Math.max(0, Math.floor(o.maxVocab)));
  const vocab = new Array<string>(n);
  for (let i = 0; i < n; i++) vocab[i] = kept[i][0];
  return { name, kind: 'vocab', minCount: o.minCount, vocab };
}

/**
 * 'log' for non-negative-ish values with a heavy tail (counts, prices, durations): at least 75% of them ≥ 0, none
 * below -10 (Criteo's I2 has -1/-2), and max > 10 × max(1, median). Otherwise 'none'.
 */
export function chooseTransform(present: Float64Array): 'log' | 'none' {
  const n = present.length;
  if (n === 0) return 'none';
  let negatives = 0;
  for (let i = 0; i < n; i++) {
    const x = present[i];
    if (x < -10) return 'none';
    if (x < 0) negatives++;
  }
  if (negatives > 0.25 * n) return 'none';
  const sorted = present.slice().sort();
  const median = sorted[Math.floor((n - 1) / 2)];
  return sorted[n - 1] > 10 * Math.max(1, median) ? 'log' : 'none';
}

function fitNumeric(name: string, batch: RawBatch, col: number, width: number): NumericField {
  const xs: number[] = [];
  for (let r = 0; r < batch.rows; r++) {
    const x = batch.numeric[r * width + col];
    if (!Number.isNaN(x)) xs.push(x);
  }
  return numericFromValues(name, Float64Array.from(xs));
}

/** A numeric field from its present (not missing) training values, in row order; `present` is overwritten. */
export function numericFromValues(name: string, present: Float64Array): NumericField {
  const transform = chooseTransform(present);
  if (present.length === 0) return { name, transform, mean: 0, std: 1 };
  let sum = 0;
  for (let i = 0; i < present.length; i++) {
    if (transform === 'log') present[i] = signLog1p(present[i]);
    sum += present[i];
  }
  const mean = sum / present.length;
  let ss = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < present.length; i++) {
    ss += (present[i] - mean) ** 2;
    if (present[i] < min) min = present[i];
    if (present[i] > max) max = present[i];
  }
  const std = Math.sqrt(ss / present.length);
  return { name, transform, mean, std: std < MIN_STD ? 1 : std, min, max };
}

/** Fits the encoding on training rows (never on evaluation rows). Deterministic for the same rows and options. */
export function fitEncoding(batch: RawBatch, schema: DataSchema, opts: FitOptions = {}): FeatureEncoding {
  if (batch.rows === 0)
    throw new StudioError('DATA_EMPTY', 'There are no training rows to fit the feature encoding on.');
  const names = schemaFieldNames(schema);
  if (
    batch.categorical.length !== names.categorical.length ||
    batch.numeric.length !== batch.rows * names.numeric.length
  ) {
    throw new StudioError(
      'DATA_SCHEMA',
      'The rows do not have the columns of the data schema they were given with; read ' +
        'the file again with its own schema.',
    );
  }
  const o = resolveFitOptions(opts);
  return assembleEncoding(
    schema,
    names.categorical.map((name, j) => fitCategorical(name, batch.categorical[j], batch.rows, o)),
    names.numeric.map((name, j) => fitNumeric(name, batch, j, names.numeric.length)),
    batch.rows,
  );
}

/** The encoding of a schema's fields, fitted on `fitRows` rows (see {@link fitEncoding}). */
export function assembleEncoding(
  schema: DataSchema,
  categorical: CategoricalField[],
  numeric: NumericField[],
  fitRows: number,
): FeatureEncoding {
  return { version: 1, label: schemaFieldNames(schema).label, categorical, numeric, ...timesOf(schema), fitRows };
}

/** What reading new rows the same way needs beyond the fields: time stamp layouts and parts, a libFM layout. */
function timesOf(schema: DataSchema): Pick<FeatureEncoding, 'times' | 'sparse'> {
  const times = schema.columns.flatMap((c) =>
    c.kind === 'time' && c.time ? [{ column: c.name, format: c.time, ...(c.parts ? { parts: c.parts } : {}) }] : [],
  );
  return {
    ...(times.length ? { times } : {}),
    ...(schema.sparse && schema.sparse.fieldBy !== 'map' ? { sparse: schema.sparse } : {}),
  };
}

/** The rows `idx` of an encoded batch, in that order. */
export function sliceBatch(b: EncodedBatch, idx: Int32Array | readonly number[]): EncodedBatch {
  const n = idx.length;
  const w = b.rows > 0 ? b.numeric.length / b.rows : 0;
  const labels = new Float32Array(n);
  const numeric = new Float32Array(n * w);
  const categorical = b.categorical.map(() => new Int32Array(n));
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    if (!(i >= 0 && i < b.rows)) throw new RangeError(`sliceBatch: row ${i} is outside 0..${b.rows - 1}`);
    labels[k] = b.labels[i];
    if (w > 0) numeric.set(b.numeric.subarray(i * w, (i + 1) * w), k * w);
    for (let j = 0; j < categorical.length; j++) categorical[j][k] = b.categorical[j][i];
  }
  return { rows: n, labels, categorical, numeric };
}

/** Size of the encoding as JSON, in bytes (UTF-16 code units, close to bytes for ASCII vocabularies). */
export function encodingJsonSize(enc: FeatureEncoding): number {
  return JSON.stringify(enc).length;
}

/**
 * Schema settings that read a new file the way the encoding was fitted: the same label column (or, in a file
 * with a header but no column of that name, one with a usual label name such as "Clicked") and the same kind
 * (numeric or categorical) for every encoded column, whatever detection would guess from the new rows.
 */
export function overridesForEncoding(enc: FeatureEncoding): SchemaOverrides {
  const kinds: Record<string, ColumnKind> = {};
  const parts = new Set<string>();
  const timeParts: Record<string, TimePart[]> = {};
  for (const t of enc.times ?? []) {
    kinds[t.column] = 'time';
    if (t.parts) timeParts[t.column] = t.parts;
    const names = timeFeatureNames(t.column, t.format, t.parts);
    for (const n of [names.hour, names.weekday]) if (n) parts.add(n);
  }
  // Id fields are read either way; time parts are not columns.
  for (const f of enc.categorical) if (f.kind !== 'id' && !parts.has(f.name)) kinds[f.name] = 'categorical';
  for (const f of enc.numeric) if (f.ids === undefined) kinds[f.name] = 'numeric';
  // An encoding bound to a model made elsewhere takes the other columns as they are, not as detection reads them.
  const bound = enc.categorical.some((f) => f.kind === 'id') || enc.numeric.some((f) => f.input !== undefined);
  return {
    labelColumn: enc.label,
    kinds,
    lenientKinds: true,
    lenientLabel: true,
    // The model's own encoding names every column it uses; the others are not read (bound ones read all).
    ...(bound ? { asIs: true } : { onlyNamed: true }),
    ...(enc.sparse ? { sparse: enc.sparse } : {}),
    ...(Object.keys(timeParts).length ? { timeParts } : {}),
  };
}
