/** What `compress`, `sweep` and `bench` share: opening a model with its train and test rows for compression. */
import { sliceBatch, type EncodedBatch } from '../../core/data';
import { StudioError } from '../../core/errors';
import { createRng, shuffledIndices } from '../../core/random';
import { ModelCompressor } from '../../app/modelCompressor';
import type { Compressor } from '../../core/compress/compressor';
import type { ResolvedLayer } from '../../core/compress/plan';
import { tailSplit } from '../../core/pipeline/splits';
import { concatEncoded } from '../../core/data';
import { loadEncoded, loadStudioModel, streamEncoded, type LoadedModel } from './io';
import type { RowSource } from '../../core/data';
import { readFile } from 'node:fs/promises';
import { requireFile } from '../../node/files';
import { mergeStatistics, parseStatistics, type LayerStatistics } from '../../core/compress/statistics';
import { numberArg, type OptionDef, type ParsedArgs } from './args';

export const CALIBRATION_OPTIONS: OptionDef[] = [
  {
    name: 'calibration-rows',
    value: 'N',
    help: 'training rows used for AFM statistics, a seeded sample (default: all)',
  },
  { name: 'seed', value: 'S', help: 'seed of the calibration sample', default: '42' },
];

export interface CompressionSession {
  loaded: LoadedModel;
  compressor: ModelCompressor;
  seed: number;
  /**
   * The calibration rows: a seeded in-memory sample with --calibration-rows, otherwise every training file
   * streamed (one source per file, merged in order, as `.stats` files merge), so memory does not grow with
   * the file.
   */
  calibration(): Promise<RowSource | RowSource[]>;
  /** Every training row in memory. */
  trainRows(): Promise<EncodedBatch>;
  /** The training rows in memory, split for fine-tuning: the head to train on, the last 10% to validate on. */
  fineTuneRows(): Promise<{ train: EncodedBatch; valid: EncodedBatch }>;
  /** The test rows in memory (sweeps and reports score many models on them). */
  testRows(): Promise<EncodedBatch>;
  /** The test rows streamed, chunk by chunk (evaluation of large files). */
  testStream(): AsyncIterable<EncodedBatch>;
}

/** A seeded sample of n rows (all rows, in order, when n is absent or not smaller). */
export function sampleRows(rows: EncodedBatch, n: number | undefined, seed: number): EncodedBatch {
  if (n === undefined || n >= rows.rows) return rows;
  const idx = shuffledIndices(rows.rows, createRng(seed)).subarray(0, n).sort();
  return sliceBatch(rows, idx);
}

/** Comma-separated file names (shards). */
export function fileListArg(args: ParsedArgs, name: string): string[] {
  return String(args[name] ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
}

/**
 * Opens the model and describes its rows; nothing is read until a step asks for it, and large files are only
 * streamed unless a step needs them in memory (fine-tuning, sweeps).
 */
export async function openCompression(args: ParsedArgs): Promise<CompressionSession> {
  const trainFiles = fileListArg(args, 'train');
  const loaded = await loadStudioModel(
    String(args.model),
    trainFiles[0] ?? (args.test ? String(args.test) : undefined),
  );
  const enc = loaded.meta.encoding;
  const seed = numberArg(args, 'seed', { integer: true, min: 0 }) ?? 42;
  const n = numberArg(args, 'calibration-rows', { integer: true, min: 1 });
  const needTrain = () => {
    if (trainFiles.length === 0) throw new StudioError('USAGE', 'This step needs training rows; give --train FILE.');
  };
  let trainInMemory: Promise<EncodedBatch> | null = null;
  const allTrain = () => {
    needTrain();
    trainInMemory ??= Promise.all(trainFiles.map((f) => loadEncoded(f, enc))).then((parts) =>
      parts.length === 1 ? parts[0] : concatEncoded(parts),
    );
    return trainInMemory;
  };
  let testInMemory: Promise<EncodedBatch> | null = null;
  return {
    loaded,
    compressor: new ModelCompressor(loaded.model),
    seed,
    trainRows: allTrain,
    async calibration() {
      needTrain();
      if (n !== undefined) return sampleRows(await allTrain(), n, seed);
      return trainFiles.map((f) => () => streamEncoded(f, enc));
    },
    async fineTuneRows() {
      const [train, valid] = tailSplit(await allTrain(), 0.1);
      return { train, valid };
    },
    testRows() {
      testInMemory ??= loadEncoded(String(args.test), enc);
      return testInMemory;
    },
    testStream: () => streamEncoded(String(args.test), enc),
  };
}

/** Parses a rank option: a positive integer, or "keep" (null). */
export function rankArg(args: ParsedArgs, name: string): number | null {
  const raw = args[name];
  if (raw === undefined || raw === 'keep') return null;
  return numberArg(args, name, { integer: true, min: 1 })!;
}

/** Parses a list of ranks such as 8,16,32 (with "keep" allowed as an entry). */
export function rankListArg(args: ParsedArgs, name: string): (number | null)[] {
  const raw = args[name];
  if (raw === undefined || raw === true) return [null];
  return String(raw)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (s === 'keep') return null;
      const v = Number(s);
      if (!Number.isInteger(v) || v < 1)
        throw new StudioError(
          'USAGE',
          `--${name} must list positive integers (or keep), such as 8,16,32, not "${raw}".`,
        );
      return v;
    });
}

/** Reads `.stats` files and merges them in order, after checking each belongs to the model (by fingerprint). */
export async function readStatisticsFiles(files: string[], fingerprint: string): Promise<LayerStatistics> {
  let merged: LayerStatistics | null = null;
  for (const f of files) {
    const bytes = await readFile(await requireFile(f, 'statistics file'));
    const { model, stats } = parseStatistics(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      f,
    );
    if (model !== fingerprint)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `${f} holds statistics of another model (or another version of it); compute them ` +
          `again with ctr-studio stats --model on this model.`,
      );
    merged = merged ? mergeStatistics(merged, stats) : stats;
  }
  return merged!;
}

/** One report row per Dense and Embedding layer: what the plan did with it and its parameters before and after. */
export function layerRows(
  c: Compressor,
  resolved: ResolvedLayer[],
  layerParams: Map<string, number>,
  fileNames: Record<string, string> = {},
) {
  return resolved.map((p) => {
    const info = c.layer(p.layer);
    return {
      name: p.layer,
      // The name a Keras file gave the layer, where the model's differs.
      ...(fileNames[p.layer] ? { originalName: fileNames[p.layer] } : {}),
      kind: p.kind,
      method: p.method,
      rank: p.rank,
      breakEvenRank: info.breakEvenRank,
      paramsBefore: info.params,
      paramsAfter: layerParams.get(p.layer) ?? info.params,
      ...(p.activationBetween ? { activationBetween: p.activationBetween } : {}),
      ...(p.note ? { note: p.note } : {}),
    };
  });
}

/**
 * A sentence when a plan factors no layer at all, saying why (a model whose compression changes nothing must
 * not look like a result at ratio 1), else null.
 */
export function nothingFactoredWarning(resolved: ResolvedLayer[]): string | null {
  if (resolved.some((r) => r.rank !== null && r.method !== 'keep')) return null;
  if (resolved.length === 0)
    return (
      'nothing was factored: the model has no Dense or Embedding layer (layers of nested models count too), ' +
      'so the compressed model is the original.'
    );
  const why = resolved
    .slice(0, 6)
    .map((r) => `${r.layer}: ${r.note ?? 'no rank was asked for its kind'}`)
    .join('; ');
  const more = resolved.length > 6 ? `; and ${resolved.length - 6} more` : '';
  return (
    `nothing was factored, so the compressed model is the original (${why}${more}); ask for ranks below ` +
    'the break-even ranks ctr-studio inspect lists.'
  );
}
