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

export function ShownName({ name, max = 48 }: { name: string; max?: number }) {
  const short = shortName(name, max);
  return <span title={short === name ? undefined : shortName(name, 400)}>{short}</span>;
}
