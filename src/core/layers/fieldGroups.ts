/**
 * Which kept embedding up-projections the rewrite batches: where the up-projected field vectors of several
 * factored tables meet at one Concatenate (DeepFM's field stack for the FM, DCNv2's cross input), that
 * Concatenate becomes one FieldProjection layer reading the k-wide codes, instead of one Dense per field and
 * the Concatenate. Exact: the layer computes the same products, and holds the same parameters, as the Dense
 * layers it replaces. Pure.
 */
import { FIELD_PROJECTION_CLASS_NAME } from './customClasses';
import { edgeKey } from './fusion';
import { isModelOutput, isShared, type LayerGraph, type LayerNode, type TensorRef } from './topology';
import type { Weight } from './weights';

export { FIELD_PROJECTION_CLASS_NAME };

/** A Concatenate rewritten as a FieldProjection. */
export interface FieldGroup {
  /** The Concatenate's name, which the FieldProjection keeps (its readers stay as they are). */
  layer: string;
  /** Per input of the Concatenate: the embedding whose up-projection the layer does, or null (passed through). */
  slots: (string | null)[];
  /** The join axis, counted with the batch axis on rank-3 tensors: 1 (fields) or 2 (last). */
  axis: 1 | 2;
  /** The width of every up-projected field vector. */
  units: number;
}

/** The fewest up-projections worth a FieldProjection (one Dense and a Concatenate are as cheap as one layer). */
const MIN_FIELDS = 2;

/**
 * The one reader of a kept up-projection, when it is a Concatenate that could batch it: the embedding is not a
 * model output and every reader that does not take the k-wide codes is that one Concatenate, reading it once.
 */
function soleConcatReader(graph: LayerGraph, fused: ReadonlySet<string>, embedding: string): string | null {
  if (isModelOutput(graph, embedding)) return null;
  const readers = graph.consumers.get(embedding)!.filter((c) => !fused.has(edgeKey(embedding, c.layer)));
  if (readers.length !== 1) return null;
  const [c] = readers;
  const layer = graph.byName.get(c.layer)!;
  if (layer.className !== 'Concatenate' || isShared(layer) || c.ref.node !== 0 || c.ref.tensor !== 0) return null;
  return c.layer;
}

/** The join axis of a Concatenate on rank-3 tensors (1 or 2), or null for any other rank or axis. */
function joinAxis(axis: unknown, shape: (number | null)[] | undefined): 1 | 2 | null {
  if (shape?.length !== 3) return null;
  const a = Number(axis ?? -1);
  const positive = a < 0 ? a + 3 : a;
  return positive === 1 || positive === 2 ? positive : null;
}

/**
 * Plans the FieldProjections: `kept` lists the factored embeddings that keep an up-projection, with the width of
 * their field vectors; `fused` the embedding → reader edges that take k-wide codes. An embedding joins a group
 * only when its output is [batch, 1, dim] and the group's Concatenate is its only other reader, so each
 * up-projection lives in exactly one place.
 */
export function planFieldGroups(
  graph: LayerGraph,
  shapes: Record<string, (number | null)[]>,
  kept: Map<string, number>,
  fused: ReadonlySet<string>,
): Map<string, FieldGroup> {
  const byConcat = new Map<string, Set<string>>();
  for (const [embedding, dim] of kept) {
    const shape = shapes[embedding];
    if (shape?.length !== 3 || shape[1] !== 1 || shape[2] !== dim) continue;
    const concat = soleConcatReader(graph, fused, embedding);
    if (!concat) continue;
    byConcat.set(concat, (byConcat.get(concat) ?? new Set()).add(embedding));
  }
  const groups = new Map<string, FieldGroup>();
  for (const [name, members] of byConcat) {
    const layer = graph.byName.get(name)!;
    const axis = joinAxis(layer.config.axis, shapes[name]);
    if (axis === null) continue;
    const slots = layer.inbound[0].map((r) =>
      members.has(r.layer) && r.node === 0 && r.tensor === 0 ? r.layer : null,
    );
    const dims = new Set(slots.flatMap((e) => (e ? [kept.get(e)!] : [])));
    // One width for every projected field (a field-axis join needs it anyway; a last-axis one may not have it).
    if (dims.size !== 1 || slots.filter((e) => e !== null).length < MIN_FIELDS) continue;
    groups.set(name, { layer: name, slots, axis, units: [...dims][0] });
  }
  return groups;
}

/** An up-projection as the rewrite has it: kernel [rank, dim] and bias [dim], row-major. */
export interface UpProjection {
  kernel: Float32Array;
  bias: Float32Array;
  rank: number;
}

/** The FieldProjection's weights: the fields' up-projection kernels stacked in input order, their biases as rows. */
export function fieldGroupWeights(
  group: FieldGroup,
  ups: ReadonlyMap<string, UpProjection>,
): { kernel: Weight; bias: Weight } {
  const fields = group.slots.flatMap((e) => (e ? [ups.get(e)!] : []));
  const rows = fields.reduce((s, u) => s + u.rank, 0);
  const kernel = new Float32Array(rows * group.units);
  const bias = new Float32Array(fields.length * group.units);
  let row = 0;
  fields.forEach((u, f) => {
    kernel.set(u.kernel.subarray(0, u.rank * group.units), row * group.units);
    bias.set(u.bias.subarray(0, group.units), f * group.units);
    row += u.rank;
  });
  return {
    kernel: { shape: [rows, group.units], dtype: 'float32', values: kernel },
    bias: { shape: [fields.length, group.units], dtype: 'float32', values: bias },
  };
}

/** The FieldProjection layer that takes the Concatenate's place (same name, same readers). */
export function fieldGroupLayer(
  group: FieldGroup,
  concat: LayerNode,
  inbound: TensorRef[][],
  ranks: ReadonlyMap<string, number>,
): LayerNode {
  const { build_config: _b, ...extra } = concat.extra;
  const config: Record<string, unknown> = {
    name: concat.name,
    trainable: concat.config.trainable ?? true,
    ranks: group.slots.map((e) => (e ? ranks.get(e)! : 0)),
    units: group.units,
    axis: group.axis,
  };
  if (concat.config.dtype !== undefined) config.dtype = concat.config.dtype;
  return { name: concat.name, className: FIELD_PROJECTION_CLASS_NAME, config, inbound, extra };
}
