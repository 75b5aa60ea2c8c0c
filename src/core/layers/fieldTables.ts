/**
 * Which embedding tables the rewrite looks up together: tables of one width (a factored table's rank, another
 * table's dim), each reading its own [batch, 1] ids and read side by side, become one FieldEmbedding layer (one
 * stacked table, one lookup, the codes stacked [batch, tables, width]), so a compressed model does one lookup
 * where the original did one per field. Exact: the stacked table holds the same rows. Pure.
 */
import { FIELD_EMBEDDING_CLASS_NAME, FIELD_PROJECTION_CLASS_NAME } from './customClasses';
import type { LayerNode, TensorRef } from './topology';
import type { Weight } from './weights';

export { FIELD_EMBEDDING_CLASS_NAME };

/** Factored tables looked up by one FieldEmbedding. */
export interface TableGroup {
  /** The FieldEmbedding's name (a fresh one). */
  layer: string;
  /** The embedding layers it replaces, in field order. */
  tables: string[];
  /** Their ids, in the same order. */
  ids: TensorRef[];
  /** Their rows. */
  rows: number[];
  rank: number;
  /** A Reshape of its output to [batch, 1, fields·k], for last-axis joins that keep other inputs, if one needs it. */
  row?: string;
}

/** The fewest tables worth a FieldEmbedding. */
const MIN_TABLES = 2;

const isRowOfIds = (shape: (number | null)[] | undefined) => !!shape && shape.length === 2 && shape[1] === 1;
const READERS = new Set(['Concatenate', FIELD_PROJECTION_CLASS_NAME]);
const isCode = (r: TensorRef | undefined, name: string) => !!r && r.layer === name && r.node === 0 && r.tensor === 0;
const ref = (layer: string): TensorRef => ({ layer, node: 0, tensor: 0, kwargs: {} });

/** The join axis of a Concatenate or FieldProjection on rank-3 tensors, counted with the batch axis. */
function axisOf(layer: LayerNode): number {
  const a = Number(layer.config.axis ?? -1);
  return a < 0 ? a + 3 : a;
}

/** The readers of each layer, over every call (a reader listed once per tensor it reads). */
function readersOf(layers: LayerNode[]): Map<string, LayerNode[]> {
  const out = new Map<string, LayerNode[]>();
  for (const l of layers)
    for (const refs of l.inbound) for (const r of refs) out.set(r.layer, [...(out.get(r.layer) ?? []), l]);
  return out;
}

/** Tables that may join a group: see planTableGroups. */
function candidates(
  layers: LayerNode[],
  outputs: TensorRef[],
  shapes: Record<string, (number | null)[]>,
  ranks: ReadonlyMap<string, number>,
  readers: Map<string, LayerNode[]>,
): Set<string> {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const ok = (name: string): boolean => {
    const layer = byName.get(name);
    if (layer?.className !== 'Embedding' || layer.config.mask_zero === true) return false;
    // Training-time extras the stacked table would not carry.
    const { embeddings_regularizer: r, activity_regularizer: a, embeddings_constraint: c } = layer.config;
    if ([r, a, c].some((x) => x !== undefined && x !== null)) return false;
    if (layer.inbound.length !== 1 || layer.inbound[0].length !== 1 || outputs.some((o) => o.layer === name))
      return false;
    if (!isRowOfIds(shapes[layer.inbound[0][0].layer])) return false;
    const rs = readers.get(name) ?? [];
    return (
      rs.length > 0 &&
      new Set(rs.map((r) => r.name)).size === rs.length &&
      rs.every((r) => READERS.has(r.className) && r.inbound.length === 1 && [1, 2].includes(axisOf(r)))
    );
  };
  return new Set([...ranks.keys()].filter(ok));
}

/**
 * Tables that can be looked up together, after the rest of the rewrite (`layers`, `outputs`): Embedding layers
 * (`ranks`, `rows`: name → width after the rewrite, vocabulary) called once on [batch, 1] ids, without a mask,
 * regularizer or constraint, not model outputs, read only by Concatenate or FieldProjection layers (once each)
 * joining rank-3 tensors. Tables of one width that every reader reads next to each other, in one order, form a
 * group; `fresh` names its layer.
 */
export function planTableGroups(
  layers: LayerNode[],
  outputs: TensorRef[],
  shapes: Record<string, (number | null)[]>,
  ranks: ReadonlyMap<string, number>,
  rows: ReadonlyMap<string, number>,
  fresh: (base: string) => string,
): TableGroup[] {
  const readers = readersOf(layers);
  const ok = candidates(layers, outputs, shapes, ranks, readers);
  // The table every reader of `name` reads right after it (same rank, same readers), or none.
  const nextOf = (name: string): string | null => {
    const rs = readers.get(name)!;
    const after = rs.map((r) => r.inbound[0][r.inbound[0].findIndex((x) => isCode(x, name)) + 1]);
    const next = after[0]?.layer;
    if (!next || !ok.has(next) || ranks.get(next) !== ranks.get(name)) return null;
    if (!after.every((x) => isCode(x, next))) return null;
    const theirs = readers.get(next)!.map((r) => r.name);
    return theirs.length === rs.length && rs.every((r) => theirs.includes(r.name)) ? next : null;
  };
  const next = new Map([...ok].map((n) => [n, nextOf(n)]));
  const followers = new Set([...next.values()].filter((n): n is string => n !== null));
  const byName = new Map(layers.map((l) => [l.name, l]));
  const groups: TableGroup[] = [];
  for (const head of layers.map((l) => l.name).filter((n) => ok.has(n) && !followers.has(n))) {
    const tables = [head];
    for (let n = next.get(head); n; n = next.get(n)) tables.push(n);
    if (tables.length < MIN_TABLES) continue;
    const rank = ranks.get(head)!;
    groups.push({
      layer: fresh(`field_embeddings_k${rank}`),
      tables,
      ids: tables.map((t) => ({ ...byName.get(t)!.inbound[0][0] })),
      rows: tables.map((t) => rows.get(t)!),
      rank,
    });
  }
  return groups;
}

/** The FieldEmbedding layer of a group. */
export function tableGroupLayer(group: TableGroup): LayerNode {
  return {
    name: group.layer,
    className: FIELD_EMBEDDING_CLASS_NAME,
    config: { name: group.layer, trainable: true, input_dims: [...group.rows], output_dim: group.rank },
    inbound: [group.ids.map((r) => ({ ...r }))],
    extra: {},
  };
}

/** The stacked table of a group from the factored tables (each [rows, rank], row-major). */
export function tableGroupWeight(group: TableGroup, tables: ReadonlyMap<string, Float32Array>): Weight {
  const total = group.rows.reduce((a, b) => a + b, 0);
  const values = new Float32Array(total * group.rank);
  let row = 0;
  group.tables.forEach((t, i) => {
    values.set(tables.get(t)!.subarray(0, group.rows[i] * group.rank), row * group.rank);
    row += group.rows[i];
  });
  return { shape: [total, group.rank], dtype: 'float32', values };
}

/** A reader with each group's run of tables replaced by the group's output (or its last-axis row). */
function rewriteReader(reader: LayerNode, groups: TableGroup[], fresh: (base: string) => string): LayerNode {
  const refs = reader.inbound[0];
  const projection = reader.className === FIELD_PROJECTION_CLASS_NAME;
  const lastAxis = axisOf(reader) === 2;
  const oldRanks = reader.config.ranks as number[] | undefined;
  const oldFields = reader.config.fields as number[] | undefined;
  const inbound: TensorRef[] = [];
  const ranks: number[] = [];
  const fields: number[] = [];
  for (let i = 0; i < refs.length; ) {
    const g = groups.find((x) => isCode(refs[i], x.tables[0]));
    ranks.push(oldRanks?.[i] ?? 0);
    if (!g) {
      inbound.push(refs[i]);
      fields.push(oldFields?.[i] ?? 1);
      i += 1;
      continue;
    }
    // A join on the last axis reads the codes as one [batch, 1, fields·k] row, except where a FieldProjection
    // projects them (it takes them stacked) or the group's output is all a Concatenate joins (it becomes a Reshape).
    const projected = projection && (oldRanks?.[i] ?? 0) > 0;
    const row = lastAxis && !projected && (projection || refs.length > g.tables.length);
    if (row) g.row ??= fresh(`${g.layer}_row`);
    inbound.push(ref(row ? g.row! : g.layer));
    fields.push(row ? 1 : g.tables.length);
    i += g.tables.length;
  }
  if (projection) {
    const config: Record<string, unknown> = { ...reader.config, ranks };
    if (fields.some((n) => n !== 1)) config.fields = fields;
    return { ...reader, config, inbound: [inbound] };
  }
  if (inbound.length > 1) return { ...reader, inbound: [inbound] };
  // Only the group's codes are left: the join is the group's output, reshaped as the join laid it out.
  const n = fields[0];
  const k = groups.find((g) => g.layer === inbound[0].layer)!.rank;
  const { build_config: _b, ...extra } = reader.extra;
  const config = { name: reader.name, trainable: true, target_shape: lastAxis ? [1, n * k] : [n, k] };
  return { name: reader.name, className: 'Reshape', config, inbound: [inbound], extra };
}

/**
 * The rewritten layer list with each group's tables replaced by its FieldEmbedding (at the first table's place,
 * followed by its row Reshape if a reader needs one) and each reader's run of the group's codes by its output.
 */
export function mergeTables(layers: LayerNode[], groups: TableGroup[], fresh: (base: string) => string): LayerNode[] {
  if (groups.length === 0) return layers;
  const members = new Set(groups.flatMap((g) => g.tables));
  const readers = readersOf(layers);
  const reading = new Set([...members].flatMap((t) => (readers.get(t) ?? []).map((l) => l.name)));
  const rewritten = layers.map((l) => (reading.has(l.name) ? rewriteReader(l, groups, fresh) : l));
  const out: LayerNode[] = [];
  for (const layer of rewritten) {
    const group = groups.find((g) => g.tables[0] === layer.name);
    if (group) {
      out.push(tableGroupLayer(group));
      if (group.row) {
        const config = { name: group.row, trainable: true, target_shape: [1, group.tables.length * group.rank] };
        out.push({ name: group.row, className: 'Reshape', config, inbound: [[ref(group.layer)]], extra: {} });
      }
    }
    if (!members.has(layer.name)) out.push(layer);
  }
  return out;
}

/** The rewritten weight list with each group's tables replaced by its stacked table (where the first one was). */
export function mergeTableWeights(weights: [string, Weight][], groups: TableGroup[]): [string, Weight][] {
  if (groups.length === 0) return weights;
  const tableOf = new Map<string, TableGroup>();
  for (const g of groups) for (const t of g.tables) tableOf.set(`${t}/embeddings`, g);
  const values = new Map<string, Float32Array>();
  for (const [name, w] of weights) {
    const g = tableOf.get(name);
    if (g) values.set(name.slice(0, -'/embeddings'.length), w.values as Float32Array);
  }
  const out: [string, Weight][] = [];
  for (const [name, w] of weights) {
    const g = tableOf.get(name);
    if (!g) out.push([name, w]);
    else if (name === `${g.tables[0]}/embeddings`) out.push([`${g.layer}/embeddings`, tableGroupWeight(g, values)]);
  }
  return out;
}
