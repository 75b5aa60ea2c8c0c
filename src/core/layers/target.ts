/** A tfjs layers-model (its artifacts and each layer's output shape) as a CompressionTarget. Pure. */
import type { DenseWeights, Replacement, TableWeights } from '../compress/decomposition';
import type { LayerInfo, PlannedRank } from '../compress/inventory';
import { modelFingerprint } from '../compress/statistics';
import type { CompressionTarget, Rewritten } from '../compress/target';
import type { ParamAccounting } from './accounting';
import { StudioError } from '../errors';
import { plannedParams } from './accounting';
import type { ModelArtifacts } from './artifacts';
import { buildInventory, totalParams, weightName } from './inventory';
import { rewriteModel } from './rewrite';
import { decodeWeights, type Weight } from './weights';

/** Layer output shapes (batch axis null), as tfjs reports them. */
export type LayerShapes = Record<string, (number | null)[]>;

export class LayersTarget implements CompressionTarget<ModelArtifacts> {
  readonly inventory: LayerInfo[];
  readonly originalParams: number;
  private weights: Map<string, Weight> | null = null;

  constructor(
    readonly artifacts: ModelArtifacts,
    readonly shapes: LayerShapes,
  ) {
    this.inventory = buildInventory(artifacts, shapes);
    this.originalParams = totalParams(artifacts.weightSpecs);
  }

  private weight(name: string): Float32Array {
    this.weights ??= decodeWeights(this.artifacts);
    const w = this.weights.get(name);
    if (!w) throw new StudioError('INTERNAL', `The weight ${name} is missing from the model.`);
    return w.values as Float32Array;
  }

  private info(name: string): LayerInfo {
    const l = this.inventory.find((x) => x.name === name);
    if (!l) throw new StudioError('INVALID_ARGUMENT', `The model has no Dense or Embedding layer named ${name}.`);
    return l;
  }

  denseWeights(name: string): DenseWeights {
    const info = this.info(name);
    if (info.kind !== 'dense') throw new StudioError('INTERNAL', `${name} is not a Dense layer.`);
    const bias = info.shape.useBias ? this.weight(weightName(name, 'bias')) : null;
    return { kernel: this.weight(weightName(name, 'kernel')), bias, dIn: info.shape.dIn, dOut: info.shape.dOut };
  }

  tableWeights(name: string): TableWeights {
    const info = this.info(name);
    if (info.kind !== 'embedding') throw new StudioError('INTERNAL', `${name} is not an Embedding layer.`);
    return { table: this.weight(weightName(name, 'embeddings')), vocab: info.shape.vocab, dim: info.shape.dim };
  }

  plannedParams(ranks: PlannedRank[], opts: { fuse?: boolean } = {}): number {
    return plannedParams(this.artifacts, this.shapes, ranks, opts);
  }

  rewrite(replacements: Replacement[], opts: { fuse: boolean }): Rewritten<ModelArtifacts> {
    const rewritten = rewriteModel(this.artifacts, this.shapes, replacements, opts);
    const layerParams = new Map<string, number>();
    for (const spec of rewritten.artifacts.weightSpecs) {
      const layerName = spec.name.slice(0, spec.name.lastIndexOf('/'));
      const owner = layerName.replace(/_(proj|up)$/, '');
      const key = this.inventory.some((l) => l.name === owner) ? owner : layerName;
      layerParams.set(key, (layerParams.get(key) ?? 0) + spec.shape.reduce((a, b) => a * b, 1));
    }
    return {
      payload: rewritten.artifacts,
      params: totalParams(rewritten.artifacts.weightSpecs),
      layerParams,
      fused: rewritten.fused,
    };
  }

  accounting(): ParamAccounting {
    const { modelTopology, weightSpecs } = this.artifacts;
    return { kind: 'layers', topology: modelTopology, weightSpecs, shapes: this.shapes };
  }

  fingerprint(): string {
    return modelFingerprint(this.artifacts.modelTopology, this.artifacts.weightData);
  }
}
