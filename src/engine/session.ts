/**
 * The worker side of the studio: holds the open model and rows and answers StudioApi calls with the engine
 * (src/tf, src/core). The user's files are only read: every compressed model is built from new artifacts.
 */
import {
  bindEncoding,
  describeBinding,
  encodeBatch,
  overridesForEncoding,
  sameFeatureColumns,
  type ByteSource,
  type EncodedBatch,
  type RawBatch,
} from '../core/data';
import { describeError, StudioError } from '../core/errors';
import { exportOnnx } from '../core/onnx/export';
import { auc, delong, logLoss, logLossFromLogits } from '../core/metrics';
import { METADATA_KEY, readMetadata, requireMetadata, type StudioMetadata } from '../core/model/metadata';
import { artifactsToFiles, assembleArtifacts, parseModelJson, type ModelArtifacts } from '../core/model/artifacts';
import { sortDrop } from '../core/model/files';
import { describeModel } from '../core/model/describe';
import { convertForeignModel } from './foreign';
import { cumulativeExplained } from '../core/compress/factors';
import { prepareSplits } from '../core/pipeline/splits';
import { STUDIO_VERSION } from '../core/version';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../tf/modelio';
import { predictLogitsStream, predictProbs } from '../tf/predict';
import { describeInputs } from '../tf/feed';
import { fitBackendToModel, startBrowserBackend } from '../tf/backend-browser';
import { Compressor } from '../tf/compressor';
import { runSweep, type Baseline } from '../tf/sweep';
import { measureThroughput } from '../tf/throughput';
import { trainZooModel } from '../tf/trainZoo';
import { tf, type LayersModel } from '../tf/tfjs';
import type { BackendName } from '../tf/backend';
import { JobControl, throwIfCancelled } from './jobs';
import { openData, sampleRange, streamRows, type OpenedData } from './datasets';
import { compressModel } from '../tf/pipeline';
import { autoRanks } from '../tf/autoRank';
import { tailSplit } from '../core/pipeline/splits';
import { quantizeArtifacts } from '../core/model/quantize';
import { yieldToEventLoop } from '../core/yield';
import type {
  BackendChoice,
  BackendInfo,
  BaselineInfo,
  DataInfo,
  DataRole,
  ExportResult,
  FilePayload,
  LatencyInfo,
  ModelInfo,
  PlanResult,
  PreparedInfo,
  Progress,
  StudioApi,
  SweepPointInfo,
  SweepRequest,
  TrainEpochInfo,
  TrainRequest,
  UniformPlan,
  AutoRankInfo,
  ExportOptions,
  FineTuneSettings,
} from './protocol';
import { planKey } from './protocol';

/** Share of a single data file held out (its tail) as test rows when no test file is given. */
const SPLIT_TEST_FRACTION = 0.2;

/** Rows [from, to) of an opened file (by position among its good rows), with the sample rows among them. */
interface Part {
  data: OpenedData;
  name: string;
  from: number;
  to: number;
  sample: RawBatch;
}

async function bytesOf(data: ArrayBuffer | Blob): Promise<ArrayBuffer> {
  return data instanceof Blob ? data.arrayBuffer() : data;
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok)
    throw new StudioError(
      'FILE_NOT_FOUND',
      `Could not fetch ${url} (HTTP ${res.status}); check that the studio is served with its demo files.`,
    );
  return res;
}

export class StudioSession implements StudioApi {
  private model: LayersModel | null = null;
  /** The metadata the model came with (its fitted encoding), or null for a model made elsewhere. */
  private ownMeta: StudioMetadata | null = null;
  /** What scores rows: ownMeta, or for a model made elsewhere, the open columns bound to its inputs by name. */
  private meta: StudioMetadata | null = null;
  private modelName = '';
  private compressor: Compressor | null = null;
  private prepared = false;
  private baselineResult: Baseline | null = null;
  private trainData: OpenedData | null = null;
  private testData: OpenedData | null = null;
  private encoded: { train: EncodedBatch; test: EncodedBatch } | null = null;
  /** Why the open rows cannot feed the open model (said when scoring is asked for), or null. */
  private encodeError: unknown = null;
  /** The open rows' columns fit the model, but a value did not (an id past its table, a missing value). */
  private valueRefused = false;
  /** The open rows came after the open model (given for it), rather than being open already (the demo's). */
  private rowsForModel = false;
  private readonly jobs = new JobControl();
  /** The last fine-tuned model and the plan it was tuned for (used by export when the plan still matches). */
  private tuned: { key: string; model: LayersModel; result: PlanResult } | null = null;

  async init(choice: BackendChoice): Promise<BackendInfo> {
    const { backend, probe } = await startBrowserBackend(choice);
    return { backend, webgpu: probe.webgpu, adapterName: probe.adapterName };
  }

  async ping(): Promise<'pong'> {
    return 'pong';
  }

  // ---- opening models -------------------------------------------------------------------------------

  async loadModel(files: FilePayload[]): Promise<ModelInfo> {
    const withText = await Promise.all(
      files.map(async (f) => ({
        ...f,
        text: f.name.toLowerCase().endsWith('.json') ? new TextDecoder().decode(await bytesOf(f.data)) : undefined,
      })),
    );
    const drop = sortDrop(withText);
    if (drop.foreign) {
      if (drop.data.length > 0)
        throw new StudioError(
          'INVALID_ARGUMENT',
          `Drop data files (${drop.data.map((f) => f.name).join(', ')}) as data, not with the model.`,
        );
      return this.adoptArtifacts(
        await convertForeignModel(drop.foreign.name, new Uint8Array(await bytesOf(drop.foreign.data))),
        drop.foreign.name,
      );
    }
    if (!drop.modelJson)
      throw new StudioError(
        'MODEL_NOT_LAYERS',
        'No model.json among the dropped files; drop the model.json together with its weight files.',
      );
    if (drop.data.length > 0)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `Drop data files (${drop.data.map((f) => f.name).join(', ')}) as data, not with the model.`,
      );
    const weights = new Map<string, ArrayBuffer>();
    for (const s of drop.shards) weights.set(s.name.split(/[\\/]/).pop()!, await bytesOf(s.data));
    return this.adoptArtifacts(
      assembleArtifacts(parseModelJson(drop.modelJson.text!, drop.modelJson.name), weights, drop.modelJson.name),
      drop.modelJson.name,
    );
  }

  async loadModelUrl(modelJsonUrl: string): Promise<ModelInfo> {
    const text = await (await fetchOk(modelJsonUrl)).text();
    const json = parseModelJson(text, modelJsonUrl);
    const weights = new Map<string, ArrayBuffer>();
    for (const group of json.weightsManifest ?? []) {
      for (const path of group.paths) {
        const name = path.split('/').pop()!;
        weights.set(
          name,
          await (await fetchOk(new URL(path, new URL(modelJsonUrl, self.location.href)).href)).arrayBuffer(),
        );
      }
    }
    return this.adoptArtifacts(
      assembleArtifacts(json, weights, modelJsonUrl),
      modelJsonUrl.split('/').slice(-2).join('/'),
    );
  }

  private async adoptArtifacts(artifacts: ModelArtifacts, name: string): Promise<ModelInfo> {
    // On the GPU every weight is float32, whatever it is stored as.
    const gpuBytes = (w: ModelArtifacts['weightSpecs'][number]) => 4 * w.shape.reduce((x, y) => x * y, 1);
    const largest = artifacts.weightSpecs.reduce(
      (a, w) => (gpuBytes(w) > a.bytes ? { name: w.name, bytes: gpuBytes(w) } : a),
      { name: '', bytes: 0 },
    );
    const notice = await fitBackendToModel(largest.bytes, largest.name);
    const model = await loadModelFromArtifacts(artifacts, name);
    this.model?.dispose();
    this.model = model;
    this.ownMeta = readMetadata(artifacts.userDefinedMetadata);
    this.modelName = name;
    this.rowsForModel = false;
    this.refreshEncoded();
    this.compressor = await Compressor.create(model);
    this.prepared = false;
    this.baselineResult = null;
    return { ...this.modelInfo(), ...(notice ? { notice, backend: tf.getBackend() as BackendName } : {}) };
  }

  private modelInfo(): ModelInfo {
    const c = this.compressor!;
    return {
      name: this.modelName,
      params: c.originalParams,
      layerCount: this.model!.layers.length,
      kind: this.ownMeta?.spec?.kind,
      recordedAuc: this.ownMeta?.evaluation?.auc,
      hasEncoding: this.ownMeta !== null,
      inputs: describeInputs(this.model!),
      inventory: c.inventory,
      description: describeModel(c.artifacts, c.shapes, c.inventory),
      topology: c.artifacts.modelTopology,
      weightSpecs: c.artifacts.weightSpecs,
      shapes: c.shapes,
      compression: this.ownMeta?.compression,
    };
  }

  // ---- data -------------------------------------------------------------------------------------------

  async loadData(
    role: DataRole,
    file: FilePayload | { url: string; name: string },
    onProgress?: (p: Progress) => void,
  ): Promise<DataInfo[]> {
    // A function that opens the file afresh, so full passes can stream it again later.
    const open =
      'url' in file
        ? async () => (await fetchOk(file.url)).body as unknown as ByteSource
        : async () =>
            file.data instanceof Blob ? (file.data.stream() as unknown as ByteSource) : new Uint8Array(file.data);
    const signal = this.jobs.startLong();
    let data: OpenedData;
    try {
      data = await openData(file.name, open, {
        overrides: this.ownMeta ? overridesForEncoding(this.ownMeta.encoding) : undefined,
        signal,
        onProgress: (rows) => onProgress?.({ stage: `reading ${file.name}`, done: rows, total: rows, unit: 'rows' }),
      });
    } finally {
      this.jobs.endLong(signal);
    }
    this.rowsForModel = this.model !== null;
    if (role === 'test') this.testData = data;
    else {
      this.trainData = data;
      // A test file with other columns cannot hold the new rows' test rows (the demo's, under a user's own
      // rows for a model made elsewhere, say): the new file's tail becomes the test split.
      if (this.testData && !sameFeatureColumns(this.testData.schema, data.schema)) this.testData = null;
    }
    this.refreshEncoded();
    this.prepared = false;
    this.baselineResult = null;
    return this.dataInfos();
  }

  /**
   * Train rows and test rows (samples in memory, and the file positions they stand for); without a test
   * file, the last SPLIT_TEST_FRACTION of the training file is the test split.
   */
  private splits(): { train: Part; test: Part; splitFromTrain: boolean } | null {
    const t = this.trainData;
    if (!t) return null;
    if (this.testData) {
      const d = this.testData;
      return {
        train: { data: t, name: t.name, from: 0, to: Infinity, sample: t.sample },
        test: { data: d, name: d.name, from: 0, to: Infinity, sample: d.sample },
        splitFromTrain: false,
      };
    }
    const cut = t.rows - Math.round(t.rows * SPLIT_TEST_FRACTION);
    return {
      train: { data: t, name: t.name, from: 0, to: cut, sample: sampleRange(t, 0, cut) },
      test: {
        data: t,
        name: `${t.name} (last ${SPLIT_TEST_FRACTION * 100}%)`,
        from: cut,
        to: Infinity,
        sample: sampleRange(t, cut, Infinity),
      },
      splitFromTrain: true,
    };
  }

  /**
   * Encodes the open rows for the open model (a model made elsewhere gets the columns named after its inputs).
   * A model and rows that do not fit are both kept (a drop of a new model and its data may arrive in either
   * order); the mismatch is reported when scoring is asked for.
   */
  private refreshEncoded(): void {
    this.encoded = null;
    this.encodeError = null;
    this.valueRefused = false;
    this.meta = this.ownMeta;
    const s = this.splits();
    if (!this.model || !s) return;
    try {
      this.meta ??= {
        format: 1,
        studioVersion: STUDIO_VERSION,
        encoding: bindEncoding(describeInputs(this.model), s.train.data.schema),
      };
    } catch (e) {
      this.encodeError = e;
      return;
    }
    try {
      const enc = this.meta.encoding;
      this.encoded = {
        train: encodeBatch(enc, s.train.sample, s.train.data.schema),
        test: encodeBatch(enc, s.test.sample, s.test.data.schema),
      };
    } catch (e) {
      this.encodeError = e;
      this.valueRefused = true;
    }
  }

  private dataInfos(): DataInfo[] {
    const s = this.splits();
    if (!s) return [];
    const info = (role: DataRole, p: Part, split: boolean): DataInfo => {
      const whole = p.from === 0 && p.to === Infinity;
      let positives = whole ? p.data.positives : 0;
      if (!whole) for (const l of p.sample.labels) positives += l;
      const rows = whole ? p.data.rows : Math.min(p.to, p.data.rows) - p.from;
      return {
        role,
        name: p.name,
        rows,
        positives: whole || !p.data.sampled ? positives : Math.round((positives / Math.max(1, p.sample.rows)) * rows),
        sampleRows: p.sample.rows,
        badRows: p.data.report.badRows,
        badExamples: p.data.report.examples.slice(0, 5),
        format: p.data.schema.format,
        ...(split ? { splitFromTrain: true } : {}),
      };
    };
    return [info('train', s.train, false), info('test', s.test, s.splitFromTrain)];
  }

  // ---- compression ------------------------------------------------------------------------------------

  private ready(): {
    model: LayersModel;
    meta: StudioMetadata;
    rows: { train: EncodedBatch; test: EncodedBatch };
    c: Compressor;
  } {
    if (!this.model || !this.compressor)
      throw new StudioError('INVALID_ARGUMENT', 'No model is open yet; open a model or the demo first.');
    const meta = requireMetadata(this.meta ? { [METADATA_KEY]: this.meta } : undefined, this.modelName);
    if (this.encodeError) throw this.encodeError;
    if (!this.encoded)
      throw new StudioError('INVALID_ARGUMENT', 'No rows are loaded yet; drop a data file or open the demo.');
    return { model: this.model, meta, rows: this.encoded, c: this.compressor };
  }

  private async baselineScores(): Promise<Baseline> {
    if (this.baselineResult) return this.baselineResult;
    const { model, meta, rows, c } = this.ready();
    const probs = await predictProbs(model, meta.encoding, rows.test);
    this.baselineResult = {
      params: c.originalParams,
      probs,
      auc: auc(rows.test.labels, probs),
      logloss: logLoss(rows.test.labels, probs),
    };
    return this.baselineResult;
  }

  async baseline(onProgress?: (p: Progress) => void): Promise<BaselineInfo> {
    const t0 = performance.now();
    const b = await this.baselineScores();
    const info: BaselineInfo = {
      rows: b.probs.length,
      params: b.params,
      auc: b.auc,
      logloss: b.logloss,
      scoreMs: performance.now() - t0,
    };
    const part = this.splits()!.test;
    if (!part.data.sampled) return info;
    // Only a sample of the test rows is in memory: score every row of the file once, streamed.
    const { model, meta } = this.ready();
    const signal = this.jobs.startLong();
    try {
      const total = Math.min(part.to, part.data.rows) - part.from;
      const full = await predictLogitsStream(
        [model],
        meta.encoding,
        streamRows(part.data, meta.encoding, part.from, part.to),
        {
          signal,
          onProgress: (done) => onProgress?.({ stage: 'scoring every test row', done, total, unit: 'rows' }),
        },
      );
      return {
        ...info,
        full: {
          rows: full.labels.length,
          auc: auc(full.labels, full.logits[0]),
          logloss: logLossFromLogits(full.labels, full.logits[0]),
        },
      };
    } finally {
      this.jobs.endLong(signal);
    }
  }

  async scoringStatus(): Promise<{ dataAware: boolean; reason?: string; mismatch?: boolean; binding?: string }> {
    if (!this.dataFree)
      return { dataAware: true, ...(this.ownMeta ? {} : { binding: describeBinding(this.meta!.encoding) }) };
    // Rows that do not fit a model's own encoding, or rows given for a model made elsewhere whose values do not
    // fit the inputs their columns are bound to, are the user's to fix (an error); rows that were open before
    // such a model came (the demo's, say) and do not fit it are a fact about the pair (a notice).
    if (this.encodeError)
      return {
        dataAware: false,
        mismatch: this.ownMeta !== null || (this.valueRefused && this.rowsForModel),
        reason: `${describeError(this.encodeError).message.replace(/\.$/, '')}; until then it is compressed data-free.`,
      };
    const columns = this.ownMeta ? '' : ' with columns named after its inputs';
    return {
      dataAware: false,
      reason: `No rows are open; the model is compressed data-free until you drop data${columns}.`,
    };
  }

  /** True when the open model cannot score the open rows (no data, no encoding): compression is data-free. */
  private get dataFree(): boolean {
    return !this.meta || !this.encoded || this.encodeError !== null;
  }

  async prepare(onProgress?: (p: Progress) => void): Promise<PreparedInfo> {
    if (!this.model || !this.compressor)
      throw new StudioError('INVALID_ARGUMENT', 'No model is open yet; open a model or the demo first.');
    const c = this.compressor;
    const signal = this.jobs.startLong();
    try {
      const t0 = performance.now();
      if (this.dataFree) {
        c.setDataFree();
      } else {
        const { meta, rows } = this.ready();
        // Statistics over every training row: streamed from the file when only a sample is in memory.
        const part = this.splits()!.train;
        const all = part.data.sampled ? streamRows(part.data, meta.encoding, part.from, part.to) : rows.train;
        const expected = part.data.sampled ? Math.min(part.to, part.data.rows) - part.from : rows.train.rows;
        await c.collect(meta.encoding, all, {
          signal,
          onProgress: (done) => onProgress?.({ stage: 'statistics', done, total: expected, unit: 'rows' }),
        });
      }
      const statisticsMs = performance.now() - t0;
      const layers = c.compressible;
      const t1 = performance.now();
      for (let i = 0; i < layers.length; i++) {
        throwIfCancelled(signal);
        if (!(c.dataFree && layers[i].kind === 'dense')) c.decomposition(layers[i].name, 'afm');
        c.decomposition(layers[i].name, 'svd');
        onProgress?.({ stage: 'decomposition', done: i + 1, total: layers.length, unit: 'steps' });
        if (i % 8 === 7) await yieldToEventLoop(); // let cancel and newer requests in
      }
      this.prepared = true;
      const spectra = layers.flatMap((l) =>
        (['afm', 'svd'] as const)
          .filter((m) => !(c.dataFree && m === 'afm' && l.kind === 'dense'))
          .map((method) => {
            const d = c.decomposition(l.name, method);
            return {
              layer: l.name,
              method,
              explained: Array.from(cumulativeExplained(d.spectrum).subarray(0, d.maxRank + 1)),
            };
          }),
      );
      return {
        calibrationRows: c.statistics!.rows,
        statisticsMs,
        decompositionMs: performance.now() - t1,
        spectra,
        dataFree: c.dataFree,
      };
    } finally {
      this.jobs.endLong(signal);
    }
  }

  private requirePrepared(plan: UniformPlan): void {
    // New rows or a new model reset the statistics while a plan was on its way: that plan's result would be
    // stale anyway, and the studio scores the plan again once the statistics are ready.
    if (plan.method === 'afm' && !this.prepared)
      throw new StudioError(
        'CANCELLED',
        'The statistics are being recomputed; the plan is scored again when they are ready.',
      );
  }

  /** Builds the plan's model (sequential statistics and the activation variant included). Caller disposes. */
  private async buildPlan(plan: UniformPlan, signal?: AbortSignal) {
    const { meta, rows, c } = this.ready();
    this.requirePrepared(plan);
    return compressModel(
      c,
      meta.encoding,
      { calibration: rows.train },
      { plan, signal, fineTune: null, allowUntunedActivation: true },
    );
  }

  /** Scores a model on the test rows against the original. */
  private async score(
    model: LayersModel,
    plan: UniformPlan,
    params: number,
    extra: { kept?: string[]; fused?: number; buildMs?: number } = {},
  ): Promise<PlanResult> {
    const { meta, rows } = this.ready();
    const base = await this.baselineScores();
    const t1 = performance.now();
    const probs = await predictProbs(model, meta.encoding, rows.test);
    const d = delong(rows.test.labels, base.probs, probs);
    return {
      plan,
      params,
      auc: d.aucB,
      logloss: logLoss(rows.test.labels, probs),
      delong: { diff: d.diff, se: d.se, low: d.low, high: d.high, p: d.p },
      kept: extra.kept ?? [],
      fused: extra.fused ?? 0,
      buildMs: extra.buildMs ?? 0,
      scoreMs: performance.now() - t1,
    };
  }

  async evaluate(plan: UniformPlan): Promise<PlanResult> {
    if (this.dataFree) return this.evaluateDataFree(plan);
    const ticket = this.jobs.nextEvaluation();
    await this.baselineScores();
    this.jobs.check(ticket);
    const t0 = performance.now();
    const out = await this.buildPlan(plan);
    try {
      this.jobs.check(ticket);
      return await this.score(out.model, plan, out.built.params, {
        kept: out.resolved.filter((p) => p.method === 'keep' && p.note?.startsWith('rank')).map((p) => p.layer),
        fused: out.built.fused.length,
        buildMs: performance.now() - t0,
      });
    } finally {
      out.model.dispose();
    }
  }

  /** Without rows: the plan's parameters and each replaced layer's reconstruction error; no AUC. */
  private async evaluateDataFree(plan: UniformPlan): Promise<PlanResult> {
    const c = this.compressor;
    if (!c || !this.prepared)
      throw new StudioError(
        'CANCELLED',
        'The decompositions are being recomputed; the plan is scored again when they are ready.',
      );
    const t0 = performance.now();
    const resolved = c.uniformPlan(plan);
    const built = c.build(resolved);
    const errors = c.reconstructionErrors(resolved);
    const perLayer = Object.fromEntries(errors);
    const values = [...errors.values()];
    return {
      plan,
      params: built.params,
      auc: NaN,
      logloss: NaN,
      delong: { diff: NaN, se: NaN, low: NaN, high: NaN, p: NaN },
      kept: resolved.filter((p) => p.method === 'keep' && p.note?.startsWith('rank')).map((p) => p.layer),
      fused: built.fused.length,
      buildMs: performance.now() - t0,
      scoreMs: 0,
      reconstruction: {
        perLayer,
        mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0,
        worst: values.length ? Math.max(...values) : 0,
      },
    };
  }

  async fineTune(
    plan: UniformPlan,
    settings: FineTuneSettings,
    onEpoch?: (e: TrainEpochInfo) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<PlanResult & { bestEpoch: number }> {
    const { meta, rows, c } = this.ready();
    this.requirePrepared(plan);
    const signal = this.jobs.startLong();
    try {
      const [train, valid] = tailSplit(rows.train, 0.1);
      const steps = settings.epochs * Math.ceil(train.rows / settings.batchSize);
      let done = 0;
      const out = await compressModel(
        c,
        meta.encoding,
        { calibration: rows.train, train, valid },
        {
          plan,
          signal,
          fineTune: { epochs: settings.epochs, learningRate: settings.learningRate, batchSize: settings.batchSize },
          onStep: () => onProgress?.({ stage: 'fine-tuning', done: ++done, total: steps, unit: 'steps' }),
          onEpoch: (e) =>
            onEpoch?.({ epoch: e.epoch, trainLoss: e.trainLoss, validAuc: e.validAuc, validLogloss: e.validLogloss }),
        },
      );
      const result = await this.score(out.model, plan, out.built.params, { fused: out.built.fused.length });
      this.tuned?.model.dispose();
      this.tuned = { key: planKey(plan), model: out.model, result };
      return { ...result, bestEpoch: out.fineTune?.bestEpoch ?? 0 };
    } finally {
      this.jobs.endLong(signal);
    }
  }

  async autoRanks(budget: number): Promise<AutoRankInfo> {
    const { meta, rows, c } = this.ready();
    this.requirePrepared({ method: 'afm', denseRank: null, embeddingRank: null });
    const [, valid] = tailSplit(rows.train, 0.1);
    const r = await autoRanks(c, meta.encoding, valid, budget);
    return {
      plan: r.chosen.plan,
      chosen: r.chosen.label,
      budget: r.budget,
      candidates: r.candidates.map(({ label, params, validAuc }) => ({ label, params, validAuc })),
    };
  }

  async sweep(
    request: SweepRequest,
    onPoint?: (p: SweepPointInfo) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<SweepPointInfo[]> {
    const { meta, rows, c } = this.ready();
    if (request.methods.includes('afm')) this.requirePrepared({ method: 'afm', denseRank: null, embeddingRank: null });
    const signal = this.jobs.startLong();
    try {
      const base = await this.baselineScores();
      const points = await runSweep(c, meta.encoding, rows.test, base, {
        ...request,
        signal,
        onPoint: (p, done, total) => {
          onPoint?.(p);
          onProgress?.({ stage: 'sweep', done, total, unit: 'points' });
        },
      });
      return points;
    } finally {
      this.jobs.endLong(signal);
    }
  }

  async latency(plan: UniformPlan): Promise<LatencyInfo[]> {
    const { model, meta, rows } = this.ready();
    const signal = this.jobs.startLong();
    const small = (await this.buildPlan(plan, signal)).model;
    try {
      const out: LatencyInfo[] = [];
      for (const batchSize of [1, 2048]) {
        throwIfCancelled(signal);
        const opts = { runs: 5, warmup: 1, callsPerRun: batchSize === 1 ? 20 : 1 };
        const a = await measureThroughput(model, meta.encoding, rows.test, batchSize, opts);
        throwIfCancelled(signal);
        const b = await measureThroughput(small, meta.encoding, rows.test, batchSize, opts);
        out.push({
          batchSize,
          originalMsPerBatch: a.msPerBatch,
          compressedMsPerBatch: b.msPerBatch,
          originalRowsPerSec: a.rowsPerSec,
          compressedRowsPerSec: b.rowsPerSec,
        });
      }
      return out;
    } finally {
      small.dispose();
      this.jobs.endLong(signal);
    }
  }

  // ---- training a zoo model ---------------------------------------------------------------------------

  async train(
    request: TrainRequest,
    onEpoch?: (e: TrainEpochInfo) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<ModelInfo> {
    const s = this.splits();
    if (!s) throw new StudioError('INVALID_ARGUMENT', 'Drop a data file first: a model is trained on its rows.');
    const signal = this.jobs.startLong();
    try {
      const splits = prepareSplits(
        s.train.sample,
        s.train.data.schema,
        { raw: s.test.sample, schema: s.test.data.schema },
        { validFraction: 0.1, minCount: 10 },
      );
      const totalSteps = request.epochs * Math.ceil(splits.train.rows / request.batchSize);
      let stepsDone = 0;
      const { model, meta } = await trainZooModel({
        kind: request.kind,
        splits,
        architecture: { embeddingDim: request.embeddingDim, tower: request.tower, crossLayers: 3, dropout: 0 },
        options: {
          epochs: request.epochs,
          batchSize: request.batchSize,
          learningRate: request.learningRate,
          seed: request.seed,
          signal,
          onStep: () => onProgress?.({ stage: 'training', done: ++stepsDone, total: totalSteps, unit: 'steps' }),
          onEpoch: (e) =>
            onEpoch?.({ epoch: e.epoch, trainLoss: e.trainLoss, validAuc: e.validAuc, validLogloss: e.validLogloss }),
        },
        trainFile: s.train.name,
        testFile: s.test.name,
      });
      const artifacts = await saveModelToArtifacts(model, { [METADATA_KEY]: meta });
      model.dispose();
      return this.adoptArtifacts(artifacts, `${request.kind} trained on ${s.train.name}`);
    } finally {
      this.jobs.endLong(signal);
    }
  }

  // ---- export -----------------------------------------------------------------------------------------

  /**
   * The compressed model's files (fine-tuned weights when this plan was fine-tuned, optionally quantized),
   * with the recipe in userDefinedMetadata; loaded back and rescored exactly as a drop would be, so only a
   * checked export is offered.
   */
  async exportModel(plan: UniformPlan, options: ExportOptions = {}): Promise<ExportResult> {
    if (!this.model || !this.compressor)
      throw new StudioError('INVALID_ARGUMENT', 'No model is open yet; open a model or the demo first.');
    const c = this.compressor;
    const dataFree = this.dataFree;
    // Scores the test rows (NaN data-free: then the check below compares weights instead).
    const score = async (m: LayersModel) => {
      if (dataFree) return NaN;
      const { meta, rows } = this.ready();
      return auc(rows.test.labels, await predictProbs(m, meta.encoding, rows.test));
    };
    const base = dataFree ? null : await this.baselineScores();
    const tuned = this.tuned?.key === planKey(plan) ? this.tuned : null;
    if (plan.activation && !tuned) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        'AFM + activation must be fine-tuned before it is exported; run "Fine-tune" for this plan first.',
      );
    }
    if (!this.prepared)
      throw new StudioError(
        'INVALID_ARGUMENT',
        'The decompositions are not ready yet; wait for "Preparing" to finish.',
      );
    const built = tuned ? null : c.build(c.uniformPlan(plan));
    const model = tuned?.model ?? (await c.load(built!));
    let artifacts: ModelArtifacts;
    let aucAfter: number;
    let params: number;
    let weights: Float32Array[];
    try {
      artifacts = tuned ? await saveModelToArtifacts(model) : built!.artifacts;
      aucAfter = await score(model);
      params = model.countParams();
      weights = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
    } finally {
      if (!tuned) model.dispose();
    }
    const resolved = c.uniformPlan(plan);
    const quantized = options.quantize ? quantizeArtifacts(artifacts, options.quantize) : null;
    const recipe = {
      method: plan.method,
      denseRank: plan.denseRank,
      embeddingRank: plan.embeddingRank,
      ranks: Object.fromEntries(resolved.filter((p) => p.method !== 'keep').map((p) => [p.layer, p.rank])),
      methods: Object.fromEntries(resolved.filter((p) => p.method !== 'keep').map((p) => [p.layer, p.method])),
      dataFree,
      statistics: plan.statistics ?? 'one-pass',
      activation: Boolean(plan.activation),
      fineTuned: tuned !== null,
      quantization: options.quantize ?? 'none',
      calibrationRows: plan.method === 'afm' ? (c.statistics?.rows ?? 0) : 0,
      seed: 0,
      aucBefore: base?.auc ?? null,
      aucAfter: dataFree ? null : aucAfter,
      testRows: dataFree ? 0 : this.ready().rows.test.rows,
      paramsBefore: c.originalParams,
      paramsAfter: params,
      studioVersion: STUDIO_VERSION,
      source: this.modelName,
      createdAt: new Date().toISOString(),
    };
    // A binding of columns to a model made elsewhere travels with the export only once rows have fed it.
    const keptMeta = this.ownMeta ?? (dataFree ? null : this.meta);
    const exportedMeta = keptMeta
      ? {
          [METADATA_KEY]: {
            format: 1,
            studioVersion: STUDIO_VERSION,
            encoding: keptMeta.encoding,
            compression: recipe,
          } satisfies StudioMetadata,
        }
      : { [METADATA_KEY + 'Compression']: recipe };
    const files = artifactsToFiles({ ...(quantized?.artifacts ?? artifacts), userDefinedMetadata: exportedMeta });
    // Load the files back exactly as a drop would, and check them: the same AUC, or (data-free) the same weights.
    const reloaded = await loadModelFromArtifacts(
      assembleArtifacts(parseModelJson(files.modelJson), new Map([[files.weightsName, files.weights]])),
      'exported model',
    );
    let reloadedAuc: number;
    try {
      reloadedAuc = await score(reloaded);
      if (dataFree && !quantized) {
        const back = await Promise.all(reloaded.getWeights().map(async (w) => (await w.data()) as Float32Array));
        if (
          back.length !== weights.length ||
          back.some((w, i) => w.length !== weights[i].length || w.some((x, j) => x !== weights[i][j]))
        ) {
          throw new StudioError(
            'INTERNAL',
            "The exported model's weights differ after reloading; the export was not offered.",
          );
        }
      }
    } finally {
      reloaded.dispose();
    }
    if (!dataFree && !quantized && Math.abs(reloadedAuc - aucAfter) > 1e-6) {
      throw new StudioError(
        'INTERNAL',
        `The exported model scores AUC ${reloadedAuc.toFixed(6)} after reloading instead ` +
          `of ${aucAfter.toFixed(6)}; the export was not offered.`,
      );
    }
    // The same model for ONNX Runtime / PyTorch users, where every layer maps to ONNX ops.
    let onnx: ExportResult['files'][number] | null = null;
    let onnxError: string | undefined;
    try {
      const bytes = exportOnnx({ ...artifacts, userDefinedMetadata: exportedMeta });
      onnx = {
        name: 'model.onnx',
        data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        type: 'application/octet-stream',
      };
    } catch (e) {
      onnxError = describeError(e).message;
    }
    return {
      files: [
        {
          name: 'model.json',
          data: new TextEncoder().encode(files.modelJson).buffer as ArrayBuffer,
          type: 'application/json',
        },
        { name: files.weightsName, data: files.weights, type: 'application/octet-stream' },
        ...(onnx ? [onnx] : []),
      ],
      ...(onnxError ? { onnxError } : {}),
      params,
      auc: aucAfter,
      reloadedAuc,
      weightBytes: files.weights.byteLength,
      float32Bytes: quantized?.float32Bytes ?? files.weights.byteLength,
      maxWeightError: quantized?.maxAbsError ?? 0,
      recipe,
    };
  }

  async predict(): Promise<Float32Array> {
    return (await this.baselineScores()).probs;
  }

  async cancel(): Promise<void> {
    this.jobs.cancel();
  }
}
