/**
 * RFC-4180 style field splitting of one line: a delimiter (',', '\t', ';', '|'), fields optionally in double
 * quotes, `""` inside quotes for a literal quote. Records never span lines: a quoted field left open at the end of
 * its line makes the line a bad row. A quote inside an unquoted field is kept literally. Pure module.
 */

/** The delimiters that detection tries, in order of preference on ties. */
export const DELIMITERS = [',', '\t', ';', '|'] as const;

/** Reason (also the bad-row grouping key) for a line whose quoted field is not closed. */
export const REASON_UNCLOSED_QUOTE =
  'a quoted field is not closed on its line (quoted fields with line breaks are not supported)';
/** Reason (also the bad-row grouping key) for a line with text between a closing quote and the next delimiter. */
export const REASON_TEXT_AFTER_QUOTE = 'text follows a closing quote before the next delimiter';

/** The fields of a line, or why the line cannot be split. */
export type SplitResult = { ok: true; fields: string[] } | { ok: false; reason: string };

/** Splits one line (without its line ending) into fields. */
export function splitDelimited(line: string, delimiter: string): SplitResult {
  if (delimiter.length === 0) throw new Error('splitDelimited: empty delimiter');
  if (line.indexOf('"') < 0) return { ok: true, fields: line.split(delimiter) };
  const fields: string[] = [];
  const n = line.length;
  const d = delimiter.length;
  let i = 0;
  for (;;) {
    if (i >= n) {
      fields.push(''); // line ends right after a delimiter (or is empty)
      return { ok: true, fields };
    }
    if (line.charCodeAt(i) === 34 /* " */) {
      let buf = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return { ok: false, reason: REASON_UNCLOSED_QUOTE };
        buf += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          buf += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(buf);
      if (i === n) return { ok: true, fields };
      if (!line.startsWith(delimiter, i)) return { ok: false, reason: REASON_TEXT_AFTER_QUOTE };
      i += d;
    } else {
      const j = line.indexOf(delimiter, i);
      if (j < 0) {
        fields.push(line.slice(i));
        return { ok: true, fields };
      }
      fields.push(line.slice(i, j));
      i = j + d;
    }
  }
}

/** Formats one cell, quoting it when it holds the delimiter, a quote or a line break. */
export function formatField(cell: string, delimiter: string): string {
  if (cell.includes(delimiter) || /["\r\n]/.test(cell)) return `"${cell.replace(/"/g, '""')}"`;
  return cell;
}

/** Formats cells as one line (no line ending); a lone empty cell is written `""` so the line is not blank. */
export function formatDelimited(cells: readonly string[], delimiter: string): string {
  if (cells.length === 1 && cells[0] === '') return '""';
  return cells.map((c) => formatField(c, delimiter)).join(delimiter);
}

/** Number of fields of a line for a delimiter, or -1 when the line cannot be split. */
function fieldCount(line: string, delimiter: string): number {
  const r = splitDelimited(line, delimiter);
  return r.ok ? r.fields.length : -1;
}

/**
 * The delimiter that best splits sample lines: the first line must give more than one field, and the winner is the
 * delimiter for which most lines give as many fields as the first line (ties: more fields, then {@link DELIMITERS}
 * order). Returns ',' when no delimiter splits the first line.
 */
export function detectDelimiter(sampleLines: readonly string[]): string {
  const lines = sampleLines.filter((l) => l.trim().length > 0);
  if (lines.length === 0) return ',';
  let best: string = ',';
  let bestAgree = -1;
  let bestCount = 1;
  for (const d of DELIMITERS) {
    const first = fieldCount(lines[0], d);
    if (first <= 1) continue;
    let agree = 0;
    for (const l of lines) if (fieldCount(l, d) === first) agree++;
    const frac = agree / lines.length;
    if (frac > bestAgree || (frac === bestAgree && first > bestCount)) {
      best = d;
      bestAgree = frac;
      bestCount = first;
    }
  }
  return best;
}

/** Human name of a delimiter for messages. */
export function delimiterName(delimiter: string): string {
  switch (delimiter) {
    case ',':
      return 'comma';
    case '\t':
      return 'tab';
    case ';':
      return 'semicolon';
    case '|':
      return 'pipe';
    default:
      return JSON.stringify(delimiter);
  }
}
