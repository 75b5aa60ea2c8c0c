/**
 * The studio's layout. First visit opens the demo (real Criteo rows and the DeepFM trained on them), so there
 * is something real on screen without uploading anything; all state and worker calls live in useStudio.
 */
import { useEffect, useState } from 'react';
import type { Remote } from 'comlink';
import type { StudioApi } from '../engine/protocol';
import { Banner } from './Banner';
import { Header } from './Header';
import { JobBar } from './JobBar';
import { ModelWorkspace } from './ModelWorkspace';
import { OpenPanel } from './OpenPanel';
import { TrainPanel } from './TrainPanel';
import { useStudio, type StudioActions, type StudioState } from './useStudio';

declare global {
  interface Window {
    /** The studio for scripting from the console (and for the end-to-end tests). */
    ctrStudio?: { state: () => StudioState; actions: StudioActions; api: () => Remote<StudioApi> | undefined };
  }
}

/** The studio page: header, job bar, messages, the open panel and the workspace of the open model. */
export function App() {
  const { state, actions, plannedParamCount, connection } = useStudio();
  const [selectedLayer, setSelectedLayer] = useState<string | null>(null);
  useEffect(() => {
    window.ctrStudio = { state: () => state, actions, api: () => connection.current?.api };
  }, [state, actions, connection]);
  const busy = state.job !== null;
  const { model, plan } = state;
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
          {!model && state.data.length > 0 && <TrainPanel state={state} busy={busy} actions={actions} />}
          {model && plan && (
            <ModelWorkspace
              state={state}
              actions={actions}
              model={model}
              plan={plan}
              plannedParamCount={plannedParamCount}
              selectedLayer={selectedLayer}
              onSelectLayer={setSelectedLayer}
            />
          )}
        </main>
      </div>
    </div>
  );
}
