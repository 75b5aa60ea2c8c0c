/**
 * The UI's one door to the worker: starts it, wraps the typed API (comlink), and watches it. If the worker
 * dies (crash, out of memory, killed), pending calls fail with WORKER_DIED instead of hanging, and the
 * owner is told so it can start a fresh one and reopen the user's files.
 */
import * as Comlink from 'comlink';
import { StudioError } from '../core/errors';
import type { StudioApi } from '../engine/protocol';
import { installErrorTransfer } from '../engine/errorTransfer';

installErrorTransfer();

/**
 * How long the worker may leave a heartbeat unanswered before it is considered dead. Its long loops yield to
 * the event loop between batches, so only a crash (or a hang) stays silent this long.
 */
const HEARTBEAT_TIMEOUT_MS = 20000;
const HEARTBEAT_EVERY_MS = 1500;

/** Starts the worker script (a module worker bundled by Vite). */
function startWorker(): Worker {
  return new Worker(new URL('../../workers/studio.worker.ts', import.meta.url), { type: 'module', name: 'ctr-studio' });
}

/**
 * The first worker, started as this module loads (before React renders the page) so that it fetches and
 * evaluates its script meanwhile; the first connection takes it, with any error it reported before.
 */
let early: { worker: Worker; error: string | null } | null = null;
if (typeof Worker !== 'undefined') {
  const worker = startWorker();
  const first = { worker, error: null as string | null };
  worker.addEventListener('error', (e) => {
    first.error ??= e.message || 'unknown error';
  });
  early = first;
}

export class StudioConnection {
  readonly api: Comlink.Remote<StudioApi>;
  private readonly worker: Worker;
  private dead = false;
  private rejectPending = new Set<(e: Error) => void>();
  private lastPong = performance.now();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly onDeath: (reason: string) => void) {
    const taken = early;
    early = null;
    this.worker = taken?.worker ?? startWorker();
    this.api = Comlink.wrap<StudioApi>(this.worker);
    this.worker.addEventListener('error', (e) => this.die(`it failed: ${e.message || 'unknown error'}`));
    this.timer = setInterval(() => this.heartbeat(), HEARTBEAT_EVERY_MS);
    if (taken?.error) queueMicrotask(() => this.die(`it failed: ${taken.error}`));
  }

  private heartbeat(): void {
    if (this.dead) return;
    if (performance.now() - this.lastPong > HEARTBEAT_TIMEOUT_MS) {
      this.die('it stopped answering');
      return;
    }
    this.api.ping().then(
      () => {
        this.lastPong = performance.now();
      },
      () => {},
    );
  }

  private die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    clearInterval(this.timer);
    this.worker.terminate();
    const err = new StudioError(
      'WORKER_DIED',
      `The compute worker stopped (${reason}); a fresh one was started and your files were reopened.`,
    );
    for (const reject of this.rejectPending) reject(err);
    this.rejectPending.clear();
    this.onDeath(reason);
  }

  /** Runs a worker call; it rejects with WORKER_DIED if the worker dies meanwhile. */
  call<T>(f: (api: Comlink.Remote<StudioApi>) => Promise<T>): Promise<T> {
    if (this.dead) return Promise.reject(new StudioError('WORKER_DIED', 'The compute worker has stopped.'));
    return new Promise<T>((resolve, reject) => {
      this.rejectPending.add(reject);
      f(this.api)
        .then(resolve, reject)
        .finally(() => this.rejectPending.delete(reject));
    });
  }

  /** Stops the worker for good (page teardown). */
  close(): void {
    this.dead = true;
    clearInterval(this.timer);
    this.worker.terminate();
  }

  /** Kills the worker as a crash would (for the fault tests and the debug console). */
  simulateCrash(): void {
    this.worker.terminate();
    this.die('it was killed');
  }
}

/** Wraps a callback for the worker (comlink proxies functions passed across). */
export const proxy = Comlink.proxy;
