/**
 * Everything the workspace shows once a model and its plan are open, in the order a first-time user needs
 * it: the headline numbers, the method and ranks, the sweep and its charts (the rank-AUC chart the sliders
 * drive sits above the fold), the layers, the architecture, fine-tuning and automatic ranks, export, and (when
 * rows are open) training. Props handed down are stable between slider steps unless the step changes them.
 */
import { useMemo } from 'react';
import type { LayerSpectrum, ModelInfo, UniformPlan } from '../engine/protocol';
import { planKey } from '../engine/protocol';
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

const NO_SPECTRA: LayerSpectrum[] = [];

/** What the panels need that is computed from the state, kept the same object while its inputs are. */
function useDerived(state: StudioState, model: ModelInfo, plan: UniformPlan) {
  const { prepared, fineTuned } = state;
  const unavailable = useMemo(() => unavailableMethods(model, prepared), [model, prepared]);
  const usable = useMemo(() => usableMethods(unavailable), [unavailable]);
  // After fine-tuning this very plan, its tuned scores are the ones that hold (the export uses those weights).
  const tuned = useMemo(() => (fineTuned && fineTuned.key === planKey(plan) ? fineTuned : null), [fineTuned, plan]);
  return { unavailable, usable, spectra: prepared?.spectra ?? NO_SPECTRA, tuned };
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
  const { unavailable, usable, spectra, tuned } = useDerived(state, model, plan);
  return (
    <>
      <SummaryBar
        baseline={state.baseline}
        plannedParams={plannedParamCount}
        originalParams={model.params}
        result={state.result}
        tuned={stale ? null : tuned}
        stale={stale}
      />
      <PlanControls
        plan={plan}
        inventory={model.inventory}
        unavailable={unavailable}
        canFineTune={model.capabilities.fineTune}
        onChange={actions.setPlan}
      />
      <SweepPanel
        key={`${model.name}:${model.params}`} // a new model gets its own default ranks
        inventory={model.inventory}
        plan={plan}
        baseline={state.baseline}
        result={state.result}
        points={state.sweepPoints}
        request={state.sweepRequest}
        spectra={spectra}
        selectedLayer={selectedLayer}
        latency={state.latency}
        usable={usable}
        busy={busy || needsRows}
        onSweep={actions.sweep}
        onLatency={actions.latency}
      />
      <LayerTable
        inventory={model.inventory}
        plan={plan}
        spectra={spectra}
        selected={selectedLayer}
        onSelect={onSelectLayer}
        onRank={actions.setLayerRank}
      />
      <ArchitecturePanel model={model} open={!state.demoId && !state.baseline} />
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
      {state.data.length > 0 && (
        <TrainPanel epochs={state.trainingEpochs} data={state.data} busy={busy} actions={actions} />
      )}
    </>
  );
}
