/**
 * Data files in the worker, whatever their size: one streaming pass counts the rows and keeps a uniform
 * sample (at most SAMPLE_ROWS, in file order) for the interactive work; full passes (statistics, full-file
 * evaluation) stream the file again, chunk by chunk. Memory is bounded by the sample, not the file.
 */
import {
  encodeBatch,
  openDataset,
  readBatches,
  rangeRaw,
  sliceRaw,
  type BadRowReport,
  type DataInput,
  type DataSchema,
  type EncodedBatch,
  type FeatureEncoding,
  type RawBatch,
  type SchemaOverrides,
} from '../core/data';
import { RowReservoir } from '../core/data/reservoir';
import { yieldToEventLoop } from '../core/yield';
import { throwIfCancelled } from './jobs';

/** Rows kept in memory per file for training, fine-tuning and scoring on every slider move. */
export const SAMPLE_ROWS = 100_000;

/** Seed of the uniform sample of a file larger than SAMPLE_ROWS. */
export const SAMPLE_SEED = 7;

/**
 * How a file's columns were read: 'own' as the file itself says (detection plus the user's schema edits, what a
 * new model is trained on), 'model' as the open model's encoding needs, 'asIs' as a model made elsewhere takes
 * them (numbers numeric, text categorical, nothing left out).
 */
export type ReadMode = 'own' | 'model' | 'asIs';

export interface OpenedData {
  name: string;
  /** The file afresh: random access to a Blob, or a byte stream (a new fetch). */
  open: () => Promise<DataInput>;
  /** The schema the rows were read with. */
  schema: DataSchema;
  mode: ReadMode;
  /** The overrides the rows were read with. */
  overrides: SchemaOverrides;
  /** Detects the file's schema again from its first lines with other overrides (no new read of the file). */
  redetect: (overrides: SchemaOverrides) => DataSchema;
  /** Good rows in the whole file. */
  rows: number;
  positives: number;
  report: BadRowReport;
  /** At most SAMPLE_ROWS rows, in file order; every row when the file is small. */
  sample: RawBatch;
  /** Position of each sample row among the file's good rows. */
  ordinals: Float64Array;
  /** True when the sample is not the whole file. */
  sampled: boolean;
}

export interface OpenOptions {
  overrides?: SchemaOverrides;
  mode?: ReadMode;
  capacity?: number;
  signal?: AbortSignal;
  onProgress?: (rows: number) => void;
}

/** Reads a file once: schema, counts, bad rows and the in-memory sample. */
export async function openData(
  name: string,
  open: () => Promise<DataInput>,
  opts: OpenOptions = {},
): Promise<OpenedData> {
  const overrides = opts.overrides ?? {};
  const { schema, batches, redetect } = await openDataset(await open(), { overrides, signal: opts.signal });
  const reservoir = new RowReservoir(opts.capacity ?? SAMPLE_ROWS, SAMPLE_SEED);
  let positives = 0;
  let report: BadRowReport;
  for (;;) {
    throwIfCancelled(opts.signal);
    const step = await batches.next();
    if (step.done) {
      report = step.value;
      break;
    }
    reservoir.add(step.value);
    for (const l of step.value.labels) positives += l;
    opts.onProgress?.(reservoir.rowsSeen);
    await yieldToEventLoop();
  }
  const result = reservoir.result()!;
  return {
    name,
    open,
    schema,
    mode: opts.mode ?? 'own',
    overrides,
    redetect: rememberedDetection(redetect, { overrides, schema }),
    rows: reservoir.rowsSeen,
    positives,
    report,
    sample: result.batch,
    ordinals: result.ordinals,
    sampled: result.batch.rows < reservoir.rowsSeen,
  };
}

/** The sample rows whose file position is in [from, to). */
export function sampleRange(d: OpenedData, from: number, to: number): RawBatch {
  const idx: number[] = [];
  for (let i = 0; i < d.sample.rows; i++) if (d.ordinals[i] >= from && d.ordinals[i] < to) idx.push(i);
  return sliceRaw(d.sample, idx);
}

/** A re-openable stream of the file's rows [from, to) (by position among good rows), encoded chunk by chunk. */
export function streamRows(
  d: OpenedData,
  encoding: FeatureEncoding,
  from = 0,
  to = Infinity,
): () => AsyncIterable<EncodedBatch> {
  return () =>
    (async function* () {
      const batches = readBatches(await d.open(), d.schema, { batchSize: 8192 });
      let at = 0;
      try {
        for (;;) {
          const step = await batches.next();
          if (step.done) return;
          const b = step.value;
          const lo = Math.max(0, from - at);
          const hi = Math.min(b.rows, to - at);
          at += b.rows;
          if (hi > lo) yield encodeBatch(encoding, lo === 0 && hi === b.rows ? b : rangeRaw(b, lo, hi), d.schema);
          if (at >= to) return;
        }
      } finally {
        await batches.return(undefined as never); // close the file's stream when stopping early
      }
    })();
}

/**
 * Detection again from a file's first lines, remembered for the last four overrides asked (the one the file was
 * read with among them): the schema table, the data infos and the re-read checks ask for the same few, and
 * detection on 10,000 lines is not free.
 */
function rememberedDetection(
  detect: (o: SchemaOverrides) => DataSchema,
  first: { overrides: SchemaOverrides; schema: DataSchema },
): (o: SchemaOverrides) => DataSchema {
  const seen = new Map<string, DataSchema>([[JSON.stringify(first.overrides), first.schema]]);
  return (o) => {
    const k = JSON.stringify(o);
    let value = seen.get(k);
    if (!value) {
      value = detect(o);
      if (seen.size >= 4) seen.delete(seen.keys().next().value!);
    } else seen.delete(k);
    seen.set(k, value);
    return value;
  };
}
