/** Under a global rank slider: the ranks its layers really get when some have their own (automatic ranks). */
import type { LayerInfo, UniformPlan } from '../engine/protocol';
import { layerRanks, rankSpread } from './layerRanks';

/** "per layer: 8–64, 2 kept" for the layers of one kind with their own rank; nothing when none has. */
export function PerLayer({
  plan,
  inventory,
  kind,
}: {
  plan: UniformPlan;
  inventory: LayerInfo[];
  kind: 'dense' | 'embedding';
}) {
  const own = layerRanks(inventory, plan).filter((r) => r.kind === kind && r.overridden);
  if (own.length === 0) return null;
  const all = layerRanks(inventory, plan).filter((r) => r.kind === kind).length;
  return (
    <span className="per-layer small" data-testid={`${kind}-per-layer`}>
      {own.length === all ? 'every layer its own rank' : `${own.length} of ${all} layers their own rank`}:{' '}
      {rankSpread(own)}
    </span>
  );
}
