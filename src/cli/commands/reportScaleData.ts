/**
 * The rows of the scale report: synthetic training and test files written by `synth`'s own writer, read back the
 * way `train` reads them (schema detection, the CLI's reader), split and encoded as the CLI's `prepareSplits`
 * does but streamed batch by batch (core/pipeline/streamSplits), so only typed arrays are ever held. The models
 * are trained by `train`'s code and saved as tfjs layers-models, then loaded back as every command loads a model.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  openDataset,
  overridesForSchema,
  type EncodedBatch,
  type FeatureEncoding,
  type RawBatch,
} from '../../core/data';
import { StudioError } from '../../core/errors';
import type { PreparedSplits } from '../../core/pipeline/splits';
import { encodeStream, StreamingSplits } from '../../core/pipeline/streamSplits';
import { DEFAULT_SPEC, TRAIN_DEFAULTS, type ModelKind } from '../../core/model/spec';
import { METADATA_KEY } from '../../core/model/metadata';
import type { TrainedSummary } from '../../core/report/scale';
import { openDataFile, writeModelDir } from '../../node/files';
import { trainZooModel } from '../../tf/trainZoo';
import { saveModelToArtifacts } from '../../tf/modelio';
import { useBackend } from '../../tf/backend';
import { DEFAULT_TRAIN } from '../../tf/train';
import { STUDIO_VERSION } from '../../core/version';
import { writeFileAtomic } from '../../node/atomic';
import { warnBadRows } from '../shared/io';
import { type SynthFile, writeSynthFile } from './synth';

/** The batches of a data file after its schema (detected, or as `overrides` say), warning about skipped rows. */
async function* batchesOf(file: string, opened: Awaited<ReturnType<typeof openDataset>>): AsyncGenerator<RawBatch> {
  for (;;) {
    const step = await opened.batches.next();
    if (step.done) {
      warnBadRows(file, step.value);
      return;
    }
    yield step.value;
  }
}

/**
 * The training file's rows split chronologically (the last `validFraction` for early stopping) and the test
 * file's rows, encoded with the encoding fitted on the training slice, exactly as `train --test` does
 * (`prepareSplits`), but streamed: the training file in one pass through {@link StreamingSplits}, the test file
 * batch by batch, so no raw row is held beyond its batch.
 */
export async function readSplits(
  trainFile: string,
  testFile: string,
  opts: { validFraction: number; minCount: number },
): Promise<PreparedSplits & { test: EncodedBatch }> {
  const train = await openDataset(await openDataFile(trainFile));
  const fit = new StreamingSplits(train.schema, opts);
  for await (const b of batchesOf(trainFile, train)) fit.add(b);
  const splits = fit.finish();
  const test = await openDataset(await openDataFile(testFile), { overrides: overridesForSchema(train.schema) });
  const testRows = await encodeStream(splits.encoding, test.schema, batchesOf(testFile, test));
  if (testRows.rows === 0) throw new StudioError('DATA_EMPTY', `${testFile} has no test rows.`);
  return { ...splits, test: testRows };
}

export interface TrainSettings {
  epochs: number;
  patience: number;
  seed: number;
}

/** A file's identity by content: its size and SHA-256. */
export interface FileFingerprint {
  bytes: number;
  sha256: string;
}

/** Size and SHA-256 of a file, read as a stream. */
export async function fileFingerprint(path: string): Promise<FileFingerprint> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** What the scale report trains a model from: the data files by content, the splits, the settings. */
export interface TrainingKey {
  kind: ModelKind;
  train: FileFingerprint;
  test: FileFingerprint;
  split: { validFraction: number; minCount: number };
  settings: TrainSettings;
}

/** The record written beside a trained model (`training.json`): what it was trained from and its summary. */
interface TrainingRecord {
  format: 1;
  studioVersion: string;
  key: TrainingKey;
  summary: Omit<TrainedSummary, 'teacherGap'>;
}

const RECORD = 'training.json';

/** The architecture and training defaults every model of the report gets (part of what a record must match). */
function trainingSetup(kind: ModelKind, settings: TrainSettings) {
  return {
    architecture: {
      embeddingDim: DEFAULT_SPEC.embeddingDim,
      tower: DEFAULT_SPEC.tower,
      crossLayers: DEFAULT_SPEC.crossLayers,
      dropout: DEFAULT_SPEC.dropout,
    },
    options: { ...DEFAULT_TRAIN, ...TRAIN_DEFAULTS[kind], ...settings },
  };
}

/** JSON with every object's keys sorted, so that equal settings give equal text whatever their order. */
function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** The record's comparable part: the key, the version and the architecture and options it implies. */
function recordKey(key: TrainingKey): string {
  return canonical({ version: STUDIO_VERSION, key, setup: trainingSetup(key.kind, key.settings) });
}

/**
 * The model already in `dir` when its record says it was trained from the same data files (by content) with the
 * same splits, settings and version, and its encoding is the one fitted now; null otherwise.
 */
export async function trainedBefore(
  dir: string,
  key: TrainingKey,
  encoding: FeatureEncoding,
): Promise<{ path: string; summary: Omit<TrainedSummary, 'teacherGap'> } | null> {
  try {
    const record = JSON.parse(await readFile(join(dir, RECORD), 'utf8')) as TrainingRecord;
    if (record.format !== 1 || recordKey(record.key) !== recordKey(key)) return null;
    if (record.studioVersion !== STUDIO_VERSION) return null;
    const path = join(dir, 'model.json');
    const modelJson = JSON.parse(await readFile(path, 'utf8')) as {
      userDefinedMetadata?: Record<string, { encoding?: unknown }>;
    };
    const saved = modelJson.userDefinedMetadata?.[METADATA_KEY]?.encoding;
    if (JSON.stringify(saved) !== JSON.stringify(encoding)) return null;
    return { path, summary: record.summary };
  } catch {
    return null; // no record, no model, or unreadable: train again
  }
}

/**
 * Trains a zoo model of this kind on the splits with `train`'s defaults, saves it into `dir` with its record
 * (see {@link trainedBefore}, which a rerun checks first); its summary. The record is removed before training
 * and written after the model, so it never describes another model than the one beside it.
 */
export async function trainAndSave(
  key: TrainingKey,
  splits: PreparedSplits,
  dir: string,
  files: { train: string; test: string },
): Promise<{ path: string; summary: Omit<TrainedSummary, 'teacherGap'> }> {
  const { kind, settings } = key;
  await useBackend('wasm');
  await rm(join(dir, RECORD), { force: true });
  const t0 = performance.now();
  const { model, meta, result, warnings } = await trainZooModel({
    kind,
    splits,
    architecture: trainingSetup(kind, settings).architecture,
    options: {
      ...settings,
      onEpoch: (e) =>
        console.error(
          `report: ${kind}: epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, valid AUC ` +
            `${e.validAuc.toFixed(4)} (${(e.ms / 1000).toFixed(0)} s)`,
        ),
    },
    trainFile: files.train,
    testFile: files.test,
  });
  for (const w of warnings) console.error(`warning: ${kind}: ${w}`);
  const seconds = (performance.now() - t0) / 1000;
  const path = await writeModelDir(dir, await saveModelToArtifacts(model, { [METADATA_KEY]: meta }));
  const params = model.countParams();
  model.dispose();
  const summary = {
    kind,
    params,
    auc: meta.evaluation?.auc ?? Number.NaN,
    logloss: meta.evaluation?.logloss ?? Number.NaN,
    bestEpoch: result.bestEpoch,
    epochsRun: result.epochs.length,
    seconds,
  };
  const record: TrainingRecord = { format: 1, studioVersion: STUDIO_VERSION, key, summary };
  await writeFileAtomic(join(dir, RECORD), JSON.stringify(record, null, 2));
  return { path, summary };
}

/** The sidecars of a synthetic file: its settings and, for every row, the teacher's probability and label. */
const synthSidecars = (path: string) => ({ json: `${path}.json`, teacher: `${path}.teacher.bin` });

/**
 * `synth`'s file at `path` with these settings: the one already there when its sidecar JSON says it was written
 * with the same settings by the same version and the file and the teacher's scores have the sizes it recorded
 * (`reused`), else written anew with its sidecars (the JSON last, so a stopped write is never taken as done).
 */
export async function synthOnce(
  path: string,
  opts: Parameters<typeof writeSynthFile>[1],
): Promise<SynthFile & { reused: boolean }> {
  const side = synthSidecars(path);
  const settings = canonical({ version: STUDIO_VERSION, opts });
  try {
    const meta = JSON.parse(await readFile(side.json, 'utf8')) as { settings: string; bytes: number; clicks: number };
    const rows = opts.rows;
    if (
      meta.settings === settings &&
      (await stat(path)).size === meta.bytes &&
      (await stat(side.teacher)).size === 5 * rows
    ) {
      const buf = await readFile(side.teacher);
      const probabilities = new Float32Array(rows);
      new Uint8Array(probabilities.buffer).set(buf.subarray(0, 4 * rows));
      const labels = new Uint8Array(buf.subarray(4 * rows, 5 * rows));
      return { rows, clicks: meta.clicks, probabilities, labels, seconds: 0, reused: true };
    }
  } catch {
    /* no sidecar or file: write it */
  }
  await rm(side.json, { force: true });
  const made = await writeSynthFile(path, opts);
  const teacher = new Uint8Array(5 * made.rows);
  teacher.set(new Uint8Array(made.probabilities.buffer, made.probabilities.byteOffset, 4 * made.rows));
  teacher.set(made.labels, 4 * made.rows);
  await writeFileAtomic(side.teacher, teacher);
  const bytes = (await stat(path)).size;
  await writeFileAtomic(side.json, JSON.stringify({ settings, bytes, clicks: made.clicks, rows: made.rows }, null, 2));
  return { ...made, reused: false };
}
