/**
 * Which consumers of a factored embedding can take its k-wide output directly, the up-projection folded
 * into the Dense layers they lead to (the fusion step of AFM for an embedding table). A branch folds only
 * when everything between the embedding and the Dense layers only rearranges elements (Concatenate, Flatten,
 * Reshape) and every tensor on the way is read only along such branches: the fold is then exact.
 */
import { foldInto, type FoldContext, type FoldMap } from './fold';
import type { BranchVerdict } from '../compress/inventory';
import { isRearranging } from './layout';
import { isModelOutput, isShared, type LayerGraph, type TensorRef } from './topology';

/** What happens to one consumer branch of an embedding. */

export type { BranchVerdict };

/** The fusion decisions for a set of factored embeddings. */
export interface FusionPlan {
  /** Per embedding, one verdict per consumer layer (in graph order). */
  verdicts: Map<string, BranchVerdict[]>;
  /** Edges `${embedding}\u0000${consumer}` that read the k-wide output (no up-projection). */
  fused: Set<string>;
  /** Fold maps of the Dense layers that absorb up-projections. */
  folds: Map<string, FoldMap>;
  /** New per-sample target shapes of the Reshape layers on folded paths. */
  reshapes: Map<string, number[]>;
}

/** Key of an embedding → consumer edge in FusionPlan.fused. */
export const edgeKey = (embedding: string, consumer: string): string => `${embedding}\u0000${consumer}`;

interface Branch {
  embedding: string;
  consumer: string;
  targets: Set<string>;
  region: Set<string>;
  blockedBy?: BranchVerdict['blockedBy'];
}

/**
 * Walks down from a consumer: collects the rearranging layers and Dense ends, or the first layer in the way.
 * Depth first in reader order, with a stack instead of recursion (a long chain of Reshapes cannot overflow it).
 */
function walkBranch(graph: LayerGraph, embedding: string, consumer: string): Branch {
  const branch: Branch = { embedding, consumer, targets: new Set(), region: new Set() };
  const stack = [consumer];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (branch.targets.has(name) || branch.region.has(name)) continue;
    const layer = graph.byName.get(name)!;
    const block = (reason: string): Branch => {
      branch.blockedBy = { layer: name, className: layer.className, reason };
      return branch;
    };
    if (isShared(layer)) return block(`${name} is called at ${layer.inbound.length} places`);
    if (layer.className === 'Dense') {
      branch.targets.add(name);
      continue;
    }
    if (!isRearranging(layer))
      return block(
        `${layer.className} ${name} is in the way (only Concatenate, Flatten and Reshape can be folded across)`,
      );
    if (isModelOutput(graph, name)) return block(`${name} is a model output`);
    const readers = [...new Set(graph.consumers.get(name)!.map((c) => c.layer))];
    if (readers.length === 0) return block(`nothing reads ${name}`);
    branch.region.add(name);
    for (let i = readers.length - 1; i >= 0; i--) stack.push(readers[i]);
  }
  return branch;
}

/**
 * Plans fusion for the embeddings in `ranks` (name → factored width k). Starts from every branch that passes
 * the layer-class test, then drops branches whose shapes or kernel rows do not work out, until stable.
 */
export function planFusion(
  graph: LayerGraph,
  shapes: Record<string, (number | null)[]>,
  ranks: Map<string, number>,
): FusionPlan {
  const branches: Branch[] = [];
  const verdicts = new Map<string, BranchVerdict[]>();
  for (const embedding of ranks.keys()) {
    const readers = [...new Set(graph.consumers.get(embedding)!.map((c) => c.layer))];
    for (const consumer of readers) branches.push(walkBranch(graph, embedding, consumer));
  }
  let live = branches.filter((b) => !b.blockedBy);
  let result: { folds: Map<string, FoldMap>; reshapes: Map<string, number[]> } = {
    folds: new Map(),
    reshapes: new Map(),
  };
  for (;;) {
    const fused = new Set(live.map((b) => edgeKey(b.embedding, b.consumer)));
    const ctx: FoldContext = {
      graph,
      shapes,
      foldedRank: (consumer: string, ref: TensorRef) =>
        fused.has(edgeKey(ref.layer, consumer)) ? ranks.get(ref.layer) : undefined,
    };
    const folds = new Map<string, FoldMap>();
    const reshapes = new Map<string, number[]>();
    const failed: { layer: string; target: string; reason: string }[] = [];
    for (const target of new Set(live.flatMap((b) => [...b.targets]))) {
      const r = foldInto(ctx, target);
      if ('reason' in r) failed.push({ ...r, target });
      else {
        folds.set(target, r.fold);
        r.reshapes.forEach((v, k) => reshapes.set(k, v));
      }
    }
    if (failed.length === 0) {
      result = { folds, reshapes };
      break;
    }
    // Drop the branches that cross the failing layer; when none does, the branches into that Dense.
    const drop = new Set<Branch>();
    for (const f of failed) {
      const crossing = live.filter((b) => b.region.has(f.layer) || b.targets.has(f.layer));
      const blamed = crossing.length > 0 ? crossing : live.filter((b) => b.targets.has(f.target));
      for (const b of blamed) {
        drop.add(b);
        const layer = graph.byName.get(f.layer)!;
        b.blockedBy ??= { layer: f.layer, className: layer.className, reason: f.reason };
      }
    }
    live = live.filter((b) => !drop.has(b));
  }
  const liveSet = new Set(live);
  for (const b of branches) {
    const list = verdicts.get(b.embedding) ?? [];
    list.push(
      liveSet.has(b)
        ? { consumer: b.consumer, fusable: true, into: [...b.targets] }
        : { consumer: b.consumer, fusable: false, into: [], blockedBy: b.blockedBy },
    );
    verdicts.set(b.embedding, list);
  }
  for (const embedding of ranks.keys()) {
    const list = verdicts.get(embedding) ?? [];
    if (isModelOutput(graph, embedding)) {
      list.push({
        consumer: '(model output)',
        fusable: false,
        into: [],
        blockedBy: { layer: embedding, className: 'Embedding', reason: `${embedding} is a model output` },
      });
    }
    verdicts.set(embedding, list);
  }
  return { verdicts, fused: new Set(live.map((b) => edgeKey(b.embedding, b.consumer))), ...result };
}

/** True when a factored embedding keeps its up-projection: the model outputs it, or some reader is not folded. */
export function keepsUp(graph: LayerGraph, fused: ReadonlySet<string>, embedding: string): boolean {
  return (
    isModelOutput(graph, embedding) ||
    graph.consumers.get(embedding)!.some((c) => !fused.has(edgeKey(embedding, c.layer)))
  );
}
