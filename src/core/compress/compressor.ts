/**
 * The compression engine on a model of any format (a CompressionTarget): statistics given by the caller,
 * decompositions computed once per (method, layer) and cached, and compressed models built for any plan by
 * slicing them. The original model is never modified: every rewrite is a new model. Pure: it runs nothing;
 * the runtimes (src/tf, src/ort) collect the statistics and load what it builds.
 */
import { StudioError } from '../errors';
import type { Decomposition, LayerStatisticsView, Replacement } from './decomposition';
import { denseReplacementError, denseWeightError, embeddingReplacementError, type ReplacementError } from './error';
import type { LayerInfo } from './inventory';
import { dataFreeMethod, getMethod, type StatisticsKind } from './methods';
import {
  denseRankForBudget,
  plannedRanks,
  resolveExplicitPlan,
  resolveUniformPlan,
  type LayerChoice,
  type ResolvedLayer,
  type UniformPlan,
} from './plan';
import type { LayerStatistics } from './statistics';
import type { CompressionTarget, Rewritten } from './target';

export interface BuiltModel<P = unknown> extends Rewritten<P> {
  plan: ResolvedLayer[];
  ms: number;
}

export class Compressor<P = unknown> {
  readonly inventory: LayerInfo[];
  readonly originalParams: number;
  private readonly decompositions = new Map<string, Decomposition>();
  private stats: LayerStatistics | null = null;
  /** Data-free mode: no rows; each layer by a method that needs none (see methods.dataFreeMethod). */
  private dataFreeMode = false;
  /** The kinds of statistics in hand. */
  private readonly kinds = new Set<StatisticsKind>();
  readonly timings = { decompositionMs: 0 };

  constructor(readonly target: CompressionTarget<P>) {
    this.inventory = target.inventory;
    this.originalParams = target.originalParams;
  }

  /** The compressible layers. */
  get compressible(): LayerInfo[] {
    return this.inventory.filter((l) => l.compressible);
  }

  layer(name: string): LayerInfo {
    const l = this.inventory.find((x) => x.name === name);
    if (!l) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The model has no Dense or Embedding layer named ${name}; see the layer list for the names.`,
      );
    }
    return l;
  }

  get statistics(): LayerStatistics | null {
    return this.stats;
  }

  /** True in data-free mode (see setDataFree). */
  get dataFree(): boolean {
    return this.dataFreeMode;
  }

  /** Which kinds of statistics are in hand. */
  has(kind: StatisticsKind): boolean {
    return this.kinds.has(kind);
  }

  /**
   * Switches to data-free compression: with no rows, Dense layers can only be factored from their weights,
   * and embedding tables with every id weighted alike (or by the id frequencies given).
   */
  setDataFree(idCounts?: Map<string, Float64Array>): void {
    const counts = new Map<string, Float64Array>();
    for (const l of this.compressible) {
      if (l.kind !== 'embedding') continue;
      const given = idCounts?.get(l.name);
      if (given && given.length !== l.shape.vocab) {
        throw new StudioError(
          'INVALID_ARGUMENT',
          `The id frequencies of ${l.name} list ${given.length} ids but its table has ${l.shape.vocab}; ` +
            'give one count per id.',
        );
      }
      counts.set(l.name, given ?? new Float64Array(l.shape.vocab).fill(1));
    }
    this.stats = { rows: 0, denseInputs: new Map(), idCounts: counts };
    this.dataFreeMode = true;
    this.kinds.clear();
    this.forgetDataAware();
  }

  /**
   * Uses statistics (collected by a runtime, or merged from `.stats` files) after checking they cover this
   * model's layers. Gradient statistics, when present, must cover them too.
   */
  useStatistics(stats: LayerStatistics): void {
    for (const l of this.compressible) {
      const ok =
        l.kind === 'dense'
          ? stats.denseInputs.get(l.name)?.dim === l.shape.dIn
          : stats.idCounts.get(l.name)?.length === l.shape.vocab;
      if (!ok) {
        throw new StudioError(
          'INVALID_ARGUMENT',
          `The statistics have nothing (or the wrong size) for layer ${l.name}; ` +
            'compute them with ctr-studio stats on this model.',
        );
      }
    }
    this.stats = stats;
    this.dataFreeMode = false;
    this.kinds.clear();
    this.kinds.add('activations');
    if (stats.fisher) this.kinds.add('gradients');
    this.forgetDataAware();
  }

  /**
   * Adds gradient statistics to the statistics in hand (collected later, when a method first needs them);
   * only decompositions that read gradients are dropped.
   */
  useGradients(fisher: Map<string, Float64Array>): void {
    for (const l of this.compressible) {
      const width = l.kind === 'dense' ? l.shape.dOut : l.shape.vocab;
      if (fisher.get(l.name)?.length !== width) {
        throw new StudioError(
          'INVALID_ARGUMENT',
          `The gradient statistics have nothing (or the wrong size) for layer ${l.name}.`,
        );
      }
    }
    this.stats = { ...(this.stats ?? { rows: 0, denseInputs: new Map(), idCounts: new Map() }), fisher };
    this.kinds.add('gradients');
    for (const [key, d] of [...this.decompositions])
      if (getMethod(d.method).needs === 'gradients') this.decompositions.delete(key);
  }

  /** Drops the decompositions that depend on rows (new statistics make them stale). */
  private forgetDataAware(): void {
    for (const [key, d] of [...this.decompositions]) if (getMethod(d.method).needs) this.decompositions.delete(key);
  }

  /** Fingerprint of the model, written into `.stats` files. */
  /** The model's fingerprint (hashes every weight: computed once; the model does not change). */
  get fingerprint(): string {
    this.modelFingerprint ??= this.target.fingerprint();
    return this.modelFingerprint;
  }
  private modelFingerprint?: string;

  private statsFor(name: string): LayerStatisticsView {
    const s = this.stats;
    return { inputs: s?.denseInputs.get(name), idCounts: s?.idCounts.get(name), fisher: s?.fisher?.get(name) };
  }

  /** The decomposition of one layer by one method, computed on first use and cached (up to rank maxRank). */
  decomposition(name: string, methodId: string, maxRank?: number): Decomposition {
    const key = `${methodId}:${name}`;
    const info = this.layer(name);
    const method = getMethod(methodId);
    const width = info.kind === 'dense' ? method.denseWidth(info.shape.dIn, info.shape.dOut) : info.shape.dim;
    const want = Math.min(width, maxRank ?? info.breakEvenRank);
    const cached = this.decompositions.get(key);
    if (cached && cached.maxRank >= want) return cached;
    if (method.needs && !this.has(method.needs) && !(this.dataFreeMode && info.kind === 'embedding')) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `${method.label} needs ${method.needs === 'gradients' ? 'gradient ' : ''}statistics from calibration rows; ` +
          'provide training rows first.',
      );
    }
    const t0 = performance.now();
    const d =
      info.kind === 'dense'
        ? method.dense(name, this.target.denseWeights(name), this.statsFor(name), want)
        : method.table(name, this.target.tableWeights(name), this.statsFor(name), want);
    this.timings.decompositionMs += performance.now() - t0;
    this.decompositions.set(key, d);
    return d;
  }

  /**
   * Caches a decomposition made elsewhere from the statistics in hand (precomputed work): new statistics drop
   * it like any other decomposition that depends on rows.
   */
  useDecomposition(d: Decomposition): void {
    this.layer(d.layer);
    this.decompositions.set(`${d.method}:${d.layer}`, d);
  }

  /** Decomposes every compressible layer by a method (what a sweep or the studio does up front). */
  decomposeAll(methodId: string): void {
    for (const l of this.compressible) this.decomposition(l.name, this.methodFor(methodId, l.kind).id);
  }

  /** The method a layer of this kind really gets: data-free mode stands in a method that needs no rows. */
  methodFor(methodId: string, kind: 'dense' | 'embedding') {
    return this.dataFreeMode ? dataFreeMethod(methodId, kind) : getMethod(methodId);
  }

  /** The same method and rank for every layer of a kind; ranks above a layer's break-even keep it. */
  uniformPlan(p: UniformPlan): ResolvedLayer[] {
    getMethod(p.method);
    const plan = resolveUniformPlan(this.inventory, p);
    if (!this.dataFreeMode) return plan;
    return plan.map((l) => {
      if (l.method === 'keep') return l;
      const m = dataFreeMethod(l.method, l.kind);
      return m.id === l.method
        ? l
        : ({ ...l, method: m.id, note: `data-free: ${m.label} of the weights` } as ResolvedLayer);
    });
  }

  /** A per-layer plan; a rank above break-even is refused unless allowAboveBreakEven. */
  explicitPlan(choices: Record<string, LayerChoice>, opts: { allowAboveBreakEven?: boolean } = {}): ResolvedLayer[] {
    return resolveExplicitPlan(this.inventory, choices, opts);
  }

  /** Parameters the plan's model will have, counted without building it. */
  plannedParams(plan: UniformPlan, opts: { fuse?: boolean } = {}): number {
    return this.target.plannedParams(plannedRanks(this.uniformPlan(plan)), opts);
  }

  /** The largest dense rank whose plan stays within a fraction of the original parameters (null: none does). */
  denseRankForFraction(base: UniformPlan, fraction: number, opts: { fuse?: boolean } = {}): number | null {
    const top = this.compressible.filter((l) => l.kind === 'dense').reduce((m, l) => Math.max(m, l.breakEvenRank), 0);
    return denseRankForBudget((p) => this.plannedParams(p, opts), top, base, fraction * this.originalParams);
  }

  /**
   * The replacements of a resolved plan: slices of the cached decompositions, or of `own` ones (sequential
   * statistics) where given; with the activation between the factors where the plan asks for it.
   */
  replacements(plan: ResolvedLayer[], own?: Map<string, Decomposition>): Replacement[] {
    return plan
      .filter((p) => p.method !== 'keep')
      .map((p) => {
        // Up to the break-even rank at least, so a later, larger rank slices the same decomposition.
        const d =
          own?.get(p.layer) ??
          this.decomposition(p.layer, p.method, Math.max(p.rank!, this.layer(p.layer).breakEvenRank));
        const r = d.slice(p.rank!);
        if (r.kind !== 'dense' || !p.activationBetween) return r;
        const m = getMethod(p.method);
        return m.withActivation
          ? m.withActivation(d, r, p.activationBetween)
          : { ...r, activationBetween: p.activationBetween };
      });
  }

  /**
   * Per compressed layer, the relative error of its replacement: of its outputs on the calibration rows
   * (1 − explained variance) with data, of its weights (Dense, data-free) or of its looked-up rows weighted by
   * the id weights (tables).
   */
  reconstructionErrors(plan: ResolvedLayer[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.replacements(plan)) {
      const s = this.statsFor(r.layer);
      if (r.kind === 'dense') {
        const w = this.target.denseWeights(r.layer);
        out.set(
          r.layer,
          s.inputs ? 1 - denseReplacementError(w, s.inputs, r).explainedVariance : denseWeightError(w, r),
        );
      } else {
        const t = this.target.tableWeights(r.layer);
        const counts = s.idCounts ?? new Float64Array(t.vocab).fill(1);
        out.set(r.layer, 1 - embeddingReplacementError(t, counts, r).explainedVariance);
      }
    }
    return out;
  }

  /** How well each replaced layer reproduces its outputs on the calibration rows (needs statistics). */
  replacementErrors(plan: ResolvedLayer[]): Map<string, ReplacementError> {
    if (!this.stats || this.dataFreeMode) {
      throw new StudioError('INVALID_ARGUMENT', 'Replacement errors need statistics from calibration rows.');
    }
    const out = new Map<string, ReplacementError>();
    for (const r of this.replacements(plan)) {
      const s = this.statsFor(r.layer);
      out.set(
        r.layer,
        r.kind === 'dense'
          ? denseReplacementError(this.target.denseWeights(r.layer), s.inputs!, r)
          : embeddingReplacementError(this.target.tableWeights(r.layer), s.idCounts!, r),
      );
    }
    return out;
  }

  /** A new model for a plan; the original is left as it is. */
  build(
    plan: ResolvedLayer[],
    opts: { fuse?: boolean; decompositions?: Map<string, Decomposition> } = {},
  ): BuiltModel<P> {
    const t0 = performance.now();
    const rewritten = this.target.rewrite(this.replacements(plan, opts.decompositions), { fuse: opts.fuse ?? true });
    return { ...rewritten, plan, ms: performance.now() - t0 };
  }
}
