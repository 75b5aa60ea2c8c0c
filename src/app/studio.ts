/**
 * The studio's flow on the open model and rows, whatever runs them: score the original, prepare statistics
 * and decompositions, score any plan (data-aware, or data-free without rows the model can score), and keep
 * what the other steps reuse (the baseline, the fine-tuned model). The worker's session and the Node tests
 * drive it; sweeps, fine-tuning, training and export live in ./studioJobs.ts and ./export.ts.
 */
import { describeBinding, type ByteSource } from '../core/data';
import type { UniformPlan } from '../core/compress/plan';
import { describeError, StudioError } from '../core/errors';
import { auc, delong, logLoss, logLossFromLogits } from '../core/metrics';
import { yieldToEventLoop } from '../core/yield';
import { openFiles, type InputFile } from '../formats';
import { refusedDrop } from './refusedDrop';
import { streamRows } from './datasets';
import { throwIfCancelled } from './jobs';
import { compressModel } from './pipeline';
import {
  applyPrecomputed,
  mismatch,
  preparedMethods,
  shippedBaseline,
  shippedPlan,
  spectraOf,
  type Precomputed,
  type PrecomputedLoader,
} from './precomputed';
import { scoreStream } from './scoring';
import { baselineOf, comparisonWarnings, type Baseline } from './sweep';
import type { RunnableModel } from './runtime';
import type { BaselineInfo, DataInfo, OpenedFiles, PlanResult, PreparedInfo, Progress } from './types';
import { dataRoles, dataSourceOf, Workspace, type DataSource, type ModelLoader } from './workspace';

export class Studio {
  readonly ws: Workspace;
  /** Statistics and decompositions are ready for the open model and rows (this generation). */
  private preparedAt = -1;
  private baselineResult: { at: number; value: Baseline } | null = null;
  /** The last fine-tuned model and the plan key it was tuned for (export uses it while the plan matches). */
  tuned: {
    key: string;
    at: number;
    model: RunnableModel;
    result: PlanResult & { bestEpoch: number };
    settings: { epochs: number; learningRate: number; batchSize: number };
  } | null = null;

  /**
   * Work shipped for the model opened last (the demo's statistics and spectra), used by prepare when it
   * matches the open model and rows; a newly opened model clears it.
   */
  precomputed: PrecomputedLoader | null = null;

  constructor(loader: ModelLoader) {
    this.ws = new Workspace(loader);
  }

  /** Opens dropped (or named) files: unzipped, sorted into a model and data files, data first. */
  async openFiles(files: InputFile[], onProgress?: (p: Progress) => void): Promise<OpenedFiles> {
    const openedData: string[] = [];
    const modelOpen = this.ws.model !== null;
    try {
      const { model, data } = await openFiles(files);
      let infos = this.ws.dataInfos();
      for (const d of dataRoles(data, this.ws.trainData !== null)) {
        infos = await this.ws.openData(d.role, dataSourceOf(d.file), onProgress);
        openedData.push(d.file.name);
      }
      const info = model ? await this.ws.openModel(model) : null;
      if (info) {
        this.precomputed = null;
        // Rows read before this model came are read again the way it takes them (its encoding's kinds, or as
        // they are for a model made elsewhere).
        await this.ws.rereadOpenData(onProgress);
        infos = this.ws.dataInfos();
      }
      return { model: info, data: infos };
    } catch (e) {
      throw refusedDrop(
        e,
        files.map((f) => f.name),
        openedData,
        modelOpen,
      );
    }
  }

  openData(role: 'train' | 'test', source: DataSource, onProgress?: (p: Progress) => void): Promise<DataInfo[]> {
    return this.ws.openData(role, source, onProgress);
  }

  /** Whether the open model can score the open rows, and if not, why (then compression is data-free). */
  scoringStatus(): { dataAware: boolean; reason?: string; mismatch?: boolean; binding?: string } {
    const ws = this.ws;
    if (!ws.dataFree)
      return { dataAware: true, ...(ws.ownMeta ? {} : { binding: describeBinding(ws.meta!.encoding) }) };
    // Rows that do not fit a model's own encoding, or rows given for a model made elsewhere whose values do not
    // fit the inputs their columns are bound to, are the user's to fix (an error); rows that were open before
    // such a model came (the demo's, say) and do not fit it are a fact about the pair (a notice).
    if (ws.encodeError) {
      return {
        dataAware: false,
        mismatch: ws.ownMeta !== null || (ws.valueRefused && ws.rowsForModel),
        reason: `${describeError(ws.encodeError).message.replace(/\.$/, '')}; until then it is compressed data-free.`,
      };
    }
    const columns = ws.ownMeta ? '' : ' with columns named after its inputs';
    return {
      dataAware: false,
      reason: `No rows are open; the model is compressed data-free until you drop data${columns}.`,
    };
  }

  /**
   * The original model's scores on the test rows in memory (computed once per model and rows; shipped with the
   * demo, when they are its model's on its rows).
   */
  async baselineScores(): Promise<Baseline> {
    if (this.baselineResult?.at === this.ws.generation) return this.baselineResult.value;
    const at = this.ws.generation;
    const { model, meta, rows, c } = this.ws.ready();
    const loaded = this.precomputed ? await this.precomputed() : null;
    const shipped = loaded ? shippedBaseline(loaded, c, rows.test) : null;
    const probs = shipped ?? (await model.probabilities(meta.encoding, rows.test));
    const value = baselineOf(c.originalParams, rows.test.labels, probs);
    if (at === this.ws.generation) this.baselineResult = { at, value };
    return value;
  }

  /** Scores the original model on the test rows, and streams every row of a test file held as a sample. */
  async baseline(onProgress?: (p: Progress) => void): Promise<BaselineInfo> {
    const t0 = performance.now();
    const b = await this.baselineScores();
    const info: BaselineInfo = {
      rows: b.probs.length,
      params: b.params,
      auc: b.auc,
      logloss: b.logloss,
      scoreMs: performance.now() - t0,
      warnings: b.warnings,
    };
    const part = this.ws.splits()!.test;
    if (!part.data.sampled) return info;
    const { model, meta } = this.ws.ready();
    const signal = this.ws.jobs.startLong();
    try {
      const total = Math.min(part.to, part.data.rows) - part.from;
      const full = await scoreStream([model], meta.encoding, streamRows(part.data, meta.encoding, part.from, part.to), {
        signal,
        onProgress: (done) => onProgress?.({ stage: 'scoring every test row', done, total, unit: 'rows' }),
      });
      const logits = full.logits[0];
      return {
        ...info,
        full: {
          rows: full.labels.length,
          auc: auc(full.labels, logits),
          logloss: logLossFromLogits(full.labels, logits),
        },
      };
    } finally {
      this.ws.jobs.endLong(signal);
    }
  }

  get prepared(): boolean {
    return this.preparedAt === this.ws.generation;
  }

  /**
   * Statistics over every training row (streamed when only a sample is in memory), then every decomposition.
   * With precomputed work that matches the open model and rows (the demo's), its statistics and spectra are
   * used instead, and each decomposition is computed when a plan first needs it, so the first AUC comes first.
   */
  async prepare(onProgress?: (p: Progress) => void): Promise<PreparedInfo> {
    const ws = this.ws;
    const model = ws.requireModel();
    const c = ws.compressor!;
    const at = ws.generation;
    const signal = ws.jobs.startLong();
    try {
      const t0 = performance.now();
      const shipped = ws.dataFree ? null : await this.shippedWork();
      throwIfCancelled(signal);
      if (ws.dataFree) c.setDataFree();
      else if (shipped) applyPrecomputed(c, shipped);
      else await this.collect(signal, onProgress);
      const statisticsMs = performance.now() - t0;
      const t1 = performance.now();
      if (!shipped) await this.decomposeAll(signal, onProgress);
      if (at === ws.generation && ws.model === model) this.preparedAt = at;
      return {
        calibrationRows: c.statistics!.rows,
        statisticsMs,
        decompositionMs: performance.now() - t1,
        spectra: shipped ? shipped.index.spectra : spectraOf(c),
        dataFree: c.dataFree,
        ...(shipped ? { precomputed: true } : {}),
      };
    } finally {
      ws.jobs.endLong(signal);
    }
  }

  /** The precomputed work given for the open model, if it matches the open model and training rows. */
  private async shippedWork(): Promise<Precomputed | null> {
    const loaded = this.precomputed ? await this.precomputed() : null;
    if (!loaded || !this.ws.encoded || !this.ws.compressor) return null;
    const part = this.ws.splits()!.train;
    if (part.data.sampled) return null;
    return mismatch(loaded, this.ws.compressor, this.ws.encoded.train) === null ? loaded : null;
  }

  /** Every prepared method's decomposition of every compressible layer (cancellable between layers). */
  private async decomposeAll(signal: AbortSignal, onProgress?: (p: Progress) => void): Promise<void> {
    const c = this.ws.compressor!;
    const methods = preparedMethods(c);
    const layers = c.compressible;
    for (let i = 0; i < layers.length; i++) {
      throwIfCancelled(signal);
      for (const m of methods) if (c.methodFor(m.id, layers[i].kind).id === m.id) c.decomposition(layers[i].name, m.id);
      onProgress?.({ stage: 'decomposition', done: i + 1, total: layers.length, unit: 'steps' });
      if (i % 8 === 7) await yieldToEventLoop(); // let cancel and newer requests in
    }
  }

  /** Statistics over every training row: streamed from the file when only a sample is in memory. */
  private async collect(signal: AbortSignal, onProgress?: (p: Progress) => void): Promise<void> {
    const { meta, rows, c } = this.ws.ready();
    const part = this.ws.splits()!.train;
    const all = part.data.sampled ? streamRows(part.data, meta.encoding, part.from, part.to) : rows.train;
    const expected = part.data.sampled ? Math.min(part.to, part.data.rows) - part.from : rows.train.rows;
    await c.collect(meta.encoding, all, {
      signal,
      onProgress: (done) => onProgress?.({ stage: 'statistics', done, total: expected, unit: 'rows' }),
    });
  }

  /** New rows or a new model reset the statistics while a plan was on its way: that result would be stale. */
  requirePrepared(): void {
    if (!this.prepared) {
      throw new StudioError(
        'CANCELLED',
        'The statistics are being recomputed; the plan is scored again when they are ready.',
      );
    }
  }

  /** Builds the plan's model and scores it against the original on the test rows. */
  async evaluate(plan: UniformPlan): Promise<PlanResult> {
    if (this.ws.dataFree) return this.evaluateDataFree(plan);
    const ticket = this.ws.jobs.nextEvaluation();
    await this.baselineScores();
    this.ws.jobs.check(ticket);
    this.requirePrepared();
    const shipped = await this.shippedPlanResult(plan);
    if (shipped) {
      // Its model is still built once, after the answer: the next plan then finds the engine warm.
      setTimeout(() => void this.warmUp(plan), 0);
      return shipped;
    }
    const t0 = performance.now();
    const { model, built, resolved } = await this.buildPlan(plan);
    try {
      this.ws.jobs.check(ticket);
      return await this.score(model, plan, built.params, {
        kept: keptLayers(resolved),
        fused: built.fused.length,
        buildMs: performance.now() - t0,
      });
    } finally {
      model.dispose();
    }
  }

  /**
   * The plan scored from shipped work (the demo's first plan), without building its model, when the work is this
   * model's on these test rows; null otherwise.
   */
  private async shippedPlanResult(plan: UniformPlan): Promise<PlanResult | null> {
    const loaded = this.precomputed ? await this.precomputed() : null;
    const { rows, c } = this.ws.ready();
    const shipped = loaded ? shippedPlan(loaded, c, rows.test, plan) : null;
    if (!shipped) return null;
    const { params, kept, fused, probs } = shipped;
    return this.scoreProbs(probs, plan, params, { kept, fused, buildMs: 0 }, performance.now());
  }

  /**
   * Builds and scores a plan's model, discarding it: the first build in a fresh worker compiles the code paths
   * and backend kernels every later plan uses (about three times a warm build's time).
   */
  private async warmUp(plan: UniformPlan): Promise<void> {
    try {
      const { model } = await this.buildPlan(plan);
      try {
        await model.probabilities(this.ws.ready().meta.encoding, this.ws.ready().rows.test);
      } finally {
        model.dispose();
      }
    } catch {
      // Nothing depends on it: another model opened meanwhile, say.
    }
  }

  /** Builds the plan's model (sequential statistics and the activation variant included). Caller disposes. */
  async buildPlan(plan: UniformPlan, signal?: AbortSignal) {
    const { meta, rows, c } = this.ws.ready();
    this.requirePrepared();
    return compressModel(c, meta.encoding, { calibration: rows.train }, { plan, signal, allowUntunedActivation: true });
  }

  /** Scores a model on the test rows against the original (paired DeLong). */
  async score(
    model: RunnableModel,
    plan: UniformPlan,
    params: number,
    extra: { kept?: string[]; fused?: number; buildMs?: number } = {},
  ): Promise<PlanResult> {
    const { meta, rows } = this.ws.ready();
    const t1 = performance.now();
    const probs = await model.probabilities(meta.encoding, rows.test);
    return this.scoreProbs(probs, plan, params, extra, t1);
  }

  /** A plan's result from its model's probabilities on the test rows (scored from `t1`). */
  private async scoreProbs(
    probs: Float32Array,
    plan: UniformPlan,
    params: number,
    extra: { kept?: string[]; fused?: number; buildMs?: number },
    t1: number,
  ): Promise<PlanResult> {
    const { rows } = this.ws.ready();
    const base = await this.baselineScores();
    const d = delong(rows.test.labels, base.probs, probs);
    return {
      plan,
      params,
      auc: d.aucB,
      logloss: logLoss(rows.test.labels, probs),
      delong: { diff: d.diff, se: d.se, low: d.low, high: d.high, p: d.p },
      warnings: comparisonWarnings(rows.test.labels, base, probs, d),
      kept: extra.kept ?? [],
      fused: extra.fused ?? 0,
      buildMs: extra.buildMs ?? 0,
      scoreMs: performance.now() - t1,
    };
  }

  /** Without rows: the plan's parameters and each replaced layer's reconstruction error; no AUC. */
  private evaluateDataFree(plan: UniformPlan): PlanResult {
    const c = this.ws.compressor;
    if (!c || !this.prepared) {
      throw new StudioError(
        'CANCELLED',
        'The decompositions are being recomputed; the plan is scored again when they are ready.',
      );
    }
    const t0 = performance.now();
    const resolved = c.uniformPlan(plan);
    const built = c.build(resolved);
    const errors = c.reconstructionErrors(resolved);
    const values = [...errors.values()];
    return {
      plan,
      params: built.params,
      auc: Number.NaN,
      logloss: Number.NaN,
      delong: { diff: Number.NaN, se: Number.NaN, low: Number.NaN, high: Number.NaN, p: Number.NaN },
      warnings: [],
      kept: resolved.filter((p) => p.method === 'keep' && p.note?.startsWith('rank')).map((p) => p.layer),
      fused: built.fused.length,
      buildMs: performance.now() - t0,
      scoreMs: 0,
      reconstruction: {
        perLayer: Object.fromEntries(errors),
        mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0,
        worst: values.reduce((a, b) => Math.max(a, b), 0),
      },
    };
  }

  /** Click probabilities of the test rows from the original model, computed now (checks and parity tests). */
  async predict(): Promise<Float32Array> {
    const { model, meta, rows } = this.ws.ready();
    return model.probabilities(meta.encoding, rows.test);
  }
}

/** The layers a plan asked to compress but keeps (their rank is above break-even). */
export function keptLayers(resolved: { layer: string; method: string; note?: string }[]): string[] {
  return resolved.filter((p) => p.method === 'keep' && p.note?.startsWith('rank')).map((p) => p.layer);
}

/** A data source over a URL (the demo's files), opened afresh for every pass. */
export function urlSource(url: string, name: string, fetchOk: (url: string) => Promise<Response>): DataSource {
  return { name, open: async () => (await fetchOk(url)).body as unknown as ByteSource };
}
