/**
 * The studio's layout. First visit opens the demo (real Criteo rows and the DeepFM trained on them), so there
 * is something real on screen without uploading anything; all state and worker calls live in useStudio.
 */
import { useEffect, useState } from 'react';
import type { Remote } from 'comlink';
import type { StudioApi } from '../engine/protocol';
import { Banner } from './Banner';
import { ExportPanel } from './ExportPanel';
import { Header } from './Header';
import { JobBar } from './JobBar';
import { LayerTable } from './LayerTable';
import { OpenPanel } from './OpenPanel';
import { PlanControls } from './PlanControls';
import { SummaryBar } from './SummaryBar';
import { SweepPanel } from './SweepPanel';
import { TrainPanel } from './TrainPanel';
import { FineTunePanel } from './FineTunePanel';
import { AutoRankPanel } from './AutoRankPanel';
import { ArchitecturePanel } from './ArchitecturePanel';
import { useStudio, type StudioActions, type StudioState } from './useStudio';
import { unavailableMethods, usableMethods } from './defaults';

declare global {
  interface Window {
    /** The studio for scripting from the console (and for the end-to-end tests). */
    ctrStudio?: { state: () => StudioState; actions: StudioActions; api: () => Remote<StudioApi> | undefined };
  }
}

export function App() {
  const { state, actions, plannedParamCount, connection } = useStudio();
  const [selectedLayer, setSelectedLayer] = useState<string | null>(null);
  useEffect(() => {
    window.ctrStudio = { state: () => state, actions, api: () => connection.current?.api };
  }, [state, actions, connection]);
  const busy = state.job !== null;
  const { model, plan } = state;
  const stale = state.result !== null && state.resultPlan !== plan;
  // Sweeps, latency, fine-tuning and automatic ranks score rows: not available data-free.
  const needsRows = !state.prepared || state.prepared.dataFree;
  const unavailable = model ? unavailableMethods(model, state.prepared) : {};
  return (
    <div className="app">
      <Header backend={state.backend} choice={state.backendChoice} onChoose={actions.setBackend} />
      <JobBar job={state.job} onCancel={actions.cancel} />
      <Banner error={state.error} notice={state.notice} onDismiss={actions.dismiss} />
      <div className="layout">
        <OpenPanel
          manifest={state.manifest}
          demoId={state.demoId}
          model={model}
          data={state.data}
          busy={busy}
          onDemo={actions.openDemo}
          onFiles={actions.openFiles}
        />
        <main className="workspace">
          {!model && state.data.length > 0 && (
            <TrainPanel epochs={state.trainingEpochs} busy={busy} hasData onTrain={actions.train} />
          )}
          {model && plan && (
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
                onChange={actions.setPlan}
              />
              <LayerTable
                inventory={model.inventory}
                plan={plan}
                spectra={state.prepared?.spectra ?? []}
                selected={selectedLayer}
                onSelect={setSelectedLayer}
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
              <div className="two-columns">
                <FineTunePanel
                  plan={plan}
                  epochs={state.fineTuneEpochs}
                  result={state.fineTuned}
                  busy={busy || needsRows}
                  onFineTune={actions.fineTune}
                />
                <AutoRankPanel
                  originalParams={model.params}
                  auto={state.autoRanks}
                  busy={busy || needsRows}
                  onAuto={actions.autoRanks}
                />
              </div>
              <ExportPanel
                model={model}
                baseline={state.baseline}
                exported={state.exported}
                points={state.sweepPoints}
                busy={busy || !state.prepared}
                onExport={actions.exportModel}
              />
              {state.data.length > 0 && (
                <TrainPanel epochs={state.trainingEpochs} busy={busy} hasData onTrain={actions.train} />
              )}
            </>
          )}
        </main>
      </div>
    </div>
  );
}
