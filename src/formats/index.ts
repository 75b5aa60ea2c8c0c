/**
 * The registry of model formats, and the one way files become a model and data: `openFiles` (used by the
 * studio's worker, the command line and the tests). A .zip stands for the files it holds; every other file
 * that no model format claims is a data file. To add a format, write its folder here and list it in FORMATS.
 */
import { StudioError } from '../core/errors';
import { kerasFormat } from './keras';
import { onnxFormat } from './onnx';
import { tfjsFormat } from './tfjs';
import type { ModelArtifacts } from '../core/layers/artifacts';
import { decodeModel } from '../core/onnx/onnx';
import { tensorValues } from '../core/onnx/tensors';
import { writeOnnxModel } from './onnx/write';
import { writeLayersModel, type LayersWriteOptions } from './tfjs/write';
import {
  memoryFile,
  type InputFile,
  type ModelFormat,
  type OpenedModel,
  type OutputFile,
  type WrittenModel,
} from './shared/types';
import { expandZips } from './zip';

export type { InputFile, ModelFormat, OpenedModel, OutputFile, WrittenModel } from './shared/types';
export { memoryFile } from './shared/types';
export { isZipName, zipFiles } from './zip/zip';

/** Every model format, in the order files are offered to them. */
export const FORMATS: readonly ModelFormat[] = [tfjsFormat, kerasFormat, onnxFormat];

/** The formats as a sentence fragment: "a tfjs model.json with its weight files, ..., or a .zip of one". */
export function describeFormats(): string {
  const parts = FORMATS.map((f) => f.describe);
  return `${parts.slice(0, -1).join(', ')}, ${parts[parts.length - 1]}, or a .zip of one`;
}

/** A drop (or command line) sorted: the model's files with their format, and the data files. */
export interface SortedFiles {
  model: { format: ModelFormat; files: InputFile[] } | null;
  data: InputFile[];
}

async function jsonTexts(files: InputFile[]): Promise<Map<InputFile, string>> {
  const texts = new Map<InputFile, string>();
  for (const f of files)
    if (f.name.toLowerCase().endsWith('.json')) texts.set(f, new TextDecoder().decode(await f.bytes()));
  return texts;
}

/** Sorts files into at most one model and data files; two models in one drop is one sentence. */
export async function sortFiles(given: InputFile[]): Promise<SortedFiles & { texts: Map<InputFile, string> }> {
  const files = await expandZips(given);
  const texts = await jsonTexts(files);
  const claims = FORMATS.map((format) => ({ format, files: format.claim(files, texts) })).filter((c) => c.files);
  const modelFiles = claims.flatMap((c) => c.files!);
  // tfjs claims model.json with its shards, Keras a weights file with its architecture JSON; others one file.
  const oneFile = (f: ModelFormat) => f !== tfjsFormat && f !== kerasFormat;
  if (claims.length > 1 || (claims.length === 1 && oneFile(claims[0].format) && claims[0].files!.length > 1)) {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `Several models were dropped (${modelFiles.map((f) => f.name).join(', ')}); drop one model at a time.`,
    );
  }
  const model = claims[0] ? { format: claims[0].format, files: claims[0].files! } : null;
  const data = files.filter((f) => !modelFiles.includes(f));
  return { model, data, texts };
}

/** Opens the model among the files (null when there is none) and returns the data files beside it. */
export async function openFiles(given: InputFile[]): Promise<{ model: OpenedModel | null; data: InputFile[] }> {
  const sorted = await sortFiles(given);
  const model = sorted.model ? await sorted.model.format.open(sorted.model.files, sorted.texts) : null;
  return { model, data: sorted.data };
}

/** Opens the one model among the files; no model is one sentence naming what was given. */
export async function openModelFiles(
  given: InputFile[],
  what = given.map((f) => f.name).join(', '),
): Promise<OpenedModel> {
  const { model, data } = await openFiles(given);
  if (!model) {
    throw new StudioError('MODEL_NOT_LAYERS', `${what} holds no model; give ${describeFormats()}.`);
  }
  if (data.length > 0) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `Give data files (${data.map((f) => f.name).join(', ')}) as data, not with the model.`,
    );
  }
  return model;
}

/**
 * Writes a model payload of a runtime format ('tfjs': layers-model artifacts; 'onnx': graph bytes) as files,
 * metadata attached; `onnx` asks for the other format too (model.onnx beside tfjs, tfjs beside model.onnx).
 */
export function writeModel(
  format: string,
  payload: unknown,
  userDefinedMetadata: Record<string, unknown> | undefined,
  opts: LayersWriteOptions = {},
): WrittenModel {
  if (format === 'tfjs') return writeLayersModel(payload as ModelArtifacts, userDefinedMetadata, opts);
  if (format === 'onnx') {
    return writeOnnxModel(payload as Uint8Array, userDefinedMetadata, { quantize: opts.quantize, tfjs: opts.onnx });
  }
  throw new StudioError('INTERNAL', `No writer for models of format ${format}.`);
}

/** Files written in memory, as InputFiles (to open what was written exactly as a drop would). */
export const asInputFiles = (files: OutputFile[]): InputFile[] => files.map((f) => memoryFile(f.name, f.data));

/** The weight bytes of a payload, in a fixed order (to check that what was written reads back the same). */
export function payloadWeights(format: string, payload: unknown): Uint8Array[] {
  if (format === 'tfjs') return [new Uint8Array((payload as ModelArtifacts).weightData)];
  const graph = decodeModel(payload as Uint8Array).graph;
  return [...graph.initializer]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => t.rawData ?? new Uint8Array(new Float64Array(tensorValues(t)).buffer));
}
