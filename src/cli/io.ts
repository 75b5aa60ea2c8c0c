/** What several commands share: reading a data file with its bad-row warnings, loading a model with its metadata. */
import { readDataset, type BadRowReport, type DataSchema, type RawBatch, type SchemaOverrides } from '../core/data';
import { requireMetadata, type StudioMetadata } from '../core/model/metadata';
import { openDataFile, readModelFiles } from '../node/files';
import { loadModelFromFiles } from '../tf/modelio';
import type { LayersModel } from '../tf/tfjs';
import { useBackend } from '../tf/backend';

/** Prints a one-line warning per file with skipped rows (rows are never dropped silently). */
export function warnBadRows(file: string, report: BadRowReport): void {
  if (report.badRows === 0) return;
  const reasons = Object.entries(report.byReason).map(([r, n]) => `${r}: ${n}`).join(', ');
  const first = report.examples[0];
  console.error(`warning: ${file}: skipped ${report.badRows} of ${report.goodRows + report.badRows} rows (${reasons}); first at line ${first.line}: ${first.reason}.`);
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

/** Starts the wasm backend and loads a CTR Studio model (model.json path or its folder). */
export async function loadStudioModel(path: string): Promise<LoadedModel> {
  await useBackend('wasm');
  const { modelJson, weights, fileName } = await readModelFiles(path);
  const model = await loadModelFromFiles(modelJson, weights, fileName);
  const meta = requireMetadata(JSON.parse(modelJson).userDefinedMetadata, fileName);
  return { model, meta, params: model.countParams() };
}

/** Prints a result object as indented JSON on stdout. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Rounds a metric for printing. */
export function round(x: number, digits = 6): number {
  return Number(x.toFixed(digits));
}
