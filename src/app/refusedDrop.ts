/**
 * A drop that could not be opened, said so: the error's own sentence, then which dropped files were not
 * opened and that what was open before is still open (a refused model never replaces the open one). Names
 * pass through displayText, like every name in a message.
 */
import { describeError, displayText, isStudioError, StudioError } from '../core/errors';

/** Names as a sentence lists them: "a", "a and b", "a, b and 2 more". */
function listed(names: string[]): string {
  const shown = names.map((n) => displayText(n));
  if (shown.length <= 2) return shown.join(' and ');
  if (shown.length <= 4) return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
  return `${shown.slice(0, 3).join(', ')} and ${shown.length - 3} more`;
}

/**
 * The error a refused drop gives the user. `dropped` are the names the user dropped, `opened` the data files
 * among them that were opened before the refusal, `modelOpen` whether a model was open before the drop.
 * A cancellation is passed through as it is.
 */
export function refusedDrop(e: unknown, dropped: string[], opened: string[], modelOpen: boolean): unknown {
  if (isStudioError(e) && e.code === 'CANCELLED') return e;
  const { code, message } = describeError(e);
  const refused = dropped.filter((n) => !opened.includes(n));
  if (refused.length === 0) return e;
  const verb = refused.length === 1 ? 'was' : 'were';
  const kept = modelOpen ? 'the open model is unchanged' : 'no model was opened';
  const also = opened.length > 0 ? `; ${listed(opened)} ${opened.length === 1 ? 'was' : 'were'} opened as data` : '';
  return new StudioError(
    code,
    `${message} ${listed(refused)} ${verb} not opened, and ${kept}${also}.`,
    isStudioError(e) ? e.detail : undefined,
  );
}
