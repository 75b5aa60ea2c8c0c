/**
 * Job control in the worker: one long job at a time (a new one supersedes the running one, which stops at
 * its next check with CANCELLED), and a sequence number for plan evaluations so a stale one is dropped.
 */
import { StudioError } from '../core/errors';

export class JobControl {
  private controller: AbortController | null = null;
  private evalSeq = 0;

  /** Starts a long job, cancelling the running one; returns its signal. */
  startLong(): AbortSignal {
    this.controller?.abort(new StudioError('CANCELLED', 'Superseded by a newer request.'));
    this.controller = new AbortController();
    return this.controller.signal;
  }

  /** Ends a long job (if it is still the current one). */
  endLong(signal: AbortSignal): void {
    if (this.controller?.signal === signal) this.controller = null;
  }

  /** Cancels the running long job. */
  cancel(): void {
    this.controller?.abort(new StudioError('CANCELLED', 'Cancelled.'));
    this.controller = null;
  }

  /** A ticket for a plan evaluation; `check(ticket)` throws once a newer evaluation has started. */
  nextEvaluation(): number {
    return ++this.evalSeq;
  }

  check(ticket: number): void {
    if (ticket !== this.evalSeq) throw new StudioError('CANCELLED', 'Superseded by a newer plan.');
  }
}

/** Throws CANCELLED when the signal was aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw signal.reason instanceof Error ? signal.reason : new StudioError('CANCELLED', 'Cancelled.');
}
