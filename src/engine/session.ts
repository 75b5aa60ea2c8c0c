/**
 * The worker side of the studio: holds the loaded model and rows, and answers StudioApi calls with the
 * engine in src/tf and src/core. The user's files are read, never written.
 */
import { encodeBatch, readDataset, type ByteSource, type EncodedBatch } from '../core/data';
import { StudioError } from '../core/errors';
import { auc, logLoss } from '../core/metrics';
import { readMetadata, requireMetadata, type StudioMetadata } from '../core/model/metadata';
import { manifestPaths, parseModelJson } from '../core/model/artifacts';
import { loadModelFromFiles } from '../tf/modelio';
import { predictProbs } from '../tf/predict';
import { startBrowserBackend } from '../tf/backend-browser';
import type { LayersModel } from '../tf/tfjs';
import type { BackendChoice, BackendInfo, DataSummary, Evaluation, FilePayload, ModelSummary, StudioApi } from './protocol';

async function bytesOf(data: ArrayBuffer | Blob): Promise<ArrayBuffer> {
  return data instanceof Blob ? data.arrayBuffer() : data;
}

function streamOf(data: ArrayBuffer | Blob): ByteSource {
  return data instanceof Blob ? (data.stream() as unknown as ByteSource) : new Uint8Array(data);
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new StudioError('FILE_NOT_FOUND', `Could not fetch ${url} (HTTP ${res.status}); check that the studio is served with its demo files.`);
  return res;
}

export class StudioSession implements StudioApi {
  private model: LayersModel | null = null;
  private meta: StudioMetadata | null = null;
  private modelName = '';
  private test: EncodedBatch | null = null;
  private testRaw: Awaited<ReturnType<typeof readDataset>> | null = null;

  async init(choice: BackendChoice): Promise<BackendInfo> {
    const { backend, probe } = await startBrowserBackend(choice);
    return { backend, webgpu: probe.webgpu, adapterName: probe.adapterName };
  }

  async loadModel(files: FilePayload[]): Promise<ModelSummary> {
    const jsonFiles = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
    if (jsonFiles.length !== 1) {
      throw new StudioError('MODEL_NOT_LAYERS', jsonFiles.length === 0
        ? 'No model.json among the dropped files; drop the model.json together with its weight files.'
        : `Several .json files were dropped (${jsonFiles.map((f) => f.name).join(', ')}); drop one model.json with its weight files.`);
    }
    const jsonFile = jsonFiles[0];
    const text = new TextDecoder().decode(await bytesOf(jsonFile.data));
    const weights = new Map<string, ArrayBuffer>();
    for (const f of files) if (f !== jsonFile) weights.set(f.name.split(/[\\/]/).pop()!, await bytesOf(f.data));
    return this.adoptModel(text, weights, jsonFile.name);
  }

  async loadModelUrl(modelJsonUrl: string): Promise<ModelSummary> {
    const text = await (await fetchOk(modelJsonUrl)).text();
    const weights = new Map<string, ArrayBuffer>();
    for (const path of manifestPaths(parseModelJson(text))) {
      weights.set(path, await (await fetchOk(new URL(path, new URL(modelJsonUrl, self.location.href)).href)).arrayBuffer());
    }
    return this.adoptModel(text, weights, modelJsonUrl.split('/').slice(-2).join('/'));
  }

  private async adoptModel(text: string, weights: Map<string, ArrayBuffer>, name: string): Promise<ModelSummary> {
    const model = await loadModelFromFiles(text, weights, name);
    this.model?.dispose();
    this.model = model;
    this.meta = readMetadata(JSON.parse(text).userDefinedMetadata);
    this.modelName = name;
    this.test = null;
    if (this.testRaw && this.meta) this.test = encodeBatch(this.meta.encoding, this.testRaw.batch, this.testRaw.schema);
    return { name, params: model.countParams(), layers: model.layers.length, kind: this.meta?.spec?.kind, recordedAuc: this.meta?.evaluation?.auc };
  }

  async loadTestData(file: FilePayload): Promise<DataSummary> {
    return this.adoptData(file.name, streamOf(file.data));
  }

  async loadTestDataUrl(url: string): Promise<DataSummary> {
    const res = await fetchOk(url);
    return this.adoptData(url.split('/').pop()!, res.body as unknown as ByteSource);
  }

  private async adoptData(name: string, source: ByteSource): Promise<DataSummary> {
    const read = await readDataset(source, this.meta ? { overrides: { labelColumn: this.meta.encoding.label } } : {});
    this.testRaw = read;
    this.test = this.meta ? encodeBatch(this.meta.encoding, read.batch, read.schema) : null;
    let positives = 0;
    for (const l of read.batch.labels) positives += l;
    return { name, rows: read.batch.rows, positives, badRows: read.report.badRows, format: read.schema.format };
  }

  private ready(): { model: LayersModel; meta: StudioMetadata; test: EncodedBatch } {
    if (!this.model) throw new StudioError('INVALID_ARGUMENT', 'No model is loaded yet; open a model or the demo first.');
    const meta = requireMetadata(this.meta ? { ctrStudio: this.meta } : undefined, this.modelName);
    if (!this.test) throw new StudioError('INVALID_ARGUMENT', 'No test rows are loaded yet; drop a data file or open the demo.');
    return { model: this.model, meta, test: this.test };
  }

  async predict(): Promise<Float32Array> {
    const { model, meta, test } = this.ready();
    return predictProbs(model, meta.encoding, test);
  }

  async evaluate(): Promise<Evaluation> {
    const t0 = performance.now();
    const probs = await this.predict();
    const { test } = this.ready();
    return { rows: test.rows, auc: auc(test.labels, probs), logloss: logLoss(test.labels, probs), ms: performance.now() - t0 };
  }
}
