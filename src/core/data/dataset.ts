/**
 * Opening a data file whole: its schema detected from the first lines, then every row streamed as batches in
 * the same pass, or read into one batch. Pure module.
 */
import { asAsync, readLines, type Line } from './lines';
import { concatRaw } from './rawBatch';
import {
  isBlank,
  readBatches,
  readBatchesFromLines,
  type BadRowReport,
  type DataSource,
  type RawBatch,
  type ReadOptions,
} from './reader';
import { detectSchema, type DataSchema, type SchemaOverrides } from './schema';

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

/**
 * Detects the schema from the first lines of a source, then streams the whole source (those lines included)
 * as batches, in one pass: memory stays bounded by one batch, whatever the file's size. The generator's
 * return value is the bad-row report (see {@link readBatches} for its errors).
 */
export async function openDataset(
  source: DataSource,
  opts: ReadDatasetOptions = {},
): Promise<{
  schema: DataSchema;
  batches: AsyncGenerator<RawBatch, BadRowReport>;
  /** Detects the schema again from the same first lines with other overrides (the studio's schema edits). */
  redetect: (overrides: SchemaOverrides) => DataSchema;
}> {
  const want = opts.sampleLines ?? DETECT_LINES;
  let chars = 0;
  const it = readLines(source, opts);
  const head: Line[] = [];
  let nonBlank = 0;
  let rest: IteratorResult<Line> | undefined;
  while (nonBlank < want) {
    rest = await it.next();
    if (rest.done) break;
    head.push(rest.value);
    if (!isBlank(rest.value.text)) nonBlank++;
    chars += rest.value.text.length;
    if (chars > DETECT_CHARS) break;
  }
  let schema: DataSchema;
  try {
    schema = detectSchema(
      head.map((l) => l.text),
      opts.overrides,
    );
  } catch (e) {
    await it.return(undefined); // release the underlying stream
    throw e;
  }
  async function* all(): AsyncGenerator<Line> {
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
  const texts = head.map((l) => l.text);
  return {
    schema,
    batches: readBatchesFromLines(all(), schema, opts),
    redetect: (overrides) => detectSchema(texts, overrides),
  };
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
