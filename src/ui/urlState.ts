/**
 * The shareable part of the studio's state in the URL hash: which demo model, the method and the ranks
 * (global and per layer). Parsing never throws: anything unreadable falls back to the defaults.
 */
import { isMethodId } from '../core/compress/methods';
import type { UniformPlan } from '../engine/protocol';

export interface UrlState {
  demo: string | null;
  plan: Partial<UniformPlan>;
}

const rank = (s: string | null): number | null | undefined => {
  if (s === null) return undefined;
  if (s === 'keep') return null;
  const v = Number(s);
  return Number.isInteger(v) && v > 0 ? v : undefined;
};

export function parseUrlState(hash: string): UrlState {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const plan: Partial<UniformPlan> = {};
  const method = q.get('method');
  if (isMethodId(method)) plan.method = method!;
  const dense = rank(q.get('dense'));
  if (dense !== undefined) plan.denseRank = dense;
  const emb = rank(q.get('emb'));
  if (emb !== undefined) plan.embeddingRank = emb;
  if (q.get('stats') === 'seq') plan.statistics = 'sequential';
  if (q.get('act') === '1') plan.activation = true;
  const layers = q.get('layers');
  if (layers) {
    const overrides: Record<string, number | null> = {};
    for (const part of layers.split(',')) {
      const [name, r] = part.split(':');
      const v = rank(r ?? null);
      if (name && v !== undefined) overrides[name] = v;
    }
    plan.overrides = overrides;
  }
  return { demo: q.get('demo'), plan };
}

export function formatUrlState(s: { demo: string | null; plan: UniformPlan }): string {
  const q = new URLSearchParams();
  if (s.demo) q.set('demo', s.demo);
  q.set('method', s.plan.method);
  q.set('dense', s.plan.denseRank === null ? 'keep' : String(s.plan.denseRank));
  q.set('emb', s.plan.embeddingRank === null ? 'keep' : String(s.plan.embeddingRank));
  if (s.plan.statistics === 'sequential') q.set('stats', 'seq');
  if (s.plan.activation) q.set('act', '1');
  const o = Object.entries(s.plan.overrides ?? {});
  if (o.length > 0) q.set('layers', o.map(([n, r]) => `${n}:${r === null ? 'keep' : r}`).join(','));
  return `#${q.toString()}`;
}
