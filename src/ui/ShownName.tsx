/**
 * A name from a user's file as a table shows it: control and direction-changing characters escaped (a U+202E
 * cannot reverse the row) and a long name cut in the middle, with more of it in the tooltip. A megabyte-long
 * layer name would otherwise take seconds to lay out and push the table off the screen.
 */
import { displayText } from '../core/errors';

/** The name escaped and cut to at most `max` characters (its start and its end kept). */
export function shortName(name: string, max = 48): string {
  const head = name.length > 4 * max ? name.slice(0, 2 * max) + name.slice(-max) : name;
  const safe = displayText(head);
  if (name.length <= max && safe.length <= max) return safe;
  const keep = Math.floor((max - 1) / 2);
  return `${safe.slice(0, keep)}…${safe.slice(-keep)}`;
}

/**
 * A name as part of a test id or key attribute: names up to 200 characters as they are (tests address layers by
 * name), longer ones cut, so that a megabyte-long name is not copied into every attribute of its row.
 */
export function nameId(name: string): string {
  return name.length <= 200 ? name : `${name.slice(0, 100)}…${name.slice(-99)}`;
}

/** Most characters a table shows of a sentence that quotes names from a user's file (a reason, a note). */
export const NOTE_CHARS = 400;

export function ShownName({ name, max = 48 }: { name: string; max?: number }) {
  const short = shortName(name, max);
  return <span title={short === name ? undefined : shortName(name, 400)}>{short}</span>;
}
