/**
 * Applying a fitted feature encoding to raw rows: categorical values to ids (vocabulary lookup, hash, or a
 * checked id column), numeric values to standardised [value, missingIndicator] pairs (or raw values for a bound
 * field). Columns are matched by name. Pure module.
 */
import { StudioError } from '../errors';
import { schemaFieldNames, type RawBatch } from './reader';
import { findColumn, type DataSchema } from './schema';
import {
  fieldWidth,
  hashId,
  numericWidth,
  signLog1p,
  type EncodedBatch,
  type FeatureEncoding,
  type VocabField,
} from './encoding';

const lookups = new WeakMap<VocabField, Map<string, number>>();

function lookupOf(field: VocabField): Map<string, number> {
  let m = lookups.get(field);
  if (!m) {
    m = new Map(field.vocab.map((v, i) => [v, i + 1]));
    lookups.set(field, m);
  }
  return m;
}

/**
 * Where each encoding field comes from in a batch of `schema`; DATA_SCHEMA names missing or mis-kinded columns.
 * An id column may have been read as text or as numbers: a numeric one is given as -1 - its numeric index.
 */
function locate(enc: FeatureEncoding, schema: DataSchema): { cat: number[]; num: number[] } {
  const names = schemaFieldNames(schema);
  const missing: string[] = [];
  const wrongKind: string[] = [];
  const find = (list: string[], other: string[], name: string) => {
    const i = findColumn(list, name);
    if (i < 0) (findColumn(other, name) >= 0 ? wrongKind : missing).push(name);
    return i;
  };
  const findId = (name: string) => {
    const i = findColumn(names.categorical, name);
    if (i >= 0) return i;
    const j = findColumn(names.numeric, name);
    if (j < 0) missing.push(name);
    return -1 - j;
  };
  const cat = enc.categorical.map((f) =>
    f.kind === 'id' ? findId(f.name) : find(names.categorical, names.numeric, f.name),
  );
  const num = enc.numeric.map((f) =>
    f.ids !== undefined ? findId(f.name) : find(names.numeric, names.categorical, f.name),
  );
  if (missing.length > 0) {
    const list =
      missing
        .slice(0, 8)
        .map((n) => `"${n}"`)
        .join(', ') + (missing.length > 8 ? `, … (${missing.length} in all)` : '');
    throw new StudioError(
      'DATA_SCHEMA',
      `The data lacks column${missing.length > 1 ? 's' : ''} ${list} that the feature ` +
        `encoding needs; use a file with the columns the model was trained on.`,
    );
  }
  if (wrongKind.length > 0) {
    const list = wrongKind
      .slice(0, 8)
      .map((n) => `"${n}"`)
      .join(', ');
    throw new StudioError(
      'DATA_SCHEMA',
      `Column${wrongKind.length > 1 ? 's' : ''} ${list} ` +
        `ha${wrongKind.length > 1 ? 've' : 's'} a different kind (numeric or categorical) ` +
        `in this file than in the feature encoding; set the column kinds to match the ` +
        `training data.`,
    );
  }
  return { cat, num };
}

/** Encodes raw rows with a fitted encoding; columns are matched by name, extra columns are ignored. */
export function encodeBatch(enc: FeatureEncoding, batch: RawBatch, schema: DataSchema): EncodedBatch {
  const { cat, num } = locate(enc, schema);
  const rows = batch.rows;
  const inWidth = rows > 0 ? batch.numeric.length / rows : 0;
  const categorical = enc.categorical.map((field, k) => {
    if (field.kind === 'id') return idsOf(field.name, field.size, field.input, batch, cat[k], inWidth);
    const src = batch.categorical[cat[k]];
    const ids = new Int32Array(rows);
    if (field.kind === 'vocab') {
      const m = lookupOf(field);
      for (let r = 0; r < rows; r++) ids[r] = m.get(src[r]) ?? 0;
    } else {
      for (let r = 0; r < rows; r++) ids[r] = hashId(src[r], field.buckets);
    }
    return ids;
  });
  const outWidth = numericWidth(enc);
  const numeric = new Float32Array(rows * outWidth);
  let at = 0;
  enc.numeric.forEach((field, k) => {
    const c = num[k];
    const log = field.transform === 'log';
    const bound = field.input !== undefined;
    const lo = field.min ?? -Infinity; // encodings fitted before clipping existed carry no range
    const hi = field.max ?? Infinity;
    if (field.ids !== undefined) {
      idsOf(field.name, field.ids, field.input, batch, c, inWidth).forEach(
        (id, r) => (numeric[r * outWidth + at] = id),
      );
      at += fieldWidth(field);
      return;
    }
    for (let r = 0; r < rows; r++) {
      const x = batch.numeric[r * inWidth + c];
      const o = r * outWidth + at;
      if (Number.isNaN(x)) {
        if (bound)
          throw new StudioError(
            'DATA_SCHEMA',
            `Column "${field.name}" has no value on line ${batch.lines[r]}, and the model's ` +
              `input "${field.input}" takes its values as they are (the model carries no CTR ` +
              `Studio encoding to fill gaps); fill in the missing values.`,
          );
        numeric[o + 1] = 1;
      } else {
        let t = log ? signLog1p(x) : x;
        if (t < lo) t = lo;
        else if (t > hi) t = hi;
        numeric[o] = (t - field.mean) / field.std;
      }
    }
    at += fieldWidth(field);
  });
  return { rows, labels: batch.labels.slice(0, rows), categorical, numeric };
}

/**
 * The ids of a bound id column (read as text, col ≥ 0, or as numbers, col = -1 - numeric index), each checked
 * to be an integer in [0, size).
 */
function idsOf(
  name: string,
  size: number,
  input: string | undefined,
  batch: RawBatch,
  col: number,
  numericWidth: number,
): Int32Array {
  const ids = new Int32Array(batch.rows);
  const text = col >= 0 ? batch.categorical[col] : null;
  const num = -1 - col;
  for (let r = 0; r < batch.rows; r++) {
    const raw = text ? text[r] : batch.numeric[r * numericWidth + num];
    const id = text ? (/^\s*\d+\s*$/.test(raw as string) ? Number(raw) : NaN) : (raw as number);
    if (!(Number.isInteger(id) && id >= 0 && id < size)) {
      const shown = text ? `"${raw}"` : Number.isNaN(raw as number) ? 'no value' : String(raw);
      throw new StudioError(
        'DATA_SCHEMA',
        `Column "${name}" holds ${shown} on line ${batch.lines[r]}, but the model's input ` +
          `"${input ?? name}" takes integer ids from 0 to ` +
          `${size - 1}${input !== undefined && input.toLowerCase() !== name.toLowerCase() ? ' in its place,' : ''} ` +
          `as they are (the model carries no CTR Studio encoding); give that column the ids ` +
          `the model was trained with.`,
      );
    }
    ids[r] = id;
  }
  return ids;
}
