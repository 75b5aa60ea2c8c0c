/// <reference lib="webworker" />
// The studio's worker: only wires comlink messages to the session; all work happens in src/engine.
import * as Comlink from 'comlink';
import { installErrorTransfer } from '../src/engine/errorTransfer';
import { StudioSession } from '../src/engine/session';

installErrorTransfer();
Comlink.expose(new StudioSession());
