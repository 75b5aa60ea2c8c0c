/**
 * A tfjs layers-model as the application layer runs it (RunnableModel): scoring, statistics, fine-tuning,
 * throughput, and compressed models loaded from rewritten artifacts. The artifacts are captured once, when
 * the model is wrapped, and never modified.
 */
import type { CollectedStatistics, RunnableModel, StatisticsRequest } from '../app/runtime';
import type { EncodedBatch, FeatureEncoding, RowSource } from '../core/data';
import type { ModelArtifacts } from '../core/layers/artifacts';
import { describeModel, type ModelDescription } from '../core/layers/describe';
import { LayersTarget, type LayerShapes } from '../core/layers/target';
import { describeInputs } from './feed';
import { fineTune } from './finetune';
import { loadModelFromArtifacts, saveModelToArtifacts } from './modelio';
import { predictLogits, predictProbs, type ScoreOptions } from './predict';
import { collectGradientStatistics } from './gradients';
import { collectStatistics, type StatisticsOptions } from './stats';
import type { LayersModel } from './tfjs';
import { measureThroughput } from './throughput';

function shapesOf(model: LayersModel): LayerShapes {
  const shapes: LayerShapes = {};
  for (const layer of model.layers) {
    const s = layer.outputShape;
    shapes[layer.name] = (Array.isArray(s[0]) ? s[0] : s) as (number | null)[];
  }
  return shapes;
}

export class TfjsModel implements RunnableModel<ModelArtifacts> {
  readonly format = 'tfjs' as const;
  readonly capabilities = { gradients: true, fineTune: true };
  private layersTarget: LayersTarget | null = null;
  private described: ModelDescription | null = null;

  private constructor(
    /** The tfjs model itself. */
    readonly net: LayersModel,
    readonly name: string,
    readonly artifacts: ModelArtifacts,
  ) {}

  /** The compression view of the model as it was loaded (built on first use). */
  get target(): LayersTarget {
    this.layersTarget ??= new LayersTarget(this.artifacts, shapesOf(this.net));
    return this.layersTarget;
  }

  /** Wraps a loaded model (its artifacts are captured once, in memory). */
  static async wrap(
    net: LayersModel,
    name = 'model',
    userDefinedMetadata?: Record<string, unknown>,
  ): Promise<TfjsModel> {
    const artifacts = await saveModelToArtifacts(net, userDefinedMetadata);
    return new TfjsModel(net, name, artifacts);
  }

  /**
   * Loads validated artifacts into a new model. Quantized weights are read back as tfjs holds them (float32),
   * so the compressor sees the values the model computes with.
   */
  static async load(artifacts: ModelArtifacts, name: string): Promise<TfjsModel> {
    const net = await loadModelFromArtifacts(artifacts, name);
    const quantized = artifacts.weightSpecs.some((w) => w.quantization || w.dtype !== 'float32');
    return new TfjsModel(
      net,
      name,
      quantized ? await saveModelToArtifacts(net, artifacts.userDefinedMetadata) : artifacts,
    );
  }

  get inputs() {
    return describeInputs(this.net);
  }

  get description(): ModelDescription {
    this.described ??= describeModel(this.artifacts, this.target.shapes, this.target.inventory);
    return this.described;
  }

  get userDefinedMetadata() {
    return this.artifacts.userDefinedMetadata;
  }

  get accounting() {
    return this.target.accounting();
  }

  get params(): number {
    return this.net.countParams();
  }

  logits(encoding: FeatureEncoding, rows: EncodedBatch, opts?: ScoreOptions) {
    return predictLogits(this.net, encoding, rows, opts);
  }

  probabilities(encoding: FeatureEncoding, rows: EncodedBatch, opts?: ScoreOptions) {
    return predictProbs(this.net, encoding, rows, opts);
  }

  async statistics(
    encoding: FeatureEncoding,
    rows: RowSource,
    request: StatisticsRequest,
    opts?: StatisticsOptions,
  ): Promise<CollectedStatistics> {
    const t0 = performance.now();
    const base: CollectedStatistics =
      request.activations === false
        ? { rows: 0, denseInputs: new Map(), idCounts: new Map(), ms: 0 }
        : await collectStatistics(this.net, encoding, rows, request, opts);
    if (!request.gradients) return base;
    const g = await collectGradientStatistics(
      this.net,
      encoding,
      rows,
      [...request.dense, ...request.embeddings],
      opts,
    );
    return { ...base, rows: base.rows || g.rows, fisher: g.fisher, ms: performance.now() - t0 };
  }

  load(payload: ModelArtifacts, name: string): Promise<TfjsModel> {
    return TfjsModel.load(payload, name);
  }

  payload(): Promise<ModelArtifacts> {
    return saveModelToArtifacts(this.net, this.artifacts.userDefinedMetadata);
  }

  fineTune(
    encoding: FeatureEncoding,
    train: EncodedBatch,
    valid: EncodedBatch,
    options: Parameters<NonNullable<RunnableModel['fineTune']>>[3],
  ) {
    return fineTune(this.net, encoding, train, valid, options);
  }

  throughput(
    encoding: FeatureEncoding,
    rows: EncodedBatch,
    batchSize: number,
    opts?: { runs?: number; warmup?: number; callsPerRun?: number },
  ) {
    return measureThroughput(this.net, encoding, rows, batchSize, opts);
  }

  dispose(): void {
    this.net.dispose();
  }
}
