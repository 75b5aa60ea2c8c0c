/**
 * Rewrites a layers-model so that chosen Dense layers and Embedding tables become two thin factors, as
 * standard tfjs layers (no custom class needed to load the result). The factor weights come ready-made; this
 * module only edits the graph and the weights, folding embedding up-projections into Dense layers where exact.
 */
import { StudioError } from '../errors';
import type { ModelArtifacts } from './artifacts';
import { applyFold } from './fold';
import { edgeKey, keepsUp, planFusion, type FusionPlan } from './fusion';
import { fieldGroupLayer, fieldGroupWeights, planFieldGroups, type FieldGroup } from './fieldGroups';
import { mergeTables, mergeTableWeights, planTableGroups } from './fieldTables';
import { listLayers, weightName } from './inventory';
import type { LayerInfo } from '../compress/inventory';
import {
  indexGraph,
  parseTopology,
  serializeTopology,
  uniqueName,
  type LayerGraph,
  type LayerNode,
  type TensorRef,
} from './topology';
import { decodeWeights, encodeWeights, type Weight } from './weights';
import { DENSE_DEFAULTS } from './layerDefaults';
import type { Replacement } from '../compress/decomposition';

export type { Replacement };

/** Options of rewriteModel. */
export interface RewriteOptions {
  /**
   * Fold embedding up-projections into the Dense layers they reach through Concatenate/Flatten/Reshape (default
   * true).
   */
  fuse?: boolean;
}

/** The rewritten model and what happened to the embeddings' up-projections. */
export interface RewriteResult {
  artifacts: ModelArtifacts;
  /** Embedding → Dense pairs where the up-projection was folded into the Dense (into `${dense}_proj` if factored). */
  fused: { embedding: string; dense: string }[];
  /** Names of the up-projection Dense layers kept in the graph. */
  upProjections: string[];
  /**
   * Concatenates rewritten as one FieldProjection each (same name), with the embeddings whose up-projections
   * they batch (those embeddings keep no Dense up-projection).
   */
  fieldProjections: { layer: string; embeddings: string[] }[];
  /** FieldEmbedding layers (fresh names), with the factored tables each looks up (they are no longer layers). */
  fieldEmbeddings: { layer: string; tables: string[] }[];
}

type DenseRep = Extract<Replacement, { kind: 'dense' }>;
type EmbRep = Extract<Replacement, { kind: 'embedding' }>;

/** A config without input-shape keys: only a first layer carries them, and a narrowed input makes them wrong. */
function withoutInputShape(config: Record<string, unknown>): Record<string, unknown> {
  const { batch_input_shape: _a, input_shape: _b, input_dim: _c, batch_size: _d, ...rest } = config;
  return structuredClone(rest);
}

/** Layer JSON extras without Keras' build_config, which records an input shape that no longer holds. */
function withoutBuildConfig(extra: Record<string, unknown>): Record<string, unknown> {
  const { build_config: _b, ...rest } = extra;
  return rest;
}

function bad(message: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', message);
}

/** Checks every replacement against the layer it replaces; returns them by layer name. */
function validate(replacements: Replacement[], infos: Map<string, LayerInfo>): Map<string, Replacement> {
  const out = new Map<string, Replacement>();
  for (const r of replacements) {
    const info = infos.get(r.layer);
    const label = `${r.kind === 'dense' ? 'Dense' : 'Embedding'} layer ${r.layer}`;
    if (!info || info.kind !== r.kind)
      throw bad(`The model has no ${label} to replace; pick a layer from the model's inventory.`);
    if (out.has(r.layer)) throw bad(`The ${label} is replaced twice; give one replacement per layer.`);
    if (!Number.isInteger(r.rank) || r.rank < 1)
      throw bad(`The rank ${r.rank} for ${label} is not a positive integer.`);
    if (info.reason?.startsWith('shared') || info.reason?.includes('weight manifest'))
      throw bad(`The ${label} cannot be factored: ${info.reason}.`);
    const k = r.rank;
    const sizes: [string, number, number][] =
      info.kind === 'dense' && r.kind === 'dense'
        ? [
            ['first kernel', r.first.kernel.length, info.shape.dIn * k],
            ['first bias', r.first.bias.length, k],
            ['second kernel', r.second.kernel.length, k * info.shape.dOut],
            ['second bias', r.second.bias.length, info.shape.dOut],
          ]
        : info.kind === 'embedding' && r.kind === 'embedding'
          ? [
              ['table', r.table.length, info.shape.vocab * k],
              ['up kernel', r.up.kernel.length, k * info.shape.dim],
              ['up bias', r.up.bias.length, info.shape.dim],
            ]
          : [];
    for (const [what, got, want] of sizes)
      if (got !== want) throw bad(`The ${what} for ${label} at rank ${k} has ${got} values instead of ${want}.`);
    out.set(r.layer, r);
  }
  return out;
}

const f32 = (shape: number[], values: Float32Array): Weight => ({
  shape,
  dtype: 'float32',
  values: Float32Array.from(values),
});

type EmbInfo = Extract<LayerInfo, { kind: 'embedding' }>;
type DenseInfo = Extract<LayerInfo, { kind: 'dense' }>;

/** Everything the weight and layer rewrites share. */
interface Rewrite {
  graph: LayerGraph;
  infos: Map<string, LayerInfo>;
  reps: Map<string, Replacement>;
  plan: Pick<FusionPlan, 'fused' | 'folds' | 'reshapes'>;
  /** Name of the first factor of each factored Dense. */
  projName: Map<string, string>;
  /** Name of the up-projection of each factored embedding that keeps one as a Dense layer. */
  upName: Map<string, string>;
  /** Concatenates that become FieldProjections, by name. */
  groups: Map<string, FieldGroup>;
  /** Rank of each factored embedding. */
  ranks: Map<string, number>;
}

/** The new weight list: each original weight replaced in place, so the manifest order stays familiar. */
function rewriteWeights(rw: Rewrite, weights: Map<string, Weight>): [string, Weight][] {
  const emit = new Map<string, [string, Weight][]>();
  const embReps = [...rw.reps.values()].filter((r): r is EmbRep => r.kind === 'embedding');
  const ups = new Map(
    embReps.map((r) => [
      r.layer,
      { kernel: r.up.kernel, bias: r.up.bias, rank: r.rank, dim: (rw.infos.get(r.layer) as EmbInfo).shape.dim },
    ]),
  );
  for (const r of embReps) {
    const { vocab, dim } = (rw.infos.get(r.layer) as EmbInfo).shape;
    const list: [string, Weight][] = [[weightName(r.layer, 'embeddings'), f32([vocab, r.rank], r.table)]];
    const up = rw.upName.get(r.layer);
    if (up)
      list.push(
        [weightName(up, 'kernel'), f32([r.rank, dim], r.up.kernel)],
        [weightName(up, 'bias'), f32([dim], r.up.bias)],
      );
    emit.set(weightName(r.layer, 'embeddings'), list);
  }
  for (const name of new Set([...rw.projName.keys(), ...rw.plan.folds.keys()])) {
    const { dIn, dOut } = (rw.infos.get(name) as DenseInfo).shape;
    const rep = rw.reps.get(name) as DenseRep | undefined;
    // The input-facing kernel: the first factor when the layer is factored, else the layer's own kernel.
    let kernel = rep ? rep.first.kernel : (weights.get(weightName(name, 'kernel'))!.values as Float32Array);
    let bias: Float32Array | null = rep
      ? rep.first.bias
      : ((weights.get(weightName(name, 'bias'))?.values as Float32Array | undefined) ?? null);
    const width = rep ? rep.rank : dOut;
    const fold = rw.plan.folds.get(name);
    if (fold) ({ kernel, bias } = applyFold(fold, kernel, bias, width, ups));
    const front = rep ? rw.projName.get(name)! : name;
    const list: [string, Weight][] = [[weightName(front, 'kernel'), f32([fold ? fold.newRows : dIn, width], kernel)]];
    if (bias) list.push([weightName(front, 'bias'), f32([width], bias)]);
    if (rep)
      list.push(
        [weightName(name, 'kernel'), f32([rep.rank, dOut], rep.second.kernel)],
        [weightName(name, 'bias'), f32([dOut], rep.second.bias)],
      );
    emit.set(weightName(name, 'kernel'), list);
    emit.set(weightName(name, 'bias'), []);
  }
  const out: [string, Weight][] = [];
  for (const [name, w] of weights) out.push(...(emit.get(name) ?? [[name, w] as [string, Weight]]));
  for (const group of rw.groups.values()) {
    const { kernel, bias } = fieldGroupWeights(group, ups);
    out.push([weightName(group.layer, 'kernel'), kernel], [weightName(group.layer, 'bias'), bias]);
  }
  return out;
}

/** The new layer list: factored Dense layers split in two, narrowed tables followed by their up-projections. */
function rewriteLayers(rw: Rewrite, rewire: (consumer: string) => (ref: TensorRef) => TensorRef): LayerNode[] {
  const layers: LayerNode[] = [];
  for (const layer of rw.graph.layers) {
    const inbound = layer.inbound.map((refs) => refs.map(rewire(layer.name)));
    const rep = rw.reps.get(layer.name);
    if (rep?.kind === 'dense') {
      // The second factor keeps the name, so every reader and output reference stays valid.
      const proj = rw.projName.get(layer.name)!;
      const projConfig = {
        ...withoutInputShape(layer.config),
        name: proj,
        units: rep.rank,
        activation: rep.activationBetween ?? 'linear',
        use_bias: true,
        activity_regularizer: null,
      };
      layers.push({ name: proj, className: 'Dense', config: projConfig, inbound, extra: {} });
      layers.push({
        ...layer,
        extra: withoutBuildConfig(layer.extra),
        config: { ...withoutInputShape(layer.config), use_bias: true },
        inbound: [[{ layer: proj, node: 0, tensor: 0, kwargs: {} }]],
      });
      continue;
    }
    const group = rw.groups.get(layer.name);
    if (group) {
      layers.push(fieldGroupLayer(group, layer, inbound, rw.ranks));
      continue;
    }
    let config = layer.config;
    if (rep?.kind === 'embedding') config = { ...config, output_dim: rep.rank };
    if (rw.plan.folds.has(layer.name)) config = { ...withoutInputShape(config), use_bias: true };
    if (rw.plan.reshapes.has(layer.name)) config = { ...config, target_shape: rw.plan.reshapes.get(layer.name) };
    layers.push({
      ...layer,
      config,
      inbound,
      extra: config === layer.config ? layer.extra : withoutBuildConfig(layer.extra),
    });
    const up = rw.upName.get(layer.name);
    if (up) {
      const upConfig = {
        units: (rw.infos.get(layer.name) as EmbInfo).shape.dim,
        activation: 'linear',
        use_bias: true,
        ...DENSE_DEFAULTS,
        name: up,
      };
      layers.push({
        name: up,
        className: 'Dense',
        config: upConfig,
        inbound: [[{ layer: layer.name, node: 0, tensor: 0, kwargs: {} }]],
        extra: {},
      });
    }
  }
  return layers;
}

/** Replaces Dense layers and Embedding tables by their factors; never mutates `artifacts`. */
export function rewriteModel(
  artifacts: ModelArtifacts,
  shapes: Record<string, (number | null)[]>,
  replacements: Replacement[],
  opts: RewriteOptions = {},
): RewriteResult {
  const graph = parseTopology(artifacts.modelTopology);
  const infos = new Map(listLayers(graph, artifacts.weightSpecs).map((l) => [l.name, l]));
  const reps = validate(replacements, infos);
  const ranks = new Map([...reps.values()].filter((r) => r.kind === 'embedding').map((r) => [r.layer, r.rank]));
  const plan: Rewrite['plan'] =
    opts.fuse === false
      ? { fused: new Set(), folds: new Map(), reshapes: new Map() }
      : planFusion(graph, shapes, ranks);

  const taken = new Set(graph.layers.map((l) => l.name));
  const fresh = (base: string) => {
    const name = uniqueName(base, taken);
    taken.add(name);
    return name;
  };
  const projName = new Map(
    [...reps.values()].filter((r) => r.kind === 'dense').map((r) => [r.layer, fresh(`${r.layer}_proj`)]),
  );
  // An up-projection stays when some reader of the embedding is not folded (or the model outputs it): batched
  // with others in a FieldProjection where they meet at one Concatenate, else as a Dense of its own.
  const kept = [...ranks.keys()].filter((e) => keepsUp(graph, plan.fused, e));
  const groups =
    opts.fuse === false
      ? new Map<string, FieldGroup>()
      : planFieldGroups(graph, shapes, new Map(kept.map((e) => [e, (infos.get(e) as EmbInfo).shape.dim])), plan.fused);
  const grouped = new Set([...groups.values()].flatMap((g) => g.slots.filter((e): e is string => e !== null)));
  const upName = new Map(kept.filter((e) => !grouped.has(e)).map((e) => [e, fresh(`${e}_up`)]));
  const rewire =
    (consumer: string) =>
    (ref: TensorRef): TensorRef =>
      upName.has(ref.layer) && !plan.fused.has(edgeKey(ref.layer, consumer))
        ? { ...ref, layer: upName.get(ref.layer)!, node: 0, tensor: 0 }
        : ref;

  const rw: Rewrite = { graph, infos, reps, plan, projName, upName, groups, ranks };
  let layers = rewriteLayers(rw, rewire);
  const outputs = graph.outputs.map(rewire(''));
  // Factored tables of one rank read side by side are looked up together (with fusion, like FieldProjection).
  // Tables left whole (a DeepFM's linear weights) stay as they are: merging them too would be faster still, but
  // it is a graph optimisation the original could have as well, not an effect of compression.
  const tableInfos = [...infos.values()].filter((l): l is EmbInfo => l.kind === 'embedding');
  const widths = new Map(tableInfos.filter((l) => ranks.has(l.name)).map((l) => [l.name, ranks.get(l.name)!]));
  const vocab = new Map(tableInfos.map((l) => [l.name, l.shape.vocab]));
  const tables = opts.fuse === false ? [] : planTableGroups(layers, outputs, shapes, widths, vocab, fresh);
  layers = mergeTables(layers, tables, fresh);
  const encoded = encodeWeights(mergeTableWeights(rewriteWeights(rw, decodeWeights(artifacts)), tables));
  const rewritten = indexGraph({ ...graph, layers, outputs });
  const fused = [...plan.folds.entries()].flatMap(([dense, f]) =>
    [...new Set(f.rows.flatMap((r) => ('embedding' in r ? [r.embedding] : [])))].map((embedding) => ({
      embedding,
      dense,
    })),
  );
  return {
    artifacts: {
      ...artifacts,
      modelTopology: serializeTopology(rewritten, artifacts.modelTopology),
      weightSpecs: encoded.weightSpecs,
      weightData: encoded.weightData,
      userDefinedMetadata:
        artifacts.userDefinedMetadata === undefined ? undefined : structuredClone(artifacts.userDefinedMetadata),
    },
    fused,
    upProjections: [...upName.values()],
    fieldProjections: [...groups.values()].map((g) => ({
      layer: g.layer,
      embeddings: g.slots.filter((e): e is string => e !== null),
    })),
    fieldEmbeddings: tables.map((g) => ({ layer: g.layer, tables: [...g.tables] })),
  };
}
