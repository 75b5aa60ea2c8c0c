/**
 * Keeps StudioError codes across the worker boundary: comlink's default only keeps message and stack.
 * Installed on both sides (worker and UI) before any call.
 */
import * as Comlink from 'comlink';
import { describeError, StudioError } from '../core/errors';

type Thrown = { value: unknown };

export function installErrorTransfer(): void {
  const base = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<Thrown, unknown>;
  Comlink.transferHandlers.set('throw', {
    canHandle: base.canHandle,
    serialize(thrown: Thrown) {
      return [{ studioError: describeError(thrown.value) }, []];
    },
    deserialize(serialized: unknown) {
      const e = (serialized as { studioError: { code: StudioError['code']; message: string } }).studioError;
      throw new StudioError(e.code, e.message);
    },
  } as Comlink.TransferHandler<Thrown, unknown>);
}
