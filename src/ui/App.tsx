/**
 * The studio's layout. First visit opens the demo (real Criteo rows and the DeepFM trained on them), so there
 * is something real on screen without uploading anything; all state and worker calls live in useStudio.
 */
import { memo, useEffect, useState } from 'react';
import type { Remote } from 'comlink';
import type { StudioApi } from '../engine/protocol';
import { Banner } from './Banner';
import { Header } from './Header';
import { JobBar } from './JobBar';
import { ArchitecturePanel } from './ArchitecturePanel';
import { ModelWorkspace } from './ModelWorkspace';
import { OpenPanel } from './OpenPanel';
import { RecipePanel } from './RecipePanel';
import { TrainPanel } from './TrainPanel';
import { holdsCompression } from './useOpenFlow';
import { useStudio, type StudioActions, type StudioState } from './useStudio';

/** The banner re-renders only when its message changes (not on every slider step). */
const MessageBanner = memo(Banner);

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
  // A model that is itself a compression shows its recipe and is not compressed again until the user asks.
  const held = holdsCompression(state);
  return (
    <div className="app">
      <Header backend={state.backend} choice={state.backendChoice} onChoose={actions.setBackend} />
      {/* Progress with its Cancel, and messages: they stay in sight while the page scrolls. */}
      <section className="status-area" aria-label="Progress and messages">
        <JobBar job={state.job} onCancel={actions.cancel} />
        <MessageBanner error={state.error} notice={state.notice} onDismiss={actions.dismiss} />
      </section>
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
            <TrainPanel epochs={state.trainingEpochs} data={state.data} busy={busy} actions={actions} />
          )}
          {model?.compression && (
            <RecipePanel
              recipe={model.compression}
              baseline={state.baseline}
              held={held}
              busy={busy}
              onCompressAgain={actions.compressAgain}
            />
          )}
          {model && held && <ArchitecturePanel model={model} open={false} />}
          {model && plan && !held && (
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
