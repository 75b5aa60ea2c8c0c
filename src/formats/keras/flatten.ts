/**
 * Nested Sequential/Functional models (a two-tower model's towers, at any depth) flattened into one Functional
 * graph, so that inspection, compression, break-even and fold legality see every inner layer as they see a
 * top-level one; and every name made one tfjs can carry (./names). A nested model called k times makes its
 * inner layers shared layers with k calls each, as Keras runs it. Pure: tfjs-form JSON in and out.
 */
import type { Json } from './config';
import { graphOf, hasNestedModels, type GraphLayer, type ModelGraph, type Ref } from './graph';
import { assignNames, pathKey, safeForm, type NameRequest } from './names';

/** A flat model, and how its names relate to the file's. */
export interface Flattened {
  model: Json;
  /** pathKey([...models around, layer]) → the layer's name in `model`. */
  names: Map<string, string>;
  /** Layer name in `model` → the file's name (with the models around it, `tower / dense`), where they differ. */
  originals: Record<string, string>;
}

/** Every layer that keeps a name of its own: nested models' inputs are replaced by what their caller gives. */
function nameRequests(g: ModelGraph, path: string[], out: NameRequest[]): void {
  for (const l of g.layers) {
    if (l.isModel) nameRequests(graphOf(l.entry), [...path, l.name], out);
    else if (!(l.isInput && path.length > 0)) out.push({ key: pathKey([...path, l.name]), path, name: l.name });
  }
}

interface Local {
  plain?: { flat: string; base: number };
  input?: Ref;
  modelOuts?: (Ref[] | undefined)[];
}

class Flattener {
  readonly layers: Json[] = [];
  private readonly byName = new Map<string, Json>();
  constructor(private readonly names: Map<string, string>) {}

  /** Makes the flat entries of every layer in file order, nested layers where their model stands. */
  declare(g: ModelGraph, path: string[]): void {
    for (const l of g.layers) {
      if (l.isModel) this.declare(graphOf(l.entry), [...path, l.name]);
      else if (!(l.isInput && path.length > 0)) this.flatEntry(path, { ...l, calls: [] });
    }
  }

  /** The flat entry of an inner layer (made on first use), with room for this instantiation's calls. */
  private flatEntry(path: string[], l: GraphLayer): { flat: string; base: number } {
    const flat = this.names.get(pathKey([...path, l.name]))!;
    let e = this.byName.get(flat);
    if (!e) {
      e = {
        class_name: l.entry.class_name,
        config: { ...(l.entry.config as Json), name: flat },
        name: flat,
        inbound_nodes: [],
      };
      this.layers.push(e);
      this.byName.set(flat, e);
    }
    const nodes = e.inbound_nodes as unknown[];
    const base = nodes.length;
    for (let i = 0; i < l.calls.length; i++) nodes.push(null);
    return { flat, base };
  }

  /** Adds one call of model `g` (inputs null: the top level) and returns its output refs in the flat graph. */
  instantiate(g: ModelGraph, path: string[], inputs: Ref[] | null): Ref[] {
    const local = new Map<string, Local>();
    for (const l of g.layers) {
      if (l.isInput && inputs) {
        const i = g.inputs.findIndex((r) => r[0] === l.name);
        if (i < 0 || !inputs[i]) throw new Error(`the nested model ${g.name} is called without its input ${l.name}`);
        local.set(l.name, { input: inputs[i] });
      } else if (l.isModel) local.set(l.name, { modelOuts: l.calls.map(() => undefined) });
      else local.set(l.name, { plain: this.flatEntry(path, l) });
    }
    const resolve = (r: Ref): Ref | undefined => {
      const at = local.get(r[0]);
      if (!at) throw new Error(`a layer of model ${g.name} reads ${r[0]}, which that model does not have`);
      if (at.input) return [at.input[0], at.input[1], at.input[2], r[3]];
      if (at.plain) return [at.plain.flat, at.plain.base + r[1], r[2], r[3]];
      const out = at.modelOuts![r[1]]?.[r[2]];
      return out ? [out[0], out[1], out[2], r[3]] : undefined;
    };
    let pending = g.layers.flatMap((l) => l.calls.map((call, i) => ({ l, i, call })));
    // Calls are placed once what they read is placed (a shared layer may read a later layer).
    while (pending.length > 0) {
      const waiting: typeof pending = [];
      for (const p of pending) {
        const ins = p.call.map(resolve);
        if (ins.some((x) => !x)) {
          waiting.push(p);
          continue;
        }
        const at = local.get(p.l.name)!;
        if (at.plain) (this.byName.get(at.plain.flat)!.inbound_nodes as unknown[])[at.plain.base + p.i] = ins;
        else at.modelOuts![p.i] = this.instantiate(graphOf(p.l.entry), [...path, p.l.name], ins as Ref[]);
      }
      if (waiting.length === pending.length)
        throw new Error(`the layer calls of model ${g.name} read tensors no call produces`);
      pending = waiting;
    }
    return g.outputs.map((r) => {
      const x = resolve(r);
      if (!x) throw new Error(`the output ${r[0]} of model ${g.name} is never computed`);
      return x;
    });
  }
}

function originalsOf(requests: NameRequest[], names: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of requests) {
    const flat = names.get(r.key)!;
    if (flat !== r.name || r.path.length > 0) out[flat] = [...r.path, r.name].join(' / ');
  }
  return out;
}

/** Renames layers of a model without nested models in place (Sequential stays Sequential). */
function renameInPlace(model: Json, names: Map<string, string>): Json {
  const rename = (n: unknown) => (typeof n === 'string' ? (names.get(pathKey([n])) ?? n) : n);
  const renameRef = (r: unknown) => (Array.isArray(r) ? [rename(r[0]), ...r.slice(1)] : r);
  const renameRefs = (v: unknown): unknown =>
    Array.isArray(v) && typeof v[0] === 'string' ? renameRef(v) : Array.isArray(v) ? v.map(renameRefs) : v;
  const config = model.config as Json;
  const layers = ((config.layers as Json[]) ?? []).map((e) => {
    const name = rename(e.name ?? (e.config as Json).name);
    const out: Json = { ...e, config: { ...(e.config as Json), name } };
    if ('name' in e) out.name = name;
    if (Array.isArray(e.inbound_nodes))
      out.inbound_nodes = (e.inbound_nodes as unknown[][]).map((node) => node.map(renameRef));
    return out;
  });
  const next: Json = { ...config, name: safeForm(String(config.name ?? 'model')), layers };
  if ('input_layers' in config) next.input_layers = renameRefs(config.input_layers);
  if ('output_layers' in config) next.output_layers = renameRefs(config.output_layers);
  return { ...model, config: next };
}

/** The model with nested models flattened and every layer name one tfjs can carry. */
export function flattenModel(model: Json): Flattened {
  const graph = graphOf(model);
  const requests: NameRequest[] = [];
  nameRequests(graph, [], requests);
  const names = assignNames(requests);
  const originals = originalsOf(requests, names);
  if (!hasNestedModels(model)) {
    const changed = Object.keys(originals).length > 0;
    return { model: changed ? renameInPlace(model, names) : model, names, originals };
  }
  const flattener = new Flattener(names);
  flattener.declare(graph, []);
  const outputs = flattener.instantiate(graph, [], null);
  const inputs = graph.inputs.map((r) => [names.get(pathKey([r[0]]))!, 0, 0]);
  const config: Json = {
    name: safeForm(graph.name),
    layers: flattener.layers,
    input_layers: inputs,
    output_layers: outputs.map((r) => [r[0], r[1], r[2]]),
  };
  return { model: { class_name: 'Functional', config }, names, originals };
}
