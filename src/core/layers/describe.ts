/**
 * A readable account of a model: every layer with its class, output shape, parameters and inputs; for each
 * Dense and Embedding layer whether it can be compressed, its break-even rank and, when it cannot, why; for
 * each embedding, where its up-projection would fold and what stands in the way. Pure: the caller supplies
 * the layer output shapes (from tfjs).
 */
import { buildInventory, parseTopology, type LayerInfo } from './index';
import type { ModelArtifacts } from './artifacts';

export interface LayerDescription {
  name: string;
  /** The name the model's file gave the layer, where it differs (a Keras name tfjs cannot carry, a nested layer). */
  fileName?: string;
  className: string;
  /** Output shape per sample, batch axis shown as null. */
  outputShape: (number | null)[] | null;
  params: number;
  /** Layers this one reads from. */
  inputs: string[];
  /** For Dense and Embedding layers: the compression inventory entry. */
  compression?: {
    compressible: boolean;
    breakEvenRank: number;
    reason?: string;
    /** Embeddings: where the up-projection folds, and what blocks it elsewhere. */
    folds?: string[];
    blockedBy?: string[];
  };
}

export interface ModelDescription {
  className: string;
  layers: LayerDescription[];
  params: number;
  compressibleParams: number;
  inputs: string[];
  outputs: string[];
}

/** Describes a model from its artifacts and layer output shapes. */
export function describeModel(
  artifacts: Pick<ModelArtifacts, 'modelTopology' | 'weightSpecs'>,
  shapes: Record<string, (number | null)[]>,
  inventory?: LayerInfo[],
): ModelDescription {
  const graph = parseTopology(artifacts.modelTopology);
  const inv = new Map((inventory ?? buildInventory(artifacts, shapes)).map((l) => [l.name, l]));
  const paramsOf = new Map<string, number>();
  const names = new Set(graph.layers.map((l) => l.name));
  for (const w of artifacts.weightSpecs) {
    // A wrapper's weights sit deeper (`bidirectional/forward_lstm/kernel`): the owner is the outermost layer named.
    const cuts = [...w.name.matchAll(/\//g)].map((m) => m.index!);
    const layer = w.name.slice(0, cuts.find((c) => names.has(w.name.slice(0, c))) ?? w.name.lastIndexOf('/'));
    paramsOf.set(layer, (paramsOf.get(layer) ?? 0) + w.shape.reduce((a, b) => a * b, 1));
  }
  const layers = graph.layers.map((l): LayerDescription => {
    const info = inv.get(l.name);
    const d: LayerDescription = {
      name: l.name,
      className: l.className,
      outputShape: shapes[l.name] ?? null,
      params: paramsOf.get(l.name) ?? 0,
      inputs: [...new Set(l.inbound.flat().map((r) => r.layer))],
    };
    if (info) {
      d.compression = {
        compressible: info.compressible,
        breakEvenRank: info.breakEvenRank,
        ...(info.reason ? { reason: info.reason } : {}),
      };
      if (info.kind === 'embedding' && info.compressible) {
        d.compression.folds = [...new Set(info.fusion.filter((b) => b.fusable).flatMap((b) => b.into))];
        d.compression.blockedBy = info.fusion
          .filter((b) => !b.fusable && b.blockedBy)
          .map((b) => `${b.blockedBy!.layer} (${b.blockedBy!.className}): ${b.blockedBy!.reason}`);
      }
    }
    return d;
  });
  const params = artifacts.weightSpecs.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  return {
    className: graph.fromSequential ? 'Sequential' : graph.className,
    layers,
    params,
    compressibleParams: [...inv.values()].filter((l) => l.compressible).reduce((s, l) => s + l.params, 0),
    inputs: graph.inputs.map((r) => r.layer),
    outputs: graph.outputs.map((r) => r.layer),
  };
}

/** The description as an aligned text table (for the command line). */
export function describeAsText(d: ModelDescription): string {
  const shape = (s: (number | null)[] | null) => (s ? `[${s.map((x) => x ?? 'batch').join(', ')}]` : '?');
  const rows = d.layers.map((l) => {
    const c = l.compression;
    const note = !c
      ? ''
      : c.compressible
        ? `compressible, break-even rank ${c.breakEvenRank}` +
          `${c.folds?.length ? `; folds into ${c.folds.join(', ')}` : ''}` +
          `${c.blockedBy?.length ? `; up-projection kept for ${c.blockedBy.join('; ')}` : ''}`
        : `not compressible: ${c.reason}`;
    return [l.name, l.className, shape(l.outputShape), l.params.toLocaleString('en-US'), note];
  });
  const head = ['layer', 'class', 'output shape', 'parameters', 'compression'];
  const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (r: string[]) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c)).join('  ');
  return [
    `${d.className}: ${d.layers.length} layers, ${d.params.toLocaleString('en-US')} ` +
      `parameters (${d.compressibleParams.toLocaleString('en-US')} in compressible ` +
      `layers); inputs ${d.inputs.join(', ')}; outputs ${d.outputs.join(', ')}`,
    '',
    line(head),
    ...rows.map(line),
  ].join('\n');
}
