/** What several commands share: reading a data file with its bad-row warnings, loading a model with its metadata. */
import {
  bindEncoding,
  describeBinding,
  encodeBatch,
  openDataset,
  overridesForEncoding,
  readDataset,
  type BadRowReport,
  type DataSchema,
  type EncodedBatch,
  type FeatureEncoding,
  type RawBatch,
  type SchemaOverrides,
} from '../core/data';
import { readMetadata, requireMetadata, type StudioMetadata } from '../core/model/metadata';
import { STUDIO_VERSION } from '../core/version';
import { describeInputs } from '../tf/feed';
import { openDataFile, readModelFiles, requireFile } from '../node/files';
import { readFile } from 'node:fs/promises';
import { assembleArtifacts, parseModelJson, type ModelArtifacts } from '../core/model/artifacts';
import { foreignModelKind, sortDrop } from '../core/model/files';
import { StudioError } from '../core/errors';
import { filesToOpen, isZipName, unzipFiles } from '../io/zip';
import { convertForeignModel } from '../engine/foreign';
import { loadModelFromArtifacts } from '../tf/modelio';
import type { LayersModel } from '../tf/tfjs';
import { useBackend } from '../tf/backend';

/** Prints a one-line warning per file with skipped rows (rows are never dropped silently). */
export function warnBadRows(file: string, report: BadRowReport): void {
  if (report.badRows === 0) return;
  const reasons = Object.entries(report.byReason)
    .map(([r, n]) => `${r}: ${n}`)
    .join(', ');
  const first = report.examples[0];
  console.error(
    `warning: ${file}: skipped ${report.badRows} of ` +
      `${report.goodRows + report.badRows} rows (${reasons}); first at line ` +
      `${first.line}: ${first.reason}.`,
  );
}

export interface LoadedData {
  file: string;
  schema: DataSchema;
  raw: RawBatch;
  report: BadRowReport;
}

/** Reads a whole data file (Criteo TSV or delimited with a header), warning about skipped rows. */
export async function loadData(file: string, overrides?: SchemaOverrides): Promise<LoadedData> {
  const { schema, batch, report } = await readDataset(await openDataFile(file), { overrides });
  warnBadRows(file, report);
  return { file, schema, raw: batch, report };
}

export interface LoadedModel {
  model: LayersModel;
  meta: StudioMetadata;
  params: number;
}

/**
 * Starts the wasm backend and loads a model (model.json or its folder, .keras/.h5, .onnx) with the encoding
 * that turns rows into its inputs: its own, or for a model made elsewhere, the columns of `rowsFile` bound
 * to its inputs by name (said on stderr), as the studio does.
 */
export async function loadStudioModel(path: string, rowsFile?: string): Promise<LoadedModel> {
  await useBackend('wasm');
  const { artifacts, fileName } = await readAnyModel(path);
  const model = await loadModelFromArtifacts(artifacts, fileName);
  let meta = readMetadata(artifacts.userDefinedMetadata);
  if (!meta && rowsFile) {
    const { schema, batches } = await openDataset(await openDataFile(rowsFile));
    await batches.return(undefined as never); // only the header and kinds were needed
    meta = { format: 1, studioVersion: STUDIO_VERSION, encoding: bindEncoding(describeInputs(model), schema) };
    console.error(`note: ${describeBinding(meta.encoding)}`);
  }
  return { model, meta: meta ?? requireMetadata(artifacts.userDefinedMetadata, fileName), params: model.countParams() };
}

/** Prints a result object as indented JSON on stdout. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Rounds a metric for printing. */
export function round(x: number, digits = 6): number {
  return Number(x.toFixed(digits));
}

/** A whole file's rows encoded with a model's encoding, in memory. */
export async function loadEncoded(file: string, encoding: FeatureEncoding): Promise<EncodedBatch> {
  const data = await loadData(file, overridesForEncoding(encoding));
  return encodeBatch(encoding, data.raw, data.schema);
}

const warned = new Set<string>();

/**
 * A file's rows encoded chunk by chunk while it is read (one chunk in memory at a time). Skipped rows are
 * reported once per file, after its first full pass.
 */
export async function* streamEncoded(
  file: string,
  encoding: FeatureEncoding,
  batchSize = 16384,
): AsyncGenerator<EncodedBatch> {
  const { schema, batches } = await openDataset(await openDataFile(file), {
    overrides: overridesForEncoding(encoding),
    batchSize,
  });
  for (;;) {
    const step = await batches.next();
    if (step.done) {
      if (!warned.has(file)) warnBadRows(file, step.value);
      warned.add(file);
      return;
    }
    yield encodeBatch(encoding, step.value, schema);
  }
}

/** Encoded batches joined into one (rows in order). */
export function concatEncoded(parts: EncodedBatch[]): EncodedBatch {
  const rows = parts.reduce((s, p) => s + p.rows, 0);
  const width = parts[0].numeric.length / Math.max(1, parts[0].rows);
  const out: EncodedBatch = {
    rows,
    labels: new Float32Array(rows),
    categorical: parts[0].categorical.map(() => new Int32Array(rows)),
    numeric: new Float32Array(rows * width),
  };
  let at = 0;
  for (const p of parts) {
    out.labels.set(p.labels, at);
    p.categorical.forEach((c, f) => out.categorical[f].set(c, at));
    out.numeric.set(p.numeric, at * width);
    at += p.rows;
  }
  return out;
}

/** Artifacts of a model file of any supported format: tfjs model.json (or its folder), Keras, ONNX. */
export async function readAnyModel(path: string): Promise<{ artifacts: ModelArtifacts; fileName: string }> {
  if (isZipName(path)) return readZippedModel(path);
  if (foreignModelKind(path)) {
    const full = await requireFile(path, 'model file');
    return { artifacts: await convertForeignModel(path, new Uint8Array(await readFile(full))), fileName: path };
  }
  const { modelJson, weights, fileName } = await readModelFiles(path);
  return { artifacts: assembleArtifacts(parseModelJson(modelJson, fileName), weights, fileName), fileName };
}

/** A model zipped with its weights (the studio's "Download all"), or a zipped Keras/ONNX file. */
async function readZippedModel(path: string): Promise<{ artifacts: ModelArtifacts; fileName: string }> {
  const full = await requireFile(path, 'model file');
  const files = filesToOpen(unzipFiles(new Uint8Array(await readFile(full)), path));
  const drop = sortDrop(
    files.map((f) => ({ ...f, text: /\.json$/i.test(f.name) ? new TextDecoder().decode(f.data) : undefined })),
  );
  if (drop.foreign)
    return { artifacts: await convertForeignModel(drop.foreign.name, drop.foreign.data), fileName: drop.foreign.name };
  if (!drop.modelJson)
    throw new StudioError(
      'ARCHIVE_INVALID',
      `${path} holds no model (model.json with its weights, .keras, .h5 or .onnx); zip the model's folder.`,
    );
  const weights = new Map(drop.shards.map((f) => [f.name, f.data.slice().buffer as ArrayBuffer]));
  return {
    artifacts: assembleArtifacts(
      parseModelJson(drop.modelJson.text!, drop.modelJson.name),
      weights,
      drop.modelJson.name,
    ),
    fileName: drop.modelJson.name,
  };
}
