/** The sentences a Keras file that cannot be read gets, shared by the readers of every Keras file kind. */
import { StudioError } from '../../core/errors';

export const SAVE_AGAIN = "save it again with model.save('model.keras') or model.save('model.h5')";

export function corrupt(fileName: string, why: string): StudioError {
  return new StudioError('MODEL_NOT_LAYERS', `${fileName} cannot be read as a Keras model (${why}); ${SAVE_AGAIN}.`);
}

/** Wraps a read failure that is not already a StudioError. */
export function readFailure(fileName: string, e: unknown): StudioError {
  if (e instanceof StudioError) return e;
  const text = String((e as Error)?.message ?? e);
  // An HDF5 error stack: its innermost frame ("#006: ... H5F__super_read(): file signature not found") says most.
  const frames = [...text.matchAll(/#\d+:.*?\(\): (.+)$/gm)].map((m) => m[1].trim());
  const why =
    frames.length > 0
      ? `HDF5 reports: ${frames[frames.length - 1]}`
      : (text.split('\n').find((l) => l.trim()) ?? 'unknown error');
  return corrupt(fileName, why.trim().slice(0, 300));
}

export function parseJson(text: string, what: string, fileName: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw corrupt(fileName, `its ${what} is not a JSON object`);
}
