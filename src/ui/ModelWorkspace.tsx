/**
 * Everything the workspace shows once a model and its plan are open: the summary, the architecture, the plan
 * and its layers, sweeps, fine-tuning and automatic ranks, export, and (when rows are open) training.
 */
import type { ModelInfo, UniformPlan } from '../engine/protocol';
import { ArchitecturePanel } from './ArchitecturePanel';
import { ExportPanel } from './ExportPanel';
import { LayerTable } from './LayerTable';
import { PlanControls } from './PlanControls';
import { SummaryBar } from './SummaryBar';
import { SweepPanel } from './SweepPanel';
import { TrainPanel } from './TrainPanel';
import { TuningColumns } from './TuningColumns';
import type { StudioActions, StudioState } from './useStudio';
import { unavailableMethods, usableMethods } from './defaults';

interface Props {
  state: StudioState;
  actions: StudioActions;
  model: ModelInfo;
  plan: UniformPlan;
  /** Parameters of the plan, counted in the UI (null while they cannot be counted). */
  plannedParamCount: number | null;
  /** The layer picked in the layer table (its spectrum is charted). */
  selectedLayer: string | null;
  onSelectLayer: (layer: string) => void;
}

/** The panels of an open model, in page order. */
export function ModelWorkspace({
  state,
  actions,
  model,
  plan,
  plannedParamCount,
  selectedLayer,
  onSelectLayer,
}: Props) {
  const busy = state.job !== null;
  const stale = state.result !== null && state.resultPlan !== plan;
  // Sweeps, latency, fine-tuning and automatic ranks score rows: not available data-free.
  const needsRows = !state.prepared || state.prepared.dataFree;
  const unavailable = unavailableMethods(model, state.prepared);
  return (
    <>
      <SummaryBar
        baseline={state.baseline}
        plannedParams={plannedParamCount}
        originalParams={model.params}
        result={state.result}
        stale={stale}
      />
      <ArchitecturePanel description={model.description} open={!state.demoId && !state.baseline} />
      <PlanControls
        plan={plan}
        inventory={model.inventory}
        unavailable={unavailable}
        canFineTune={model.capabilities.fineTune}
        onChange={actions.setPlan}
      />
      <LayerTable
        inventory={model.inventory}
        plan={plan}
        spectra={state.prepared?.spectra ?? []}
        selected={selectedLayer}
        onSelect={onSelectLayer}
        onRank={actions.setLayerRank}
      />
      <SweepPanel
        key={`${model.name}:${model.params}`} // a new model gets its own default ranks
        inventory={model.inventory}
        plan={plan}
        baseline={state.baseline}
        result={state.result}
        points={state.sweepPoints}
        request={state.sweepRequest}
        spectra={state.prepared?.spectra ?? []}
        selectedLayer={selectedLayer}
        latency={state.latency}
        usable={usableMethods(unavailable)}
        busy={busy || needsRows}
        onSweep={actions.sweep}
        onLatency={actions.latency}
      />
      <TuningColumns
        state={state}
        actions={actions}
        plan={plan}
        originalParams={model.params}
        busy={busy || needsRows}
      />
      <ExportPanel
        model={model}
        baseline={state.baseline}
        exported={state.exported}
        points={state.sweepPoints}
        busy={busy || !state.prepared}
        onExport={actions.exportModel}
      />
      {state.data.length > 0 && <TrainPanel state={state} busy={busy} actions={actions} />}
    </>
  );
}
