/** The UI's one door to the worker: starts it and returns the typed API (comlink proxy). */
import * as Comlink from 'comlink';
import type { StudioApi } from '../engine/protocol';
import { installErrorTransfer } from '../engine/errorTransfer';

installErrorTransfer();

export interface StudioClient {
  api: Comlink.Remote<StudioApi>;
  worker: Worker;
}

export function startStudioWorker(): StudioClient {
  const worker = new Worker(new URL('../../workers/studio.worker.ts', import.meta.url), { type: 'module', name: 'ctr-studio' });
  return { api: Comlink.wrap<StudioApi>(worker), worker };
}
