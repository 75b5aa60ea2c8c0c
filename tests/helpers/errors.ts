/** What a refused call throws, for tests of refusals. */
import { isStudioError } from '../../src/core/errors';

/** The StudioError f throws, as code and message (fails when f throws something else or nothing). */
export function errorOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isStudioError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a StudioError');
}

/** The StudioError code thrown by f. */
export const codeOf = (f: () => unknown): string => errorOf(f).code;
