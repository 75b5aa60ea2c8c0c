/**
 * The DataSchema of a tabular click file (which column is the label, which are numeric or categorical) and its
 * detection from the first lines of the file: Criteo layout, or a delimited file with or without a header.
 * Pure module.
 */
import { StudioError } from '../errors';
import { delimiterName, detectDelimiter, splitDelimited } from './delimited';
import { parseLabelCell, parseNumericCell, isMissingCell } from './values';
import { NUMERIC_SHARE, type ColumnKind } from './columnKinds';
import { LABEL_NAMES, looksLikeIdName } from './names';
import { describeColumns, findColumn, forcedKinds, listNames } from './schemaColumns';
import type { DataSchema, SchemaOverrides } from './schemaTypes';
import type { TimePart } from './timestamps';
import { detectSparseSchema } from './sparseSchema';
import { sniffSparse } from './sparse';

export { LABEL_NAMES, looksLikeIdName, findColumn, type ColumnKind };
export { NUMERIC_SHARE };
export type * from './schemaTypes';

/** Number of columns of the Criteo layout. */
export const CRITEO_COLUMN_COUNT = 40;

/** The Criteo column names: label, I1..I13 (numeric), C1..C26 (categorical). */
export function criteoColumns(): DataSchema['columns'] {
  const cols: DataSchema['columns'] = [{ name: 'label', kind: 'label' }];
  for (let i = 1; i <= 13; i++) cols.push({ name: `I${i}`, kind: 'numeric' });
  for (let i = 1; i <= 26; i++) cols.push({ name: `C${i}`, kind: 'categorical' });
  return cols;
}

/** The Criteo schema (tab-separated, no header). */
export function criteoSchema(): DataSchema {
  return { format: 'criteo', delimiter: '\t', hasHeader: false, columns: criteoColumns() };
}

function headerNames(cells: string[]): string[] {
  const names = cells.map((c) => c.trim());
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n.length === 0) {
      throw new StudioError(
        'DATA_HEADER',
        `Column ${i + 1} of the header line has no name; give every column a name in the first line of the file.`,
      );
    }
    const prev = seen.get(n);
    if (prev !== undefined) {
      throw new StudioError(
        'DATA_HEADER',
        `The header names column "${n}" twice (columns ${prev + 1} and ${i + 1}); column names must be unique.`,
      );
    }
    seen.set(n, i);
  });
  return names;
}

/** Detects the schema from the first lines of a file (blank lines are skipped); overrides win over detection. */
export function detectSchema(sampleLines: string[], overrides: SchemaOverrides = {}): DataSchema {
  const lines = sampleLines.filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new StudioError('DATA_EMPTY', 'The file is empty: it has no data rows.');
  if (overrides.delimiter !== undefined && overrides.delimiter.length === 0) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      'The delimiter setting is empty; use one character such as "," or a tab.',
    );
  }
  const sparse =
    overrides.format === 'libsvm' || overrides.format === 'libfm'
      ? overrides.format
      : overrides.format === undefined && overrides.delimiter === undefined
        ? sniffSparse(lines)
        : null;
  if (sparse) return detectSparseSchema(lines, sparse, overrides);
  const delimiter = overrides.delimiter ?? (overrides.format === 'criteo' ? '\t' : detectDelimiter(lines));
  const firstSplit = splitDelimited(lines[0], delimiter);
  if (!firstSplit.ok) {
    throw new StudioError(
      'DATA_HEADER',
      `The first line of the file cannot be read (${firstSplit.reason}); check that the ` +
        `file is a CSV, TSV or Criteo text file.`,
    );
  }
  const first = firstSplit.fields;
  const hasHeader = !first.some((c) => !isMissingCell(c) && parseNumericCell(c) !== undefined);
  const rows = splitSample(sampleLines, lines.slice(hasHeader ? 1 : 0), delimiter, first.length);

  // A bad label in the first row (2, -1, empty) still reads as Criteo, so that row is reported as a bad row.
  const criteoShape = !hasHeader && first.length === CRITEO_COLUMN_COUNT && parseNumericCell(first[0]) !== undefined;
  let format: DataSchema['format'] = 'delimited';
  let names: string[];
  let base: ColumnKind[] | undefined; // fixed kinds of the Criteo layout
  if (overrides.format === 'criteo') {
    if (first.length !== CRITEO_COLUMN_COUNT) {
      throw new StudioError(
        'DATA_SCHEMA',
        `The Criteo format has ${CRITEO_COLUMN_COUNT} ` +
          `${delimiterName(delimiter)}-separated columns, but the first line has ` +
          `${first.length}; choose another format or delimiter.`,
      );
    }
    format = 'criteo';
  } else if (overrides.format === undefined && criteoShape && delimiter === '\t') {
    format = 'criteo';
  }
  if (format === 'criteo' || (!hasHeader && criteoShape && overrides.format === undefined)) {
    const cols = criteoColumns();
    names = cols.map((c) => c.name);
    base = cols.map((c) => c.kind);
  } else if (hasHeader) {
    names = headerNames(first);
  } else {
    names = first.map((_, i) => `col${i + 1}`);
  }

  return schemaOfRows({ format, delimiter, hasHeader }, names, rows, overrides, base);
}

/**
 * The sample's rows split into cells (those with `width` cells), remembered per sample and delimiter: a file's
 * schema is detected again for every reading asked of it (the user's, a model's, the test file's), and splitting
 * 10,000 lines each time was most of that work.
 */
const splitCache = new WeakMap<readonly string[], Map<string, string[][]>>();
function splitSample(sample: readonly string[], lines: string[], delimiter: string, width: number): string[][] {
  let byKey = splitCache.get(sample);
  if (!byKey) splitCache.set(sample, (byKey = new Map()));
  const key = `${delimiter}\u0000${lines.length}\u0000${width}`;
  let rows = byKey.get(key);
  if (!rows) {
    rows = [];
    for (const l of lines) {
      const r = splitDelimited(l, delimiter);
      if (r.ok && r.fields.length === width) rows.push(r.fields);
    }
    byKey.set(key, rows);
  }
  return rows;
}

/** The schema of a file whose column names and first rows (as text cells) are known: the label, then kinds. */
function schemaOfRows(
  layout: Pick<DataSchema, 'format' | 'delimiter' | 'hasHeader'>,
  names: string[],
  rows: string[][],
  overrides: SchemaOverrides,
  base?: ColumnKind[],
): DataSchema {
  const forced = forcedKinds(names, overrides);
  const named = layout.hasHeader || layout.format === 'parquet'; // a Parquet file names its columns
  const label = findLabel(names, rows, forced, overrides, base, named);
  const described = describeColumns(names, rows, label, forced, base, overrides);
  return {
    ...layout,
    columns: described.map((d) => d.column),
    notes: described.map((d) => d.note),
    sampleRows: rows.length,
  };
}

/** The schema of a table with named columns (a Parquet file) from its first rows, as text cells. */
export function detectTableSchema(names: string[], rows: string[][], overrides: SchemaOverrides = {}): DataSchema {
  if (rows.length === 0) throw new StudioError('DATA_EMPTY', 'The file is empty: it has no data rows.');
  return schemaOfRows({ format: 'parquet', delimiter: '', hasHeader: false }, headerNames(names), rows, overrides);
}

function findLabel(
  names: string[],
  rows: string[][],
  forced: Map<number, ColumnKind>,
  overrides: SchemaOverrides,
  base: ColumnKind[] | undefined,
  hasHeader: boolean,
): number {
  if (overrides.labelColumn !== undefined) {
    const i = findColumn(names, overrides.labelColumn);
    if (i >= 0) return i;
    if (!hasHeader && !base) {
      throw new StudioError(
        'DATA_NO_LABEL',
        `The file has no header line and is not in the Criteo layout ` +
          `(${CRITEO_COLUMN_COUNT} tab-separated columns, label first; this one has ` +
          `${names.length}), so the label column "${overrides.labelColumn}" cannot be ` +
          `found; add a header line that names the columns.`,
      );
    }
    if (overrides.lenientLabel && hasHeader) {
      for (const wanted of LABEL_NAMES) {
        const j = names.findIndex((n, k) => !forced.has(k) && n.trim().toLowerCase() === wanted);
        if (j >= 0) return j;
      }
    }
    throw new StudioError(
      'DATA_NO_LABEL',
      `The label column "${overrides.labelColumn}" is not in the file; its columns are ${listNames(names)}.`,
    );
  }
  const forcedLabels = [...forced].filter(([, k]) => k === 'label').map(([i]) => i);
  if (forcedLabels.length > 1) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `Only one column can be the label, but the settings mark ${listNames(forcedLabels.map((i) => names[i]))}.`,
    );
  }
  if (forcedLabels.length === 1) return forcedLabels[0];
  const free = (i: number) => !forced.has(i);
  if (base) {
    const i = base.indexOf('label');
    if (i >= 0 && free(i)) return i;
  }
  for (const wanted of LABEL_NAMES) {
    const i = names.findIndex((n, j) => free(j) && n.trim().toLowerCase() === wanted);
    if (i >= 0) return i;
  }
  if (hasHeader && rows.length === 0) {
    throw new StudioError('DATA_EMPTY', 'The file has only a header line and no data rows.');
  }
  const binary: number[] = [];
  names.forEach((_, j) => {
    if (!free(j)) return;
    let seen = 0;
    for (const r of rows) {
      const v = parseLabelCell(r[j]);
      if (v === 'bad') return;
      if (v !== 'empty') seen++;
    }
    if (seen > 0) binary.push(j);
  });
  if (binary.length === 1) return binary[0];
  if (binary.length === 0) {
    throw new StudioError(
      'DATA_NO_LABEL',
      `No label column found: no column is named ${LABEL_NAMES.join('/')} and no column ` +
        `holds only 0 and 1; name the label column in the settings.`,
    );
  }
  throw new StudioError(
    'DATA_NO_LABEL',
    `The label column is ambiguous: columns ${listNames(binary.map((i) => names[i]))} ` +
      `all hold only 0 and 1; name the label column in the settings.`,
  );
}

/** A schema as one line for logs and messages, e.g. "criteo, tab, no header: label + 13 numeric + 26 categorical". */
export function describeSchema(schema: DataSchema): string {
  const count = (k: ColumnKind) => schema.columns.filter((c) => c.kind === k).length;
  const label = schema.columns.find((c) => c.kind === 'label')?.name ?? '?';
  const ignored = count('ignore');
  return (
    (schema.format === 'criteo' || schema.format === 'delimited'
      ? `${schema.format}, ${delimiterName(schema.delimiter)}, ${schema.hasHeader ? 'header' : 'no header'}: `
      : `${schema.format}: `) +
    `label "${label}" + ${count('numeric')} numeric + ${count('categorical')} categorical` +
    (count('time') ? ` + ${count('time')} time stamp${count('time') > 1 ? 's' : ''}` : '') +
    (ignored ? ` (${ignored} ignored)` : '')
  );
}

/** Throws DATA_SCHEMA unless the schema has exactly one label column and unique, non-empty names. */
export function validateSchema(schema: DataSchema): void {
  const labels = schema.columns.filter((c) => c.kind === 'label');
  if (labels.length !== 1) {
    throw new StudioError(
      'DATA_SCHEMA',
      `A data schema needs exactly one label column, but this one has ${labels.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const c of schema.columns) {
    if (c.name.length === 0 || seen.has(c.name)) {
      throw new StudioError('DATA_SCHEMA', `The data schema has an empty or repeated column name ("${c.name}").`);
    }
    seen.add(c.name);
  }
}

/** True when two files have the same feature columns (names, case aside; order, kinds and label aside). */
export function sameFeatureColumns(a: DataSchema, b: DataSchema): boolean {
  const names = (s: DataSchema) =>
    s.columns
      .filter((c) => c.kind === 'numeric' || c.kind === 'categorical' || c.kind === 'time')
      .map((c) => c.name.trim().toLowerCase())
      .sort()
      .join('\n');
  return names(a) === names(b);
}

/**
 * Overrides that read another file (the test rows of a training file) with this schema's label and kinds, so that
 * detection on the other file's own rows (a column constant there, say) cannot read it differently.
 */
export function overridesForSchema(schema: DataSchema): SchemaOverrides {
  const kinds: Record<string, ColumnKind> = {};
  const timeParts: Record<string, TimePart[]> = {};
  let label: string | undefined;
  for (const c of schema.columns) {
    if (c.kind === 'label') label = c.name;
    else kinds[c.name] = c.kind;
    if (c.parts) timeParts[c.name] = c.parts;
  }
  return {
    ...(label !== undefined ? { labelColumn: label } : {}),
    kinds,
    lenientKinds: true,
    lenientLabel: true,
    ...(schema.sparse ? { sparse: schema.sparse } : {}),
    ...(Object.keys(timeParts).length ? { timeParts } : {}),
  };
}
