/**
 * The studio's shell. First visit: start the worker, open the demo (real Criteo rows and the DeepFM trained
 * on them) and score it, so there is something real on screen without uploading anything.
 */
import { useEffect, useState } from 'react';
import { describeError } from '../core/errors';
import type { BackendInfo, DataSummary, Evaluation, ModelSummary } from '../engine/protocol';
import { demoUrl, fetchDemoManifest } from './demo';
import { startStudioWorker, type StudioClient } from './studioClient';
import { ModelCard } from './ModelCard';

type Status = { kind: 'working'; what: string } | { kind: 'ready' } | { kind: 'error'; message: string };

declare global {
  interface Window {
    /** The worker API, for scripting the studio from the console (and for the end-to-end tests). */
    ctrStudio?: StudioClient['api'];
  }
}

export function App() {
  const [status, setStatus] = useState<Status>({ kind: 'working', what: 'Starting the compute worker' });
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [model, setModel] = useState<ModelSummary | null>(null);
  const [data, setData] = useState<DataSummary | null>(null);
  const [evaluation, setEvaluation] = useState<Evaluation | null>(null);

  useEffect(() => {
    const client = startStudioWorker();
    window.ctrStudio = client.api;
    let live = true;
    (async () => {
      try {
        const info = await client.api.init('auto');
        if (!live) return;
        setBackend(info);
        setStatus({ kind: 'working', what: 'Opening the demo model' });
        const manifest = await fetchDemoManifest();
        const first = manifest.models[0];
        setModel(await client.api.loadModelUrl(demoUrl(first.path)));
        setStatus({ kind: 'working', what: 'Reading the demo test rows' });
        setData(await client.api.loadTestDataUrl(demoUrl(manifest.data.test)));
        setStatus({ kind: 'working', what: 'Scoring the test rows' });
        setEvaluation(await client.api.evaluate());
        if (live) setStatus({ kind: 'ready' });
      } catch (e) {
        if (live) setStatus({ kind: 'error', message: describeError(e).message });
      }
    })();
    return () => {
      live = false;
      client.worker.terminate();
    };
  }, []);

  return (
    <div className="app">
      <header className="app-header">
        <h1>CTR Studio</h1>
        <span className="subtitle">Low-rank compression of click-through-rate models, in your browser</span>
        <span className="backend" data-testid="backend">
          {backend ? `backend: ${backend.backend}` : 'backend: starting…'}
        </span>
      </header>
      <main>
        {status.kind === 'working' && <p className="status" data-testid="status">{status.what}…</p>}
        {status.kind === 'error' && <p className="error" role="alert" data-testid="error">{status.message}</p>}
        {model && <ModelCard model={model} data={data} evaluation={evaluation} />}
      </main>
    </div>
  );
}
