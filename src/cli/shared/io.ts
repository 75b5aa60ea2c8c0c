/** What several commands share: reading a data file with its bad-row warnings, loading a model with its metadata. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
} from '../../core/data';
import { readMetadata, requireMetadata, type StudioMetadata } from '../../core/model/metadata';
import { STUDIO_VERSION } from '../../core/version';
import { modelInputFiles, openDataFile, pathFile } from '../../node/files';
import { openModelFiles, type InputFile, type OpenedModel } from '../../formats';
import { isArchitectureText } from '../../formats/keras';
import type { RunnableModel } from '../../app/runtime';
import type { ModelLoader } from '../../app/workspace';
import { useBackend } from '../../tf/backend';
import { tfjsLoader } from '../../tf/runtime';
import { loadOnnxNode } from '../../ort/node';

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
  model: RunnableModel;
  meta: StudioMetadata;
  params: number;
  /** The model file's name as the user gave it. */
  fileName: string;
}

/** The wasm backend, then the model a path names, opened by the format registry and loaded in its runtime. */
export async function loadModelPath(path: string): Promise<{ model: RunnableModel; opened: OpenedModel }> {
  await useBackend('wasm');
  const opened = await readAnyModel(path);
  const { model } = await NODE_LOADER(opened);
  return { model, opened };
}

const tfjsNode = tfjsLoader();

/** Loads models in Node: tfjs layers-models on tfjs' wasm backend, ONNX graphs as they are in onnxruntime-web. */
export const NODE_LOADER: ModelLoader = async (opened) =>
  opened.kind === 'onnx' ? { model: await loadOnnxNode(opened.bytes, opened.name) } : tfjsNode(opened);

/**
 * Loads a model (model.json or its folder, .keras/.h5, .onnx, .zip) with the encoding that turns rows into
 * its inputs: its own, or for a model made elsewhere, the columns of `rowsFile` bound to its inputs by name
 * (said on stderr), as the studio does.
 */
export async function loadStudioModel(path: string, rowsFile?: string): Promise<LoadedModel> {
  const { model, opened } = await loadModelPath(path);
  let meta = readMetadata(model.userDefinedMetadata);
  if (!meta && rowsFile) {
    // A model made elsewhere takes its columns as they are (numbers numeric, text categorical, none left out).
    const { schema, batches } = await openDataset(await openDataFile(rowsFile), { overrides: { asIs: true } });
    await batches.return(undefined as never); // only the header and kinds were needed
    meta = { format: 1, studioVersion: STUDIO_VERSION, encoding: bindEncoding(model.inputs, schema) };
    console.error(`note: ${describeBinding(meta.encoding)}`);
  }
  return {
    model,
    meta: meta ?? requireMetadata(model.userDefinedMetadata, opened.name),
    params: model.params,
    fileName: opened.name,
  };
}

/** Prints each warning about a result on stderr ("warning: ..."); returns them for the JSON output. */
export function printWarnings(warnings: string[]): string[] {
  for (const w of warnings) console.error(`warning: ${w}`);
  return warnings;
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

/**
 * A model file of any supported format, read by the format registry. Several files are named with commas (a
 * Keras weights file and its architecture JSON: `--model weights.h5,architecture.json`), as --train and --stats
 * list theirs.
 */
export async function readAnyModel(path: string): Promise<OpenedModel> {
  const paths = path.includes(',') && !existsSync(path) ? path.split(',').filter(Boolean) : [path];
  const files = (await Promise.all(paths.map(modelFilesOf))).flat();
  return openModelFiles(files, path);
}

/** The files one --model path names; a Keras architecture JSON is a file of its own, not a tfjs model.json. */
async function modelFilesOf(path: string): Promise<InputFile[]> {
  if (path.toLowerCase().endsWith('.json') && existsSync(path) && isArchitectureText(readFileSync(path, 'utf8')))
    return [pathFile(resolve(path))];
  return modelInputFiles(path);
}
