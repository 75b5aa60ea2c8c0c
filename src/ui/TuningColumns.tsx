/** The two panels that improve a plan, side by side: fine-tuning its compressed model and automatic ranks. */
import type { UniformPlan } from '../engine/protocol';
import { AutoRankPanel } from './AutoRankPanel';
import { FineTunePanel } from './FineTunePanel';
import type { StudioActions, StudioState } from './useStudio';

interface Props {
  state: StudioState;
  actions: StudioActions;
  plan: UniformPlan;
  /** Parameters of the original model. */
  originalParams: number;
  /** True while a job runs or there are no rows to score. */
  busy: boolean;
}

/** Fine-tuning and automatic ranks in two columns. */
export function TuningColumns({ state, actions, plan, originalParams, busy }: Props) {
  return (
    <div className="two-columns">
      <FineTunePanel
        plan={plan}
        epochs={state.fineTuneEpochs}
        result={state.fineTuned}
        busy={busy}
        unsupported={
          state.model && !state.model.capabilities.fineTune
            ? `This model runs as it is in the ${state.model.format} runtime, which cannot train; fine-tune its tfjs ` +
              'conversion (ctr-studio convert --to tfjs) where every operator converts.'
            : undefined
        }
        onFineTune={actions.fineTune}
      />
      <AutoRankPanel originalParams={originalParams} auto={state.autoRanks} busy={busy} onAuto={actions.autoRanks} />
    </div>
  );
}
