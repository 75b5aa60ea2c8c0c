/**
 * The worker side of the studio: answers StudioApi calls with the application layer (src/app) on the tfjs
 * runtime, after choosing the browser's backend. Files arrive as payloads (the UI keeps its copies); the
 * demo's files are fetched from the page's own origin.
 */
import { urlPrecomputed } from '../app/precomputed';
import { Studio, urlSource } from '../app/studio';
import { exportPlan } from '../app/studioExport';
import { chooseRanks, fineTunePlan, latency, sweep, trainModel } from '../app/studioJobs';
import { blobFile, type ByteSource, type SchemaOverrides } from '../core/data';
import { StudioError } from '../core/errors';
import { manifestPaths, parseModelJson } from '../core/layers/artifacts';
import { memoryFile, type InputFile } from '../formats';
import { fitBackendToModel, startBrowserBackend } from '../tf/backendBrowser';
import { tfjsLoader, trainZoo } from '../tf/runtime';
import { loadOnnxBrowser } from '../ort/browser';
import type { ModelLoader } from '../app/workspace';
import type {
  AutoRankInfo,
  BackendChoice,
  BackendInfo,
  BaselineInfo,
  DataInfo,
  DataRole,
  ExportOptions,
  ExportResult,
  FilePayload,
  FineTuneSettings,
  LatencyInfo,
  ModelInfo,
  OpenedFiles,
  PlanResult,
  PreparedInfo,
  Progress,
  StudioApi,
  SweepPointInfo,
  SweepRequest,
  TrainEpochInfo,
  TrainRequest,
  UniformPlan,
} from './protocol';

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) {
    throw new StudioError(
      'FILE_NOT_FOUND',
      `Could not fetch ${url} (HTTP ${res.status}); check that the studio is served with its demo files.`,
    );
  }
  return res;
}

/** A dropped file as the format registry reads it (a Blob is streamed, never read whole unless asked). */
function payloadFile(f: FilePayload): InputFile {
  if (!(f.data instanceof Blob)) return memoryFile(f.name, new Uint8Array(f.data));
  const blob = f.data;
  return {
    name: f.name,
    size: blob.size,
    bytes: async () => new Uint8Array(await blob.arrayBuffer()),
    stream: async () => blob.stream() as unknown as ByteSource,
    random: async () => blobFile(blob),
  };
}

export class StudioSession implements StudioApi {
  private readonly tfjs = tfjsLoader({ fitBackend: fitBackendToModel });
  private gpu = false;
  /** tfjs layers-models in tfjs; ONNX graphs as they are in onnxruntime-web (WebGPU on a real adapter). */
  private readonly loader: ModelLoader = async (opened) =>
    opened.kind === 'onnx' ? { model: await loadOnnxBrowser(opened.bytes, opened.name, this.gpu) } : this.tfjs(opened);
  private readonly studio = new Studio(this.loader);

  /** The backend being started: models wait for it; rows, which need none, are read meanwhile. */
  private backendReady: Promise<unknown> = Promise.resolve();

  async init(choice: BackendChoice): Promise<BackendInfo> {
    const starting = startBrowserBackend(choice);
    this.backendReady = starting.catch(() => undefined);
    const { backend, probe } = await starting;
    this.gpu = probe.webgpu === 'gpu';
    return { backend, webgpu: probe.webgpu, adapterName: probe.adapterName };
  }

  async ping(): Promise<'pong'> {
    return 'pong';
  }

  async openFiles(files: FilePayload[], onProgress?: (p: Progress) => void): Promise<OpenedFiles> {
    await this.backendReady;
    return this.studio.openFiles(files.map(payloadFile), onProgress);
  }

  async loadModel(files: FilePayload[]): Promise<ModelInfo> {
    await this.backendReady;
    const opened = await this.studio.openFiles(files.map(payloadFile));
    if (!opened.model) throw new StudioError('MODEL_NOT_LAYERS', 'No model was among the files; drop a model.');
    return opened.model;
  }

  /** The demo's model: model.json and the weight files its manifest names, fetched from the page's origin. */
  async loadModelUrl(modelJsonUrl: string, precomputedUrl?: string): Promise<ModelInfo> {
    const text = await (await fetchOk(modelJsonUrl)).text();
    const base = new URL(modelJsonUrl, self.location.href);
    const files: InputFile[] = [memoryFile('model.json', new TextEncoder().encode(text))];
    for (const path of manifestPaths(parseModelJson(text, modelJsonUrl))) {
      const bytes = new Uint8Array(await (await fetchOk(new URL(path, base).href)).arrayBuffer());
      files.push(memoryFile(path.split('/').pop()!, bytes));
    }
    await this.backendReady;
    const opened = await this.studio.openFiles(files);
    if (precomputedUrl) {
      const url = new URL(precomputedUrl, self.location.href).href;
      this.studio.precomputed = urlPrecomputed(url, (u) => fetch(u));
      void this.studio.precomputed(); // fetched while the rows are scored
    }
    const name = modelJsonUrl.split('/').slice(-2).join('/');
    this.studio.ws.modelName = name;
    return { ...opened.model!, name };
  }

  loadData(
    role: DataRole,
    file: FilePayload | { url: string; name: string },
    onProgress?: (p: Progress) => void,
  ): Promise<DataInfo[]> {
    const source =
      'url' in file ? urlSource(file.url, file.name, fetchOk) : { name: file.name, open: payloadFile(file).stream };
    return this.studio.openData(role, source, onProgress);
  }

  async setSchema(overrides: SchemaOverrides): Promise<DataInfo[]> {
    this.studio.ws.setUserSchema(overrides);
    return this.studio.ws.dataInfos();
  }

  async scoringStatus() {
    return this.studio.scoringStatus();
  }

  baseline(onProgress?: (p: Progress) => void): Promise<BaselineInfo> {
    return this.studio.baseline(onProgress);
  }

  prepare(onProgress?: (p: Progress) => void): Promise<PreparedInfo> {
    return this.studio.prepare(onProgress);
  }

  evaluate(plan: UniformPlan): Promise<PlanResult> {
    return this.studio.evaluate(plan);
  }

  fineTune(
    plan: UniformPlan,
    settings: FineTuneSettings,
    onEpoch?: (e: TrainEpochInfo) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<PlanResult & { bestEpoch: number }> {
    return fineTunePlan(this.studio, plan, settings, onEpoch, onProgress);
  }

  autoRanks(budget: number, method: string): Promise<AutoRankInfo> {
    return chooseRanks(this.studio, method, budget);
  }

  sweep(
    request: SweepRequest,
    onPoint?: (p: SweepPointInfo) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<SweepPointInfo[]> {
    return sweep(this.studio, request, onPoint, onProgress);
  }

  latency(plan: UniformPlan): Promise<LatencyInfo[]> {
    return latency(this.studio, plan);
  }

  train(
    request: TrainRequest,
    onEpoch?: (e: TrainEpochInfo) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<ModelInfo> {
    return trainModel(this.studio, trainZoo, request, onEpoch, onProgress);
  }

  exportModel(plan: UniformPlan, options: ExportOptions = {}): Promise<ExportResult> {
    return exportPlan(this.studio, this.loader, plan, options);
  }

  predict(): Promise<Float32Array> {
    return this.studio.predict();
  }

  async cancel(): Promise<void> {
    this.studio.ws.jobs.cancel();
  }
}
