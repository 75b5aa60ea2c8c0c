/**
 * Each column's kind in a detected schema: the label, the user's choice, the file's layout, or detection on the
 * sample's values; with what the sample showed of it. Pure module.
 */
import { StudioError } from '../errors';
import { classifyColumn, NUMERIC_SHARE, type ColumnKind } from './columnKinds';
import { looksLikeIdName } from './names';
import type { ColumnNote, SchemaColumn, SchemaOverrides } from './schemaTypes';
import { detectTimeFormat, partsOf, type TimeFormat } from './timestamps';
import { isMissingCell, parseLabelCell, parseNumericCell } from './values';

export function listNames(names: readonly string[], max = 6): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`);
  return names.length > max ? `${shown.join(', ')}, …` : shown.join(', ');
}

/** Finds a column by exact name, else by unique case-insensitive name; -1 when absent. */
export function findColumn(names: readonly string[], wanted: string): number {
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const w = wanted.trim().toLowerCase();
  const hits = names.map((n, i) => (n.trim().toLowerCase() === w ? i : -1)).filter((i) => i >= 0);
  return hits.length === 1 ? hits[0] : -1;
}

/** Each column's kind (the label, the user's choice, the file's layout, or detection) with the sample's figures. */
export function describeColumns(
  names: string[],
  rows: string[][],
  label: number,
  forced: Map<number, ColumnKind>,
  base: ColumnKind[] | undefined,
  overrides: Pick<SchemaOverrides, 'asIs' | 'timeParts' | 'onlyNamed'>,
  /** Whose layout fixes `base` ("the Criteo layout"). */
  layoutName = 'the Criteo layout',
): { column: SchemaColumn; note: ColumnNote }[] {
  const labels = rows.map((r) => {
    const y = parseLabelCell(r[label]);
    return y === 0 || y === 1 ? y : -1;
  });
  return names.map((name, i) => {
    const figures = figuresOf(rows, i);
    const values = () => rows.map((r) => r[i]);
    const by = (why: string, column: SchemaColumn) => ({ column, note: { why, ...figures } });
    if (i === label) return by(forced.get(i) === 'label' ? 'set by you' : 'the label', { name, kind: 'label' });
    const kind = forced.get(i);
    if (!kind && overrides.onlyNamed) return by('not read: the model does not use it', { name, kind: 'ignore' });
    if (kind === 'time') {
      const time = requireTimeFormat(name, values());
      return by('set by you', { name, kind, time, parts: overrides.timeParts?.[name] ?? partsOf(time) });
    }
    if (kind) return by('set by you', { name, kind });
    // A Criteo label that is not the label is not a feature.
    if (base) return by(layoutName, { name, kind: base[i] === 'label' ? 'ignore' : base[i] });
    if (overrides.asIs) return by('as it is, for a model made elsewhere', { name, kind: plainKind(name, values()) });
    const v = classifyColumn(name, values(), labels);
    return by(v.why, v.time ? { name, kind: v.kind, time: v.time, parts: v.parts } : { name, kind: v.kind });
  });
}

type Figures = { distinct: number; missing: number };
/** Each sample's column figures, by column: they do not depend on the reading asked, only on the rows. */
const figuresCache = new WeakMap<string[][], Figures[]>();

/** Column i's distinct present values and share of missing ones, in one pass (10,000 rows × every column). */
function figuresOf(rows: string[][], i: number): Figures {
  let cached = figuresCache.get(rows);
  if (!cached) figuresCache.set(rows, (cached = []));
  if (cached[i]) return cached[i];
  const distinct = new Set<string>();
  let missing = 0;
  for (const r of rows) {
    const v = r[i];
    if (isMissingCell(v)) missing++;
    else distinct.add(v.trim());
  }
  cached[i] = { distinct: distinct.size, missing: rows.length ? missing / rows.length : 0 };
  return cached[i];
}

/** Numbers are numeric (integers with an identifier's name aside), anything else categorical. */
function plainKind(name: string, values: string[]): 'numeric' | 'categorical' {
  let present = 0;
  let numeric = 0;
  let integers = true;
  for (const v of values) {
    const x = parseNumericCell(v);
    if (x !== undefined && Number.isNaN(x)) continue; // missing
    present++;
    if (x === undefined) continue;
    numeric++;
    if (!Number.isInteger(x)) integers = false;
  }
  if (present === 0 || numeric < NUMERIC_SHARE * present) return 'categorical';
  return integers && looksLikeIdName(name) ? 'categorical' : 'numeric';
}

/** The time layout of a column the user marked as a time stamp (DATA_SCHEMA when its values are not times). */
function requireTimeFormat(name: string, values: string[]): TimeFormat {
  // One value is enough when the user says so (the head of a time-sorted log may hold a single hour).
  const format = detectTimeFormat(`${name} time`, values, 1);
  if (format) return format;
  throw new StudioError(
    'DATA_SCHEMA',
    `Column "${name}" is set to be a time stamp, but its values are not times in a layout CTR Studio reads ` +
      '(YYMMDDHH, YYYYMMDD[HH[mm[ss]]], ISO dates such as 2014-10-21 13:05, or Unix seconds); choose another kind.',
  );
}

/** The overrides of kinds, resolved to column indices (DATA_SCHEMA for a column the file lacks, unless lenient). */
export function forcedKinds(names: string[], overrides: SchemaOverrides): Map<number, ColumnKind> {
  const forced = new Map<number, ColumnKind>();
  for (const [name, kind] of Object.entries(overrides.kinds ?? {})) {
    const i = findColumn(names, name);
    if (i < 0 && overrides.lenientKinds) continue;
    if (i < 0) {
      throw new StudioError(
        'DATA_SCHEMA',
        `The column setting names "${name}", but the file has no such column (its columns are ${listNames(names)}).`,
      );
    }
    forced.set(i, kind);
  }
  return forced;
}
