/**
 * An ONNX graph run as it is in onnxruntime-web (RunnableModel): scoring, statistics from the graph's own
 * intermediate tensors (a copy of the graph with extra outputs), throughput, and compressed graphs loaded
 * from their bytes. The onnxruntime module is handed in (Node's build, or the browser's wasm or WebGPU
 * bundle), so this file runs the same everywhere.
 */
import type * as Ort from 'onnxruntime-web';
import type {
  CollectedStatistics,
  RunnableModel,
  ScoreOptions,
  StatisticsOptions,
  StatisticsRequest,
  Throughput,
} from '../app/runtime';
import {
  chunksOfRows,
  type EncodedBatch,
  type FeatureEncoding,
  type ModelInputInfo,
  type RowSource,
} from '../core/data';
import { addBatch, createMoments, type Moments } from '../core/linalg';
import type { ModelDescription } from '../core/layers/describe';
import { describeOnnx } from '../core/onnx/native/describe';
import { feedArrays, planOnnxFeed, type OnnxFeedPlan } from '../core/onnx/native/feed';
import { OnnxGraph } from '../core/onnx/native/graph';
import { describeOnnxInputs } from '../core/onnx/native/inputs';
import { logitGraph, probeGraph, type ProbeOutputs } from '../core/onnx/native/probe';
import { OnnxTarget } from '../core/onnx/native/target';
import { StudioError } from '../core/errors';
import { yieldToEventLoop } from '../core/yield';
import { runFailure } from './failure';

export type OrtModule = typeof Ort;

/** How sessions are created: the execution providers to try, in order. */
export interface OrtOptions {
  executionProviders?: string[];
}

const BATCH = 2048;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

export class OnnxModel implements RunnableModel<Uint8Array> {
  readonly format = 'onnx' as const;
  readonly capabilities = { gradients: false, fineTune: false };
  readonly target: OnnxTarget;
  readonly inputs: ModelInputInfo[];
  private described: ModelDescription | null = null;
  private scoring: { session: Ort.InferenceSession; logit: string | null } | null = null;

  private constructor(
    private readonly ort: OrtModule,
    private readonly options: OrtOptions,
    readonly g: OnnxGraph,
    private readonly bytes: Uint8Array,
    readonly name: string,
  ) {
    this.target = new OnnxTarget(g, bytes);
    this.inputs = describeOnnxInputs(g);
  }

  /** Reads the bytes and checks that onnxruntime can run them; one sentence says why not. */
  static async load(ort: OrtModule, bytes: Uint8Array, name: string, options: OrtOptions = {}): Promise<OnnxModel> {
    const m = new OnnxModel(ort, options, OnnxGraph.read(bytes, name), bytes, name);
    await m.scoringSession();
    return m;
  }

  get description(): ModelDescription {
    this.described ??= describeOnnx(this.g, [...this.target.units.values()], this.target.inventory);
    return this.described;
  }

  get userDefinedMetadata() {
    return this.g.userDefinedMetadata;
  }

  get params(): number {
    return this.target.originalParams;
  }

  get accounting() {
    return this.target.accounting();
  }

  private async session(bytes: Uint8Array): Promise<Ort.InferenceSession> {
    try {
      return await this.ort.InferenceSession.create(bytes, {
        executionProviders: this.options.executionProviders ?? ['wasm'],
        graphOptimizationLevel: 'all',
      });
    } catch (e) {
      throw runFailure(e, this.g, this.name);
    }
  }

  /** The session that scores rows: the model, plus its logit as an extra output when it ends in a Sigmoid. */
  private async scoringSession() {
    if (this.scoring) return this.scoring;
    const withLogit = logitGraph(this.g);
    this.scoring = { session: await this.session(withLogit?.bytes ?? this.bytes), logit: withLogit?.logit ?? null };
    return this.scoring;
  }

  /** Runs a session on rows [start, end); a failure names the node when onnxruntime does. */
  private async run(
    session: Ort.InferenceSession,
    plan: OnnxFeedPlan,
    batch: EncodedBatch,
    start: number,
    end: number,
    fetches: string[],
  ) {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const f of feedArrays(plan, batch, start, end)) feeds[f.name] = new this.ort.Tensor(f.type, f.data, f.dims);
    try {
      return await session.run(feeds, fetches);
    } catch (e) {
      throw runFailure(e, this.g, this.name);
    }
  }

  /** The model's score of every row: its logit, or its probability. */
  private async scores(
    encoding: FeatureEncoding,
    batch: EncodedBatch,
    want: 'logit' | 'prob',
    opts: ScoreOptions = {},
  ) {
    const { session, logit } = await this.scoringSession();
    const plan = planOnnxFeed(this.g, encoding);
    const output = this.g.graph.output[0].name;
    const fetch = want === 'logit' && logit ? logit : output;
    const out = new Float32Array(batch.rows);
    for (let start = 0; start < batch.rows; start += opts.batchSize ?? BATCH) {
      if (start > 0) await yieldToEventLoop();
      if (opts.signal?.aborted) throw opts.signal.reason ?? new StudioError('CANCELLED', 'Cancelled.');
      const end = Math.min(batch.rows, start + (opts.batchSize ?? BATCH));
      const t = (await this.run(session, plan, batch, start, end, [fetch]))[fetch];
      if (t.data.length !== end - start) {
        throw new StudioError(
          'MODEL_NOT_LAYERS',
          `${this.name} gives ${t.data.length / (end - start)} values per row on its output "${fetch}"; CTR Studio ` +
            'scores models with one click score per row.',
        );
      }
      const values = t.data as Float32Array;
      // A graph that ends without a Sigmoid outputs a logit: probabilities are its sigmoid.
      if (want === 'prob' && !logit)
        for (let i = 0; i < values.length; i++) out[start + i] = 1 / (1 + Math.exp(-values[i]));
      else out.set(values, start);
      opts.onProgress?.(end);
    }
    return out;
  }

  logits(encoding: FeatureEncoding, rows: EncodedBatch, opts?: ScoreOptions): Promise<Float32Array> {
    return this.scores(encoding, rows, 'logit', opts);
  }

  probabilities(encoding: FeatureEncoding, rows: EncodedBatch, opts?: ScoreOptions): Promise<Float32Array> {
    return this.scores(encoding, rows, 'prob', opts);
  }

  async statistics(
    encoding: FeatureEncoding,
    rows: RowSource,
    request: StatisticsRequest,
    opts: StatisticsOptions = {},
  ): Promise<CollectedStatistics> {
    const t0 = performance.now();
    const wanted = [...request.dense, ...request.embeddings].flatMap((n) => this.target.units.get(n) ?? []);
    const probe = probeGraph(this.g, wanted);
    const session = await this.session(probe.bytes);
    try {
      const acc = new StatisticsAccumulator(this.target, probe.outputs);
      const plan = planOnnxFeed(this.g, encoding);
      const fetches = acc.fetches();
      const { chunks, total } = chunksOfRows(rows);
      let seen = 0;
      for await (const chunk of chunks) {
        for (let start = 0; start < chunk.rows; start += opts.batchSize ?? BATCH) {
          await yieldToEventLoop(); // let a cancel in
          if (opts.signal?.aborted) throw new StudioError('CANCELLED', 'Statistics collection was cancelled.');
          const end = Math.min(chunk.rows, start + (opts.batchSize ?? BATCH));
          // No layer worth factoring (none asked for): the rows are only counted (onnxruntime refuses no fetches).
          if (fetches.length > 0) acc.add(await this.run(session, plan, chunk, start, end, fetches));
          opts.onProgress?.(seen + end, total ?? seen + end);
        }
        seen += chunk.rows;
      }
      if (seen === 0) {
        throw new StudioError(
          'DATA_EMPTY',
          'There are no calibration rows to collect statistics from; give a training file with rows.',
        );
      }
      return { rows: seen, denseInputs: acc.moments, idCounts: acc.counts, ms: performance.now() - t0 };
    } finally {
      await session.release();
    }
  }

  load(payload: Uint8Array, name: string): Promise<OnnxModel> {
    return OnnxModel.load(this.ort, payload, name, this.options);
  }

  async payload(): Promise<Uint8Array> {
    return this.bytes;
  }

  async throughput(
    encoding: FeatureEncoding,
    rows: EncodedBatch,
    batchSize: number,
    opts: { runs?: number; warmup?: number; callsPerRun?: number } = {},
  ): Promise<Throughput> {
    const { session } = await this.scoringSession();
    const plan = planOnnxFeed(this.g, encoding);
    const output = this.g.graph.output[0].name;
    const calls = opts.callsPerRun ?? (batchSize === 1 ? 100 : 1);
    const n = Math.min(batchSize, rows.rows);
    const feeds = Array.from({ length: calls }, (_, c) => {
      const start = (c * n) % Math.max(1, rows.rows - n + 1);
      const f: Record<string, Ort.Tensor> = {};
      for (const a of feedArrays(plan, rows, start, start + n)) f[a.name] = new this.ort.Tensor(a.type, a.data, a.dims);
      return f;
    });
    const once = async () => {
      const t0 = performance.now();
      for (const f of feeds) await session.run(f, [output]);
      return performance.now() - t0;
    };
    for (let w = 0; w < (opts.warmup ?? 1); w++) await once();
    const times: number[] = [];
    for (let r = 0; r < (opts.runs ?? 7); r++) times.push(await once());
    const msPerBatch = median(times) / calls;
    const msPerBatchRuns = times.map((t) => t / calls);
    return { batchSize: n, rowsPerSec: (n / msPerBatch) * 1000, msPerBatch, runs: times.length, msPerBatchRuns };
  }

  dispose(): void {
    void this.scoring?.session.release();
    this.scoring = null;
  }
}

/** Moments of Dense inputs and id counts of tables, folded batch by batch from the probe's outputs. */
class StatisticsAccumulator {
  readonly moments = new Map<string, Moments>();
  readonly counts = new Map<string, Float64Array>();

  constructor(
    target: OnnxTarget,
    private readonly outputs: ProbeOutputs,
  ) {
    for (const [name] of outputs.dense) {
      const u = target.units.get(name)!;
      if (u.kind === 'dense') this.moments.set(name, createMoments(u.dIn));
    }
    for (const [name] of outputs.embeddings) {
      const u = target.units.get(name)!;
      if (u.kind === 'embedding') this.counts.set(name, new Float64Array(u.vocab));
    }
  }

  fetches(): string[] {
    const names = new Set<string>();
    for (const d of this.outputs.dense.values()) names.add(d.output);
    for (const list of this.outputs.embeddings.values()) for (const n of list) names.add(n);
    return [...names];
  }

  add(result: Record<string, Ort.Tensor>): void {
    for (const [name, d] of this.outputs.dense) {
      const m = this.moments.get(name)!;
      const t = result[d.output];
      const data = d.columns ? columnsAsRows(t.data as Float32Array, t.dims as number[]) : (t.data as Float32Array);
      addBatch(m, data, data.length / m.dim);
    }
    for (const [name, outs] of this.outputs.embeddings) {
      const counts = this.counts.get(name)!;
      const vocab = counts.length;
      for (const out of outs) {
        for (const raw of result[out].data as BigInt64Array) {
          const id = Number(raw) < 0 ? Number(raw) + vocab : Number(raw);
          if (id >= 0 && id < vocab) counts[id] += 1;
        }
      }
    }
  }
}

/** A [..., d, n] tensor's columns (the vectors a weight on the left multiplies) as rows of d values. */
function columnsAsRows(data: Float32Array, dims: number[]): Float32Array {
  const d = dims[dims.length - 2];
  const n = dims[dims.length - 1];
  const blocks = data.length / (d * n);
  const out = new Float32Array(data.length);
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < d; i++) for (let j = 0; j < n; j++) out[b * d * n + j * d + i] = data[b * d * n + i * n + j];
  }
  return out;
}
