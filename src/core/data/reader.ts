/**
 * Streaming row reader: lines in, columnar RawBatches out, with every rejected row counted by line number and
 * reason (never silently dropped, never included). Pure module: works on Node streams, browser File streams and
 * strings alike.
 */
import { StudioError } from '../errors';
import { splitDelimited, type SplitResult } from './delimited';
import { isCommentLine, splitSparse } from './sparse';
import { throwIfAborted, type Line } from './lines';
import { rowsOf, type DataInput } from './sources';
import { validateSchema, type DataSchema } from './schema';
import { isMissingCell, parseLabelCell, parseNumericCell, quoteCell } from './values';
import { parseTime, timeFeatureNames, type TimeFormat } from './timestamps';
import { BAD_REASONS, MAX_BAD_EXAMPLES, checkReport, type BadRowReport } from './badRows';

export { BAD_REASONS, MAX_BAD_EXAMPLES, checkReport, type BadRowReport };

/** A block of parsed rows, column-major per kind. */
export interface RawBatch {
  rows: number;
  /** 0 or 1. */
  labels: Float32Array;
  /** rows × numericNames.length, row-major, NaN = missing. */
  numeric: Float64Array;
  /** One array per categorical column (length rows); '' = missing. */
  categorical: string[][];
  /** Source line number (1-based) of each row. */
  lines: Int32Array;
}

/** Anything a file can be read from: its whole text, a chunked byte/text source, or random access to it. */
export type DataSource = DataInput;

/** Options of the readers. */
export interface ReadOptions {
  /** Rows per yielded batch (default 8192). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Longest accepted line in characters (see readLines). */
  maxLineChars?: number;
}

/** Default rows per batch. */
export const DEFAULT_BATCH_SIZE = 8192;
/** Most cells (rows × stored columns) one batch holds: wide files get fewer rows per batch. */
export const MAX_BATCH_CELLS = 1 << 22;

/**
 * Where a categorical feature comes from: a column's cell, or a part (hour of day, day of week) of a time
 * stamp column's cell.
 */
export interface CategoricalSource {
  name: string;
  col: number;
  time?: TimeFormat;
  part?: 'hour' | 'weekday';
}

/** Names of the label, numeric and categorical features of a schema, in file order (time parts included). */
export function schemaFieldNames(schema: DataSchema): { label: string; numeric: string[]; categorical: string[] } {
  const { label, numeric, categorical } = fieldIndices(schema);
  const name = (i: number) => schema.columns[i].name;
  return { label: name(label), numeric: numeric.map(name), categorical: categorical.map((c) => c.name) };
}

function fieldIndices(schema: DataSchema): { label: number; numeric: number[]; categorical: CategoricalSource[] } {
  validateSchema(schema);
  const numeric: number[] = [];
  const categorical: CategoricalSource[] = [];
  let label = -1;
  schema.columns.forEach((c, i) => {
    if (c.kind === 'label') label = i;
    else if (c.kind === 'numeric') numeric.push(i);
    else if (c.kind === 'categorical') categorical.push({ name: c.name, col: i });
    else if (c.kind === 'time' && c.time) {
      const parts = timeFeatureNames(c.name, c.time, c.parts);
      if (parts.hour) categorical.push({ name: parts.hour, col: i, time: c.time, part: 'hour' });
      if (parts.weekday) categorical.push({ name: parts.weekday, col: i, time: c.time, part: 'weekday' });
    }
  });
  return { label, numeric, categorical };
}

/** Positions of the label, numeric and categorical columns of a schema, in file order. */
type FieldIndices = ReturnType<typeof fieldIndices>;

/**
 * Writes row r's categorical features into `out`; a time stamp that does not parse reports the row through `bad`
 * and returns false (a missing one gives missing parts).
 */
function parseCategorical(
  f: string[],
  line: number,
  idx: FieldIndices,
  names: string[],
  out: string[][],
  r: number,
  bad: (line: number, general: string, specific: string) => void,
): boolean {
  const cats = idx.categorical;
  for (let j = 0; j < cats.length; j++) {
    const c = cats[j];
    const cell = f[c.col];
    if (c.time === undefined) {
      out[j][r] = cell;
      continue;
    }
    if (isMissingCell(cell)) {
      out[j][r] = '';
      continue;
    }
    const t = parseTime(cell, c.time);
    if (t === null) {
      bad(line, BAD_REASONS.notTime, `column "${names[c.col]}" is ${quoteCell(cell)}, not a time stamp (${c.time})`);
      return false;
    }
    const v = c.part === 'hour' ? t.hour : t.weekday;
    out[j][r] = v === null ? '' : String(v);
  }
  return true;
}

/**
 * Parses the cells `f` of one data row: writes its numeric values to numeric[base ..] and returns its label, or
 * reports the row through `bad` (wrong column count, bad label, non-number) and returns null.
 */
function parseRow(
  f: string[],
  line: number,
  idx: FieldIndices,
  names: string[],
  numeric: Float64Array,
  base: number,
  bad: (line: number, general: string, specific: string) => void,
): 0 | 1 | null {
  const ncols = names.length;
  if (f.length !== ncols) {
    bad(line, BAD_REASONS.columns, `expected ${ncols} columns but found ${f.length}`);
    return null;
  }
  const y = parseLabelCell(f[idx.label]);
  if (y === 'empty') {
    bad(line, BAD_REASONS.labelEmpty, `the label (column "${names[idx.label]}") is empty`);
    return null;
  }
  if (y === 'bad') {
    bad(line, BAD_REASONS.labelValue, `the label ${quoteCell(f[idx.label])} is not 0 or 1`);
    return null;
  }
  for (let j = 0; j < idx.numeric.length; j++) {
    const v = parseNumericCell(f[idx.numeric[j]]);
    if (v === undefined) {
      bad(
        line,
        BAD_REASONS.notNumber,
        `column "${names[idx.numeric[j]]}" is ${quoteCell(f[idx.numeric[j]])}, not a number`,
      );
      return null;
    }
    numeric[base + j] = v;
  }
  return y;
}

/** A batch with no rows for a schema. */
export function emptyRaw(schema: DataSchema): RawBatch {
  const { categorical } = fieldIndices(schema);
  return {
    rows: 0,
    labels: new Float32Array(0),
    numeric: new Float64Array(0),
    categorical: categorical.map(() => []),
    lines: new Int32Array(0),
  };
}

export function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  return (c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 0xfeff) && text.trim().length === 0;
}

/** A row already split into cells (a Parquet row), with its 1-based row number. */
export interface CellRow {
  line: number;
  fields: string[];
}

/** Reads batches from text lines, or from rows already split into cells (see {@link readBatches}). */
export async function* readBatchesFromLines(
  lines: AsyncIterable<Line | CellRow>,
  schema: DataSchema,
  opts: ReadOptions = {},
): AsyncGenerator<RawBatch, BadRowReport> {
  const idx = fieldIndices(schema);
  const names = schema.columns.map((c) => c.name);
  const nNum = idx.numeric.length;
  // A wide file gets fewer rows per batch, so that a batch's cells stay bounded whatever the column count.
  const stored = Math.max(1, nNum + idx.categorical.length);
  const size = Math.max(1, Math.floor(Math.min(opts.batchSize ?? DEFAULT_BATCH_SIZE, MAX_BATCH_CELLS / stored)));
  const report: BadRowReport = { totalLines: 0, goodRows: 0, badRows: 0, examples: [], byReason: {} };
  const bad = (line: number, general: string, specific: string) => {
    report.badRows++;
    report.byReason[general] = (report.byReason[general] ?? 0) + 1;
    if (report.examples.length < MAX_BAD_EXAMPLES) report.examples.push({ line, reason: specific });
  };
  const fresh = () => ({
    labels: new Float32Array(size),
    numeric: new Float64Array(size * nNum),
    categorical: idx.categorical.map(() => new Array<string>(size)),
    lines: new Int32Array(size),
  });
  let cur = fresh();
  let r = 0;
  let headerPending = schema.hasHeader;
  const sparse = schema.sparse;

  for await (const item of lines) {
    const line = item.line;
    report.totalLines = line;
    if ((line & 4095) === 0) throwIfAborted(opts.signal);
    let split: SplitResult & { general?: string };
    if ('fields' in item) split = { ok: true, fields: item.fields };
    else {
      const text = item.text;
      if (isBlank(text) || (sparse && isCommentLine(text))) continue;
      split = sparse ? splitSparse(text, sparse, names.length) : splitDelimited(text, schema.delimiter);
    }
    if (headerPending) {
      headerPending = false;
      if (schema.format === 'delimited') checkHeader(split.ok ? split.fields : null, names);
      continue;
    }
    if (!split.ok) {
      bad(line, split.general ?? split.reason, split.reason);
      continue;
    }
    const f = split.fields;
    const y = parseRow(f, line, idx, names, cur.numeric, r * nNum, bad);
    if (y === null || !parseCategorical(f, line, idx, names, cur.categorical, r, bad)) continue;
    cur.labels[r] = y;
    cur.lines[r] = line;
    r++;
    report.goodRows++;
    if (r === size) {
      yield { rows: r, ...cur };
      cur = fresh();
      r = 0;
    }
  }
  throwIfAborted(opts.signal);
  if (r > 0) {
    yield {
      rows: r,
      labels: cur.labels.slice(0, r),
      numeric: cur.numeric.slice(0, r * nNum),
      categorical: cur.categorical.map((c) => c.slice(0, r)),
      lines: cur.lines.slice(0, r),
    };
  }
  checkReport(report);
  return report;
}

function checkHeader(cells: string[] | null, names: string[]): void {
  const got = cells?.map((c) => c.trim());
  if (got && got.length === names.length && got.every((c, i) => c === names[i])) return;
  const shown = got
    ? `${got.length} columns starting ${got
        .slice(0, 3)
        .map((c) => `"${c}"`)
        .join(', ')}`
    : 'an unreadable line';
  throw new StudioError(
    'DATA_HEADER',
    `The header line does not match the expected columns (expected ${names.length} columns starting ${names
      .slice(0, 3)
      .map((c) => `"${c}"`)
      .join(', ')}, found ${shown}); detect the schema of this file again.`,
  );
}

/**
 * Reads a file as columnar batches. The generator's return value is the bad-row report; at the end it throws
 * DATA_EMPTY (no data rows) or DATA_MOSTLY_BAD (more than half rejected), and CANCELLED when the signal aborts.
 */
export async function* readBatches(
  source: DataSource,
  schema: DataSchema,
  opts: ReadOptions = {},
): AsyncGenerator<RawBatch, BadRowReport> {
  const { rows } = await rowsOf(source, opts);
  return yield* readBatchesFromLines(rows, schema, opts);
}
