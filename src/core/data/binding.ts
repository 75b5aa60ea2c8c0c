/**
 * Binding data columns to a model made elsewhere (ONNX, Keras, a tfjs model without CTR Studio's encoding):
 * such a model expects the values its own pipeline made (label-encoded ids, scaled numbers), so nothing is
 * fitted; each input is fed, as is, from the column named after it. The result is a FeatureEncoding with id
 * fields and bound numeric fields, so every scoring path (statistics, AUC, export with metadata) works on it.
 * Pure module.
 */
import { StudioError } from '../errors';
import { schemaFieldNames } from './reader';
import { findColumn, type DataSchema } from './schema';
import type { FeatureEncoding, IdField, NumericField } from './encoding';

/** A model input as binding sees it (src/tf/feed.ts describeInputs makes these from a tfjs model). */
export interface ModelInputInfo {
  name: string;
  /** 'int32' for id inputs, 'float32' for values (or for ids, when the input feeds an embedding table). */
  dtype: string;
  /** Values per row (NaN when a dimension is unknown). */
  width: number;
  /** The smallest embedding table the input feeds: its layer and rows (ids must be below rows). */
  table?: { layer: string; rows: number };
  /**
   * Positions [start, end) of a wide input that index an embedding table, ids there below rows: a float X
   * sliced into tables (DeepCTR-Torch: `X[:, a:b].long()` into nn.Embedding), or int ids plus offsets into one
   * shared table (pytorch-fm), where rows is the position's own field size.
   */
  idRanges?: { start: number; end: number; layer: string; rows: number }[];
}

/** An input of ids: int32, or a float input that feeds an embedding table (Keras' default Input dtype). */
export function isIdInput(input: ModelInputInfo): boolean {
  return input.dtype === 'int32' || input.table !== undefined;
}

/** The positions of a wide input that index tables, each with the smallest table's rows it indexes. */
export function idPositions(input: ModelInputInfo): Map<number, { layer: string; rows: number }> {
  const at = new Map<number, { layer: string; rows: number }>();
  for (const r of input.idRanges ?? []) {
    for (let p = r.start; p < r.end; p++)
      if (!at.has(p) || at.get(p)!.rows > r.rows) at.set(p, { layer: r.layer, rows: r.rows });
  }
  return at;
}

/** Ids of an input that feeds no embedding table we can see still must fit an int32. */
const NO_TABLE_SIZE = 2 ** 31 - 1;

const list = (names: string[]) =>
  names
    .slice(0, 6)
    .map((n) => `"${n}"`)
    .join(', ') + (names.length > 6 ? `, … (${names.length} in all)` : '');

/**
 * An encoding that feeds each input from its columns, matched by name (case-insensitively): an id input
 * (see isIdInput, one per row) from one column of integer ids; a float input of width 1 from the column of its name;
 * one float input of width w not named by a column from the w numeric columns left over, in file order
 * (DeepCTR-style "dense features" input), or, when its positions index embedding tables (DeepCTR-Torch's one X
 * tensor, pytorch-fm's ids plus offsets), from the w feature columns left over, ids and numbers, in file
 * order. Anything else is a DATA_SCHEMA error naming the inputs.
 */
export function bindEncoding(inputs: readonly ModelInputInfo[], schema: DataSchema): FeatureEncoding {
  const names = schemaFieldNames(schema);
  const all = [...names.categorical, ...names.numeric];
  const used = new Set<string>();
  const categorical: IdField[] = [];
  const numeric: NumericField[] = [];
  const missing: string[] = [];
  const leftover: ModelInputInfo[] = [];
  for (const input of inputs) {
    const at = findColumn(all, input.name);
    if (isIdInput(input)) {
      if (input.width !== 1 && input.idRanges?.length) {
        leftover.push(input); // ids of every field in one tensor (pytorch-fm): its columns in file order
        continue;
      }
      if (input.width !== 1) {
        throw new StudioError(
          'DATA_SCHEMA',
          `The model input "${input.name}" takes ` +
            `${Number.isNaN(input.width) ? 'a variable number of' : input.width} ids per row, ` +
            `and a model without CTR Studio's encoding is fed one id column per id input; ` +
            `export the model with one input per field.`,
        );
      }
      if (at < 0) missing.push(input.name);
      else {
        used.add(all[at]);
        categorical.push({ name: all[at], kind: 'id', size: input.table?.rows ?? NO_TABLE_SIZE, input: input.name });
      }
    } else if (at >= 0 && input.width === 1) {
      if (findColumn(names.numeric, input.name) < 0) {
        throw new StudioError(
          'DATA_SCHEMA',
          `The model input "${input.name}" takes a number, but column "${all[at]}" holds ` +
            `text, and a model without CTR Studio's encoding is fed its columns as they are; ` +
            `give that column numbers.`,
        );
      }
      used.add(all[at]);
      numeric.push(rawField(all[at], input.name));
    } else leftover.push(input);
  }
  if (missing.length > 0) {
    throw new StudioError(
      'DATA_SCHEMA',
      `The data has no column for the model's id input${missing.length > 1 ? 's' : ''} ` +
        `${list(missing)}, and a model without CTR Studio's encoding is fed the columns ` +
        `named after its inputs; name the data's columns so (ctr-studio inspect lists the ` +
        `inputs).`,
    );
  }
  if (leftover.length > 1) {
    throw new StudioError(
      'DATA_SCHEMA',
      `The model's inputs ${list(leftover.map((i) => i.name))} are not column names of ` +
        `the data, and a model without CTR Studio's encoding is fed the columns named ` +
        `after its inputs; name the data's columns so (ctr-studio inspect lists the ` +
        `inputs).`,
    );
  }
  if (leftover.length === 1 && leftover[0].idRanges?.length) {
    for (const b of bindMixed(leftover[0], schema, used)) numeric.push(b); // one per column: no spreading
  } else if (leftover.length === 1) {
    for (const b of bindDense(leftover[0], names.numeric, used)) numeric.push(b);
  }
  if (categorical.length === 0 && numeric.length === 0) {
    throw new StudioError('DATA_SCHEMA', 'The model has no inputs, so no data can feed it.');
  }
  return { version: 1, label: names.label, categorical, numeric, fitRows: 0 };
}

/** A numeric field fed as is (no scaling) from the column `name` to the model input `input`. */
const rawField = (name: string, input: string): NumericField => ({ name, transform: 'none', mean: 0, std: 1, input });

/**
 * The fields of one float input not named by a column: the numeric columns not named after another input
 * (`used`), in file order, which must be exactly as many as the input's width.
 */
function bindDense(input: ModelInputInfo, numericNames: string[], used: Set<string>): NumericField[] {
  const rest = numericNames.filter((n) => !used.has(n));
  if (rest.length !== input.width) {
    throw new StudioError(
      'DATA_SCHEMA',
      `The model input "${input.name}" takes ` +
        `${Number.isNaN(input.width) ? 'a variable number of' : input.width} values per ` +
        `row, but the data has ${rest.length} numeric ` +
        `column${rest.length === 1 ? '' : 's'} not named after another input, and a model ` +
        `without CTR Studio's encoding is fed them as they are; give the data exactly ` +
        `those columns, in the model's order.`,
    );
  }
  return rest.map((n) => rawField(n, input.name));
}

/**
 * The fields of one wide input whose positions index embedding tables (a float X sliced per field, or int ids
 * plus offsets into one table): every feature column not named after another input, in file order, position
 * by position; at an id position (every position of an int input) the column's values are checked ids.
 */
function bindMixed(input: ModelInputInfo, schema: DataSchema, used: Set<string>): NumericField[] {
  const tables = idPositions(input);
  const cols = schema.columns.filter((c) => (c.kind === 'categorical' || c.kind === 'numeric') && !used.has(c.name));
  const idCount = tables.size;
  if (cols.length !== input.width) {
    throw new StudioError(
      'DATA_SCHEMA',
      `The model input "${input.name}" takes ` +
        `${Number.isNaN(input.width) ? 'a variable number of' : input.width} values per ` +
        `row (${idCount} of them ids for embedding tables), but the data has ` +
        `${cols.length} feature column${cols.length === 1 ? '' : 's'} not named after ` +
        `another input, and a model without CTR Studio's encoding is fed them as they ` +
        `are; give the data exactly those columns, in the model's order.`,
    );
  }
  const allIds = input.dtype === 'int32';
  return cols.map((c, p) => {
    const table = tables.get(p) ?? (allIds ? { layer: '', rows: NO_TABLE_SIZE } : undefined);
    if (!table && c.kind === 'categorical') {
      throw new StudioError(
        'DATA_SCHEMA',
        `Column "${c.name}" holds text, but it is value ${p + 1} of the model input ` +
          `"${input.name}", which takes a number there, and a model without CTR Studio's ` +
          `encoding is fed its columns as they are, in file order; give that column ` +
          `numbers, or put the columns in the model's order.`,
      );
    }
    return {
      name: c.name,
      transform: 'none',
      mean: 0,
      std: 1,
      input: input.name,
      ...(table ? { ids: table.rows } : {}),
    };
  });
}

/** One sentence saying which columns feed which inputs of a bound encoding. */
export function describeBinding(enc: FeatureEncoding): string {
  const ids = enc.categorical.map((f) => f.name);
  const groups = new Map<string, string[]>();
  for (const f of enc.numeric) groups.set(f.input ?? '', [...(groups.get(f.input ?? '') ?? []), f.name]);
  const span = (cols: string[]) =>
    cols.length > 4 ? `${cols[0]} … ${cols[cols.length - 1]} (${cols.length} columns)` : cols.join(', ');
  const parts = [
    ...(ids.length > 0 ? [`${span(ids)} as ids`] : []),
    ...[...groups].map(([input, cols]) => {
      if (cols.length === 1 && cols[0].toLowerCase() === input.toLowerCase()) return `${cols[0]} as a value`;
      const ids = enc.numeric.filter((f) => (f.input ?? '') === input && f.ids !== undefined).length;
      return `${span(cols)} into "${input}"${ids > 0 ? ` (${ids} of them ids for embedding tables)` : ''}`;
    }),
  ];
  return (
    `The model carries no CTR Studio encoding, so the data's columns feed its inputs ` +
    `by name, as they are: ${parts.join('; ')}.`
  );
}
