/**
 * The compression engine on the runtime: inventory of a model's factorable layers, statistics from
 * calibration rows, decompositions cached per (layer, method), and compressed models built for any plan
 * by slicing those decompositions. The original model and its artifacts are never modified: every
 * compressed model is a new model built from new artifacts.
 */
import type { FeatureEncoding } from '../core/data';
import { StudioError } from '../core/errors';
import type { ModelArtifacts } from '../core/model/artifacts';
import {
  buildInventory,
  decodeWeights,
  plannedParams,
  rewriteModel,
  totalParams,
  weightName,
  type LayerInfo,
  type Replacement,
  type Weight,
} from '../core/compress/graph';
import {
  denseAfm,
  denseSvd,
  embeddingAfm,
  embeddingSvd,
  shiftForRelu,
  type Decomposition,
  type DenseWeights,
  type Method,
  type TableWeights,
} from '../core/compress/factors';
import {
  denseReplacementError,
  denseWeightError,
  embeddingReplacementError,
  type ReplacementError,
} from '../core/compress/error';
import { mergeStatistics, modelFingerprint, type LayerStatistics } from '../core/compress/statistics';
import {
  denseRankForBudget,
  plannedRanks,
  resolveExplicitPlan,
  resolveUniformPlan,
  type LayerChoice,
  type ResolvedLayer,
  type UniformPlan,
} from '../core/compress/plan';
import type { LayersModel } from './tfjs';
import { loadModelFromArtifacts, saveModelToArtifacts } from './modelio';
import { collectStatistics, type CollectedStatistics, type RowSource, type StatisticsOptions } from './stats';

export type { Method, LayerChoice, ResolvedLayer, UniformPlan };

export interface BuiltModel {
  artifacts: ModelArtifacts;
  plan: ResolvedLayer[];
  params: number;
  /** Parameters per original layer after rewriting (the layer, its _proj / _up parts). */
  layerParams: Map<string, number>;
  fused: { embedding: string; dense: string }[];
  ms: number;
}

export interface CompressorTimings {
  statisticsMs: number;
  decompositionMs: number;
}

function shapesOf(model: LayersModel): Record<string, (number | null)[]> {
  const shapes: Record<string, (number | null)[]> = {};
  for (const layer of model.layers) {
    const s = layer.outputShape;
    shapes[layer.name] = (Array.isArray(s[0]) ? s[0] : s) as (number | null)[];
  }
  return shapes;
}

export class Compressor {
  readonly inventory: LayerInfo[];
  readonly originalParams: number;
  private readonly weights: Map<string, Weight>;
  private readonly decompositions = new Map<string, Decomposition>();
  private stats: CollectedStatistics | null = null;
  /** Data-free mode: no rows; Dense layers by SVD, tables by AFM with uniform (or given) id weights. */
  private dataFreeMode = false;
  readonly timings: CompressorTimings = { statisticsMs: 0, decompositionMs: 0 };

  private constructor(
    readonly model: LayersModel,
    readonly artifacts: ModelArtifacts,
    /** Each layer's output shape (batch axis null), as tfjs reports it. */
    readonly shapes: Record<string, (number | null)[]>,
  ) {
    this.inventory = buildInventory(artifacts, shapes);
    this.weights = decodeWeights(artifacts);
    this.originalParams = totalParams(artifacts.weightSpecs);
  }

  /** A compressor for a loaded model (its artifacts are captured once, in memory). */
  static async create(model: LayersModel): Promise<Compressor> {
    return new Compressor(model, await saveModelToArtifacts(model), shapesOf(model));
  }

  /** The compressible layers. */
  get compressible(): LayerInfo[] {
    return this.inventory.filter((l) => l.compressible);
  }

  layer(name: string): LayerInfo {
    const l = this.inventory.find((x) => x.name === name);
    if (!l)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The model has no Dense or Embedding layer named ${name}; see the layer list for the names.`,
      );
    return l;
  }

  /** Every compressible layer's statistics over some rows, without keeping them (one shard's worth). */
  async measure(
    encoding: FeatureEncoding,
    rows: RowSource,
    opts: StatisticsOptions = {},
  ): Promise<CollectedStatistics> {
    const layers = this.compressible;
    const stats = await collectStatistics(
      this.model,
      encoding,
      rows,
      {
        dense: layers.filter((l) => l.kind === 'dense').map((l) => l.name),
        embeddings: layers.filter((l) => l.kind === 'embedding').map((l) => l.name),
      },
      opts,
    );
    this.timings.statisticsMs += stats.ms;
    return stats;
  }

  /**
   * Collects the statistics AFM uses from the original model over the calibration rows. Several sources
   * (shards) are measured one by one and merged in order: the same arithmetic as merging `.stats` files.
   */
  async collect(
    encoding: FeatureEncoding,
    calibration: RowSource | RowSource[],
    opts: StatisticsOptions = {},
  ): Promise<CollectedStatistics> {
    const shards = Array.isArray(calibration) ? calibration : [calibration];
    let merged: CollectedStatistics | null = null;
    for (const shard of shards) {
      const s = await this.measure(encoding, shard, opts);
      merged = merged ? { ...mergeStatistics(merged, s), ms: merged.ms + s.ms } : s;
    }
    this.useStatistics(merged!);
    this.stats = merged;
    return merged!;
  }

  get statistics(): CollectedStatistics | null {
    return this.stats;
  }

  /**
   * Switches to data-free compression: with no rows, Dense layers can only be factored by SVD of their
   * weights, and embedding tables by AFM with every id weighted alike (or by the id frequencies given).
   */
  setDataFree(idCounts?: Map<string, Float64Array>): void {
    const counts = new Map<string, Float64Array>();
    for (const l of this.compressible) {
      if (l.kind !== 'embedding') continue;
      const given = idCounts?.get(l.name);
      if (given && given.length !== l.shape.vocab)
        throw new StudioError(
          'INVALID_ARGUMENT',
          `The id frequencies of ${l.name} list ${given.length} ids but its table has ` +
            `${l.shape.vocab}; give one count per id.`,
        );
      counts.set(l.name, given ?? new Float64Array(l.shape.vocab).fill(1));
    }
    this.stats = { rows: 0, denseInputs: new Map(), idCounts: counts, ms: 0 };
    this.dataFreeMode = true;
    for (const key of [...this.decompositions.keys()]) if (key.startsWith('afm:')) this.decompositions.delete(key);
  }

  /** True in data-free mode (see setDataFree). */
  get dataFree(): boolean {
    return this.dataFreeMode;
  }

  /** Uses statistics computed elsewhere (merged `.stats` files), after checking they cover this model's layers. */
  useStatistics(stats: LayerStatistics): void {
    for (const l of this.compressible) {
      const ok =
        l.kind === 'dense'
          ? stats.denseInputs.get(l.name)?.dim === l.shape.dIn
          : stats.idCounts.get(l.name)?.length === l.shape.vocab;
      if (!ok)
        throw new StudioError(
          'INVALID_ARGUMENT',
          `The statistics have nothing (or the wrong size) for layer ${l.name}; compute ` +
            `them with ctr-studio stats on this model.`,
        );
    }
    this.stats = { ...stats, ms: 0 };
    this.dataFreeMode = false;
    for (const key of [...this.decompositions.keys()]) if (key.startsWith('afm:')) this.decompositions.delete(key);
  }

  /** Fingerprint of the model (topology and weights), written into `.stats` files. */
  get fingerprint(): string {
    return modelFingerprint(this.artifacts.modelTopology, this.artifacts.weightData);
  }

  private denseWeights(name: string): DenseWeights {
    const info = this.layer(name);
    if (info.kind !== 'dense') throw new Error(`${name} is not a Dense layer`);
    const kernel = this.weights.get(weightName(name, 'kernel'))!.values as Float32Array;
    const bias = info.shape.useBias ? (this.weights.get(weightName(name, 'bias'))!.values as Float32Array) : null;
    return { kernel, bias, dIn: info.shape.dIn, dOut: info.shape.dOut };
  }

  private tableWeights(name: string): TableWeights {
    const info = this.layer(name);
    if (info.kind !== 'embedding') throw new Error(`${name} is not an Embedding layer`);
    return {
      table: this.weights.get(weightName(name, 'embeddings'))!.values as Float32Array,
      vocab: info.shape.vocab,
      dim: info.shape.dim,
    };
  }

  private requireStats(): CollectedStatistics {
    if (!this.stats)
      throw new StudioError(
        'INVALID_ARGUMENT',
        'AFM needs statistics from calibration rows; provide training rows first.',
      );
    return this.stats;
  }

  /** The decomposition of one layer by one method, computed on first use and cached (up to rank maxRank). */
  decomposition(name: string, method: Method, maxRank?: number): Decomposition {
    const key = `${method}:${name}`;
    const info = this.layer(name);
    const width =
      info.kind === 'dense' ? Math.min(info.shape.dOut, method === 'svd' ? info.shape.dIn : Infinity) : info.shape.dim;
    const want = Math.min(width, maxRank ?? info.breakEvenRank);
    const cached = this.decompositions.get(key);
    if (cached && cached.maxRank >= want) return cached;
    const t0 = performance.now();
    let d: Decomposition;
    if (info.kind === 'dense') {
      const w = this.denseWeights(name);
      d =
        method === 'afm'
          ? denseAfm(name, w, this.requireStats().denseInputs.get(name)!, want)
          : denseSvd(name, w, want);
    } else {
      const t = this.tableWeights(name);
      d =
        method === 'afm'
          ? embeddingAfm(name, t, this.requireStats().idCounts.get(name)!, want)
          : embeddingSvd(name, t, want);
    }
    this.timings.decompositionMs += performance.now() - t0;
    this.decompositions.set(key, d);
    return d;
  }

  /** Decomposes every compressible layer by `method` (what a sweep or the studio does up front). */
  decomposeAll(method: Method): void {
    for (const l of this.compressible) this.decomposition(l.name, method);
  }

  /** The same method and rank for every layer of a kind; ranks above a layer's break-even keep it. */
  uniformPlan(p: UniformPlan): ResolvedLayer[] {
    const plan = resolveUniformPlan(this.inventory, p);
    // Without data, AFM of a Dense layer has no outputs to look at: its weights are factored by SVD.
    return this.dataFreeMode
      ? plan.map((l) =>
          l.kind === 'dense' && l.method === 'afm' ? { ...l, method: 'svd', note: 'data-free: SVD of the weights' } : l,
        )
      : plan;
  }

  /**
   * Per compressed layer, the relative error of its replacement: of its outputs on the calibration rows
   * (1 − explained variance) with data, of its weights (Dense, data-free) or of its looked-up rows weighted by
   * the id weights (tables).
   */
  reconstructionErrors(plan: ResolvedLayer[]): Map<string, number> {
    const out = new Map<string, number>();
    const stats = this.stats;
    for (const r of this.replacements(plan)) {
      if (r.kind === 'dense') {
        const input = stats?.denseInputs.get(r.layer);
        out.set(
          r.layer,
          input
            ? 1 - denseReplacementError(this.denseWeights(r.layer), input, r).explainedVariance
            : denseWeightError(this.denseWeights(r.layer), r),
        );
      } else {
        const counts = stats?.idCounts.get(r.layer) ?? new Float64Array(this.tableWeights(r.layer).vocab).fill(1);
        out.set(r.layer, 1 - embeddingReplacementError(this.tableWeights(r.layer), counts, r).explainedVariance);
      }
    }
    return out;
  }

  /** Parameters the plan's model will have, counted without building it. */
  plannedParams(plan: UniformPlan, opts: { fuse?: boolean } = {}): number {
    return plannedParams(this.artifacts, this.shapes, plannedRanks(this.uniformPlan(plan)), opts);
  }

  /** The largest dense rank whose plan stays within a fraction of the original parameters (null: none does). */
  denseRankForFraction(base: UniformPlan, fraction: number, opts: { fuse?: boolean } = {}): number | null {
    const top = this.compressible.filter((l) => l.kind === 'dense').reduce((m, l) => Math.max(m, l.breakEvenRank), 0);
    return denseRankForBudget((p) => this.plannedParams(p, opts), top, base, fraction * this.originalParams);
  }

  /** A per-layer plan; a rank above break-even is refused unless allowAboveBreakEven. */
  explicitPlan(choices: Record<string, LayerChoice>, opts: { allowAboveBreakEven?: boolean } = {}): ResolvedLayer[] {
    return resolveExplicitPlan(this.inventory, choices, opts);
  }

  /**
   * The replacements of a resolved plan: slices of the cached decompositions, or of `own` ones (sequential
   * statistics) where given; with the activation between the factors where the plan asks for it.
   */
  replacements(plan: ResolvedLayer[], own?: Map<string, Decomposition>): Replacement[] {
    return plan
      .filter((p) => p.method !== 'keep')
      .map((p) => {
        const d = own?.get(p.layer) ?? this.decomposition(p.layer, p.method as Method, p.rank!);
        const r = d.slice(p.rank!);
        if (r.kind !== 'dense' || !p.activationBetween) return r;
        return p.activationBetween === 'relu' ? shiftForRelu(d, r) : { ...r, activationBetween: p.activationBetween };
      });
  }

  /**
   * Sequential statistics: Dense layers in graph order, each one's AFM computed from its inputs in the model
   * whose earlier layers are already compressed by this plan (without fusion, so every Dense still reads
   * inputs of its original width). Embedding tables need no forward pass: their one-pass statistics serve.
   * One forward pass over the calibration rows per compressed Dense layer.
   */
  async sequentialDecompositions(
    encoding: FeatureEncoding,
    calibration: RowSource,
    plan: ResolvedLayer[],
    opts: StatisticsOptions = {},
  ): Promise<Map<string, Decomposition>> {
    const own = new Map<string, Decomposition>();
    const done = new Set<string>();
    for (const p of plan) {
      if (p.method === 'keep') continue;
      if (p.kind === 'dense' && p.method === 'afm') {
        const upstream = plan.map((q) => (done.has(q.layer) ? q : { ...q, method: 'keep' as const, rank: null }));
        const partial = await this.load(this.build(upstream, { fuse: false, decompositions: own }));
        try {
          const stats = await collectStatistics(
            partial,
            encoding,
            calibration,
            { dense: [p.layer], embeddings: [] },
            opts,
          );
          this.timings.statisticsMs += stats.ms;
          const t0 = performance.now();
          own.set(p.layer, denseAfm(p.layer, this.denseWeights(p.layer), stats.denseInputs.get(p.layer)!, p.rank!));
          this.timings.decompositionMs += performance.now() - t0;
        } finally {
          partial.dispose();
        }
      }
      done.add(p.layer);
    }
    return own;
  }

  /** How well each replaced layer reproduces its outputs on the calibration rows (AFM needs statistics). */
  replacementErrors(plan: ResolvedLayer[]): Map<string, ReplacementError> {
    const stats = this.requireStats();
    const out = new Map<string, ReplacementError>();
    for (const r of this.replacements(plan)) {
      out.set(
        r.layer,
        r.kind === 'dense'
          ? denseReplacementError(this.denseWeights(r.layer), stats.denseInputs.get(r.layer)!, r)
          : embeddingReplacementError(this.tableWeights(r.layer), stats.idCounts.get(r.layer)!, r),
      );
    }
    return out;
  }

  /** New artifacts for a plan; the original artifacts are left as they are. */
  build(plan: ResolvedLayer[], opts: { fuse?: boolean; decompositions?: Map<string, Decomposition> } = {}): BuiltModel {
    const t0 = performance.now();
    const rewritten = rewriteModel(this.artifacts, this.shapes, this.replacements(plan, opts.decompositions), {
      fuse: opts.fuse ?? true,
    });
    const layerParams = new Map<string, number>();
    for (const spec of rewritten.artifacts.weightSpecs) {
      const layerName = spec.name.slice(0, spec.name.lastIndexOf('/'));
      const owner = layerName.replace(/_(proj|up)$/, '');
      const key = this.inventory.some((l) => l.name === owner) ? owner : layerName;
      layerParams.set(key, (layerParams.get(key) ?? 0) + spec.shape.reduce((a, b) => a * b, 1));
    }
    return {
      artifacts: rewritten.artifacts,
      plan,
      params: totalParams(rewritten.artifacts.weightSpecs),
      layerParams,
      fused: rewritten.fused,
      ms: performance.now() - t0,
    };
  }

  /** Builds and loads a compressed model (a new tfjs model; dispose it when done). */
  async load(built: BuiltModel): Promise<LayersModel> {
    return loadModelFromArtifacts(built.artifacts, 'compressed model');
  }
}
