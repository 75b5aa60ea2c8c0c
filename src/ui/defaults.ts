/** Starting choices for a newly opened model: ranks that land near a third of the parameters on CTR towers. */
import { DEFAULT_METHOD, METHODS } from '../core/compress/methods';
import type { LayerInfo, ModelInfo, PreparedInfo, SweepRequest, UniformPlan } from '../engine/protocol';

/** The largest power of two not above x (at least 1). */
const pow2Below = (x: number) => 2 ** Math.max(0, Math.floor(Math.log2(Math.max(1, x))));

/** Highest rank worth offering for a kind: the largest break-even rank among its compressible layers. */
export function maxRank(inventory: LayerInfo[], kind: 'dense' | 'embedding'): number {
  return inventory.filter((l) => l.kind === kind && l.compressible).reduce((m, l) => Math.max(m, l.breakEvenRank), 0);
}

export function defaultPlan(inventory: LayerInfo[]): UniformPlan {
  const dense = inventory.filter((l) => l.kind === 'dense' && l.compressible);
  const emb = inventory.filter((l) => l.kind === 'embedding' && l.compressible);
  const widest = dense.reduce((m, l) => Math.max(m, l.kind === 'dense' ? l.shape.dOut : 0), 0);
  const dim = emb.reduce((m, l) => Math.max(m, l.kind === 'embedding' ? l.shape.dim : 0), 0);
  return {
    method: DEFAULT_METHOD.id,
    denseRank: dense.length ? Math.min(pow2Below(widest / 6), maxRank(inventory, 'dense')) : null,
    embeddingRank: emb.length ? Math.min(pow2Below(dim / 4), maxRank(inventory, 'embedding')) : null,
  };
}

/**
 * The sweep the studio runs by default: four dense ranks at the current embedding rank, every method the
 * model can use; a small model (break-even below 32) gets the four largest powers of two below its
 * break-even rank.
 */
export function defaultSweep(inventory: LayerInfo[], plan: UniformPlan, methods: string[]): SweepRequest {
  const top = maxRank(inventory, 'dense');
  let ranks = [16, 32, 64, 128].filter((r) => r <= top);
  if (ranks.length < 2) ranks = [1, 2, 4, 8, 16].filter((r) => r <= top).slice(-4);
  // A method that first needs gradient statistics (a backward pass over the rows) is offered, not run by default.
  const cheap = methods.filter((id) => METHODS.find((m) => m.id === id)?.needs !== 'gradients');
  return {
    methods: cheap.length > 0 ? cheap : methods,
    denseRanks: ranks.length ? ranks : [null],
    embeddingRanks: [plan.embeddingRank],
  };
}

/** Methods the open model and rows cannot use, each with the reason (shown on the disabled choice). */
export function unavailableMethods(model: ModelInfo, prepared: PreparedInfo | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of METHODS) {
    if (m.needs === 'gradients' && !model.capabilities.gradients) {
      out[m.id] = `${m.label} needs loss gradients, which this model's runtime (${model.format}) cannot compute.`;
    } else if (m.needs && prepared?.dataFree && !(m.dataFree.dense && m.dataFree.table)) {
      out[m.id] = `${m.label} needs rows the model can score; until then each layer is factored data-free.`;
    }
  }
  return out;
}

/** Ids of the methods the open model and rows can use. */
export const usableMethods = (unavailable: Record<string, string>): string[] =>
  METHODS.filter((m) => !unavailable[m.id]).map((m) => m.id);
