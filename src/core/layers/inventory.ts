/**
 * What a model offers to compress: every Dense and Embedding layer with its size, parameter count, the
 * break-even rank below which factoring saves parameters (biases counted, always), and, per embedding,
 * which of its consumers can absorb the up-projection.
 */
import type { ModelArtifacts, WeightSpec } from './artifacts';
import { planFusion } from './fusion';
import { denseBreakEven, embeddingBreakEven, type DenseShape, type LayerInfo } from '../compress/inventory';
import { isShared, parseTopology, type LayerGraph } from './topology';

/** Name of a layer's weight in the manifest (tfjs: `${layer}/${weight}`). */
export const weightName = (layer: string, weight: 'kernel' | 'bias' | 'embeddings'): string => `${layer}/${weight}`;

/** Total parameters of a model from its weight manifest (what tfjs countParams reports). */
export function totalParams(weightSpecs: readonly WeightSpec[]): number {
  return weightSpecs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
}

function whyNot(graph: LayerGraph, name: string, width: number, breakEven: number, what: string): string | undefined {
  const layer = graph.byName.get(name)!;
  if (isShared(layer)) return `shared by ${layer.inbound.length} call sites`;
  if (width === 1) return `${what} 1: nothing to factor`;
  if (breakEven < 1) return 'break-even rank is below 1';
  return undefined;
}

/** The Dense and Embedding layers of a parsed graph, without fusion verdicts (fusion: [] for embeddings). */
export function listLayers(graph: LayerGraph, specs: readonly WeightSpec[]): LayerInfo[] {
  const shapeOf = new Map(specs.map((s) => [s.name, s.shape]));
  const out: LayerInfo[] = [];
  for (const layer of graph.layers) {
    const cfg = layer.config;
    if (layer.className === 'Dense') {
      const kernel = shapeOf.get(weightName(layer.name, 'kernel'));
      const useBias = cfg.use_bias !== false;
      const dOut = Number(cfg.units);
      const dIn = kernel?.length === 2 ? kernel[0] : 0;
      const shape: DenseShape = {
        dIn,
        dOut,
        useBias,
        activation: typeof cfg.activation === 'string' ? cfg.activation : 'linear',
      };
      const breakEvenRank = denseBreakEven(dIn, dOut, useBias);
      const reason = kernel
        ? whyNot(graph, layer.name, dOut, breakEvenRank, 'output width')
        : `its kernel ${weightName(layer.name, 'kernel')} is not in the weight manifest`;
      out.push({
        name: layer.name,
        kind: 'dense',
        shape,
        params: dIn * dOut + (useBias ? dOut : 0),
        breakEvenRank,
        compressible: !reason,
        ...(reason ? { reason } : {}),
      });
    } else if (layer.className === 'Embedding') {
      const table = shapeOf.get(weightName(layer.name, 'embeddings'));
      const vocab = table?.[0] ?? Number(cfg.input_dim);
      const dim = table?.[1] ?? Number(cfg.output_dim);
      const breakEvenRank = embeddingBreakEven(vocab, dim);
      const reason = table
        ? whyNot(graph, layer.name, dim, breakEvenRank, 'embedding dimension')
        : `its table ${weightName(layer.name, 'embeddings')} is not in the weight manifest`;
      out.push({
        name: layer.name,
        kind: 'embedding',
        shape: { vocab, dim },
        params: vocab * dim,
        breakEvenRank,
        compressible: !reason,
        fusion: [],
        ...(reason ? { reason } : {}),
      });
    }
  }
  return out;
}

/**
 * Every Dense and Embedding layer of a model. `shapes` holds each layer's output shape (batch axis null), as
 * tfjs reports it; the fusion verdicts assume every compressible embedding is factored (at rank 1).
 */
export function buildInventory(
  artifacts: Pick<ModelArtifacts, 'modelTopology' | 'weightSpecs'>,
  shapes: Record<string, (number | null)[]>,
): LayerInfo[] {
  const graph = parseTopology(artifacts.modelTopology);
  const layers = listLayers(graph, artifacts.weightSpecs);
  const ranks = new Map(layers.filter((l) => l.kind === 'embedding' && l.compressible).map((l) => [l.name, 1]));
  const plan = planFusion(graph, shapes, ranks);
  for (const l of layers) if (l.kind === 'embedding' && l.compressible) l.fusion = plan.verdicts.get(l.name) ?? [];
  return layers;
}
