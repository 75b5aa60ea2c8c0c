/** What `compress`, `sweep` and `bench` share: opening a model with its train and test rows for compression. */
import { encodeBatch, overridesForEncoding, sliceBatch, type EncodedBatch } from '../core/data';
import { StudioError } from '../core/errors';
import { createRng, shuffledIndices } from '../core/random';
import { Compressor } from '../tf/compressor';
import { tailSplit } from '../core/pipeline/splits';
import { loadData, loadStudioModel, type LoadedModel } from './io';
import { numberArg, type OptionDef, type ParsedArgs } from './args';

export const CALIBRATION_OPTIONS: OptionDef[] = [
  { name: 'calibration-rows', value: 'N', help: 'training rows used for AFM statistics, a seeded sample (default: all)' },
  { name: 'seed', value: 'S', help: 'seed of the calibration sample', default: '42' },
];

export interface CompressionSession {
  loaded: LoadedModel;
  compressor: Compressor;
  calibration: EncodedBatch;
  /** The training rows split for fine-tuning: head to train on, chronological tail (10%) to validate on. */
  fineTuneRows: { train: EncodedBatch; valid: EncodedBatch };
  test: EncodedBatch;
  seed: number;
}

/** A seeded sample of n rows (all rows, in order, when n is absent or not smaller). */
export function sampleRows(rows: EncodedBatch, n: number | undefined, seed: number): EncodedBatch {
  if (n === undefined || n >= rows.rows) return rows;
  const idx = shuffledIndices(rows.rows, createRng(seed)).subarray(0, n).sort();
  return sliceBatch(rows, idx);
}

/** Loads the model, encodes the train rows (calibration sample) and the test rows with the model's encoding. */
export async function openCompression(args: ParsedArgs): Promise<CompressionSession> {
  const loaded = await loadStudioModel(String(args.model));
  const label = overridesForEncoding(loaded.meta.encoding);
  const train = await loadData(String(args.train), label);
  const test = await loadData(String(args.test), label);
  const seed = numberArg(args, 'seed', { integer: true, min: 0 }) ?? 42;
  const n = numberArg(args, 'calibration-rows', { integer: true, min: 1 });
  const trainRows = encodeBatch(loaded.meta.encoding, train.raw, train.schema);
  const calibration = sampleRows(trainRows, n, seed);
  if (calibration.rows < 2) throw new StudioError('DATA_EMPTY', 'AFM needs at least 2 calibration rows; give a training file with more rows.');
  const [ftTrain, ftValid] = tailSplit(trainRows, 0.1);
  return {
    loaded,
    compressor: await Compressor.create(loaded.model),
    calibration,
    fineTuneRows: { train: ftTrain, valid: ftValid },
    test: encodeBatch(loaded.meta.encoding, test.raw, test.schema),
    seed,
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
  return String(raw).split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    if (s === 'keep') return null;
    const v = Number(s);
    if (!Number.isInteger(v) || v < 1) throw new StudioError('USAGE', `--${name} must list positive integers (or keep), such as 8,16,32, not "${raw}".`);
    return v;
  });
}
