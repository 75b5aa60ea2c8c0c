/**
 * Opening a data file whole: its schema detected from the first lines, then every row streamed as batches in
 * the same pass, or read into one batch. Pure module.
 */
import { asAsync, type Line } from './lines';
import { rowsOf } from './sources';
import { concatRaw } from './rawBatch';
import {
  isBlank,
  readBatches,
  readBatchesFromLines,
  type BadRowReport,
  type CellRow,
  type DataSource,
  type RawBatch,
  type ReadOptions,
} from './reader';
import { detectSchema, detectTableSchema, type DataSchema, type SchemaOverrides } from './schema';

async function collect(
  gen: AsyncGenerator<RawBatch, BadRowReport>,
  schema: DataSchema,
): Promise<{ batch: RawBatch; report: BadRowReport }> {
  const batches: RawBatch[] = [];
  for (;;) {
    const step = await gen.next();
    if (step.done) return { batch: concatRaw(batches, schema), report: step.value };
    batches.push(step.value);
  }
}

/** Reads a whole file into one batch plus its bad-row report (same errors as {@link readBatches}). */
export function readAll(
  source: DataSource,
  schema: DataSchema,
  opts: ReadOptions = {},
): Promise<{ batch: RawBatch; report: BadRowReport }> {
  return collect(readBatches(source, schema, opts), schema);
}

/**
 * Lines read to detect a schema: enough for cardinalities, repeats and the click-rate test of integer columns
 * to mean something; wide files stop earlier, at DETECT_CHARS characters.
 */
export const DETECT_LINES = 10_000;
export const DETECT_CHARS = 16 * 1024 * 1024;

/** Options of {@link readDataset}. */
export interface ReadDatasetOptions extends ReadOptions {
  overrides?: SchemaOverrides;
  /** Non-blank lines used for schema detection (default {@link DETECT_LINES}, at most {@link DETECT_CHARS}). */
  sampleLines?: number;
}

/** An opened data file: its schema, its rows as batches (one pass), and detection again with other settings. */
export interface OpenedDataset {
  schema: DataSchema;
  batches: AsyncGenerator<RawBatch, BadRowReport>;
  /** Detects the schema again from the same first rows with other overrides (the studio's schema edits). */
  redetect: (overrides: SchemaOverrides) => DataSchema;
}

/**
 * Detects the schema from the first rows of a source (text, gzip or Parquet), then streams the whole source
 * (those rows included) as batches, in one pass: memory stays bounded by one batch, whatever the file's size.
 * The generator's return value is the bad-row report (see {@link readBatches} for its errors).
 */
export async function openDataset(source: DataSource, opts: ReadDatasetOptions = {}): Promise<OpenedDataset> {
  const { names, rows: it } = await rowsOf(source, opts);
  const want = opts.sampleLines ?? DETECT_LINES;
  let chars = 0;
  const head: (Line | CellRow)[] = [];
  let nonBlank = 0;
  let rest: IteratorResult<Line | CellRow> | undefined;
  while (nonBlank < want) {
    rest = await it.next();
    if (rest.done) break;
    head.push(rest.value);
    const v = rest.value;
    if ('fields' in v || !isBlank(v.text)) nonBlank++;
    chars += 'fields' in v ? v.fields.reduce((n, f) => n + f.length + 1, 0) : v.text.length;
    if (chars > DETECT_CHARS) break;
  }
  // One array of the sample for every detection: detection remembers its work per sample.
  const sample = names ? head.map((r) => (r as CellRow).fields) : head.map((l) => (l as Line).text);
  const detect = (overrides: SchemaOverrides = {}) =>
    names ? detectTableSchema(names, sample as string[][], overrides) : detectSchema(sample as string[], overrides);
  let schema: DataSchema;
  try {
    schema = detect(opts.overrides);
  } catch (e) {
    await it.return(undefined); // release the underlying stream
    throw e;
  }
  async function* all(): AsyncGenerator<Line | CellRow> {
    try {
      yield* asAsync(head);
      if (rest?.done) return;
      for (;;) {
        const step = await it.next();
        if (step.done) return;
        yield step.value;
      }
    } finally {
      await it.return(undefined);
    }
  }
  return { schema, batches: readBatchesFromLines(all(), schema, opts), redetect: detect };
}

/** Detects the schema from the first lines of a source, then reads all of it, in one pass over the source. */
export async function readDataset(
  source: DataSource,
  opts: ReadDatasetOptions = {},
): Promise<{ schema: DataSchema; batch: RawBatch; report: BadRowReport }> {
  const { schema, batches } = await openDataset(source, opts);
  const { batch, report } = await collect(batches, schema);
  return { schema, batch, report };
}
