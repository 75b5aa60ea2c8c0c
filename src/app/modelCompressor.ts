/**
 * The compression engine bound to a runnable model: the pure Compressor (src/core/compress) plus what needs
 * the runtime — statistics from forward passes over calibration rows, sequential statistics from partly
 * compressed models, and loading what it builds.
 */
import { concatSources, type FeatureEncoding, type RowSource } from '../core/data';
import { Compressor, type BuiltModel } from '../core/compress/compressor';
import type { Decomposition } from '../core/compress/decomposition';
import { getMethod } from '../core/compress/methods';
import type { ResolvedLayer } from '../core/compress/plan';
import { mergeStatistics } from '../core/compress/statistics';
import { StudioError } from '../core/errors';
import type { CollectedStatistics, RunnableModel, StatisticsOptions } from './runtime';

export class ModelCompressor<P = unknown, M extends RunnableModel<P> = RunnableModel<P>> extends Compressor<P> {
  /** Time spent collecting statistics (decompositions are timed in `timings.decompositionMs`). */
  statisticsMs = 0;

  constructor(readonly model: M) {
    super(model.target);
  }

  /**
   * Every compressible layer's statistics over some rows, without keeping them (one shard's worth). Gradient
   * statistics too when asked and the runtime can compute them.
   */
  async measure(
    encoding: FeatureEncoding,
    rows: RowSource,
    opts: StatisticsOptions & { gradients?: boolean } = {},
  ): Promise<CollectedStatistics> {
    const layers = this.compressible;
    if (opts.gradients && !this.model.capabilities.gradients) {
      throw new StudioError('INVALID_ARGUMENT', `Gradient statistics cannot be computed for ${this.model.name} here.`);
    }
    const stats = await this.model.statistics(
      encoding,
      rows,
      {
        dense: layers.filter((l) => l.kind === 'dense').map((l) => l.name),
        embeddings: layers.filter((l) => l.kind === 'embedding').map((l) => l.name),
        gradients: opts.gradients,
      },
      opts,
    );
    this.statisticsMs += stats.ms;
    return stats;
  }

  /**
   * Collects statistics from the original model over the calibration rows and uses them. Several sources
   * (shards) are measured one by one and merged in order: the same arithmetic as merging `.stats` files.
   */
  async collect(
    encoding: FeatureEncoding,
    calibration: RowSource | RowSource[],
    opts: StatisticsOptions & { gradients?: boolean } = {},
  ): Promise<CollectedStatistics> {
    const shards = Array.isArray(calibration) ? calibration : [calibration];
    let merged: CollectedStatistics | null = null;
    for (const shard of shards) {
      const s = await this.measure(encoding, shard, opts);
      merged = merged ? { ...mergeStatistics(merged, s), ms: merged.ms + s.ms } : s;
    }
    this.useStatistics(merged!);
    return merged!;
  }

  /** Gradient statistics over the calibration rows, added to the statistics in hand (see Compressor.useGradients). */
  async addGradients(
    encoding: FeatureEncoding,
    calibration: RowSource | RowSource[],
    opts: StatisticsOptions = {},
  ): Promise<void> {
    if (!this.model.capabilities.gradients) {
      throw new StudioError('INVALID_ARGUMENT', `Gradient statistics cannot be computed for ${this.model.name} here.`);
    }
    const layers = this.compressible;
    const stats = await this.model.statistics(
      encoding,
      Array.isArray(calibration) ? concatSources(calibration) : calibration,
      {
        dense: layers.filter((l) => l.kind === 'dense').map((l) => l.name),
        embeddings: layers.filter((l) => l.kind === 'embedding').map((l) => l.name),
        activations: false,
        gradients: true,
      },
      opts,
    );
    this.statisticsMs += stats.ms;
    this.useGradients(stats.fisher!);
  }

  /**
   * Sequential statistics: Dense layers in graph order, each one's decomposition computed from its inputs in
   * the model whose earlier layers are already compressed by this plan (without fusion, so every Dense still
   * reads inputs of its original width). Tables need no forward pass: their one-pass statistics serve. One
   * forward pass over the calibration rows per compressed Dense layer.
   */
  async sequentialDecompositions(
    encoding: FeatureEncoding,
    calibration: RowSource | RowSource[],
    plan: ResolvedLayer[],
    opts: StatisticsOptions = {},
  ): Promise<Map<string, Decomposition>> {
    const rows = Array.isArray(calibration) ? concatSources(calibration) : calibration;
    const own = new Map<string, Decomposition>();
    const done = new Set<string>();
    for (const p of plan) {
      if (p.method === 'keep') continue;
      const method = getMethod(p.method);
      if (p.kind === 'dense' && method.sequential) {
        const upstream = plan.map((q) => (done.has(q.layer) ? q : { ...q, method: 'keep' as const, rank: null }));
        const partial = await this.load(this.build(upstream, { fuse: false, decompositions: own }));
        try {
          const stats = await partial.statistics(encoding, rows, { dense: [p.layer], embeddings: [] }, opts);
          this.statisticsMs += stats.ms;
          const t0 = performance.now();
          const inputs = stats.denseInputs.get(p.layer)!;
          own.set(p.layer, method.dense(p.layer, this.target.denseWeights(p.layer), { inputs }, p.rank!));
          this.timings.decompositionMs += performance.now() - t0;
        } finally {
          partial.dispose();
        }
      }
      done.add(p.layer);
    }
    return own;
  }

  /** Loads a built model in the runtime (a new model; dispose it when done). */
  async load(built: BuiltModel<P>): Promise<M> {
    return (await this.model.load(built.payload, 'compressed model')) as M;
  }
}
