/**
 * A data schema as a file people read and edit: the JSON the studio saves and `--schema FILE` takes, and the
 * table the CLI prints. A schema file fixes the kind of every column it names; detection fills in the rest.
 * Pure module.
 */
import { StudioError } from '../errors';
import type { ColumnKind } from './columnKinds';
import type { DataSchema, SchemaOverrides } from './schema';
import type { TimePart } from './timestamps';

const KINDS: readonly ColumnKind[] = ['label', 'numeric', 'categorical', 'time', 'ignore'];

/** The schema as pretty JSON (layout, one entry per column, and detection's notes for the reader). */
export function schemaToJson(schema: DataSchema): string {
  const columns = schema.columns.map((c, i) => ({
    name: c.name,
    kind: c.kind,
    ...(c.time ? { time: c.time } : {}),
    ...(c.parts ? { parts: c.parts } : {}),
    ...(schema.notes?.[i] ? { why: schema.notes[i].why } : {}),
  }));
  return `${JSON.stringify(
    { format: schema.format, delimiter: schema.delimiter, hasHeader: schema.hasHeader, columns },
    null,
    2,
  )}\n`;
}

function bad(fileName: string, what: string): StudioError {
  return new StudioError(
    'DATA_SCHEMA',
    `The schema file ${fileName} ${what}; save a schema from the studio or \`ctr-studio schema\` and edit its kinds.`,
  );
}

/**
 * The overrides a schema file stands for: its label and the kind of every column it lists (its delimiter too).
 * A file that is not such JSON, names a kind CTR Studio does not know, or has no or two labels is DATA_SCHEMA.
 */
export function schemaFileOverrides(text: string, fileName: string): SchemaOverrides {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad(fileName, 'is not valid JSON');
  }
  const columns = (json as { columns?: unknown })?.columns;
  if (!Array.isArray(columns) || columns.length === 0) throw bad(fileName, 'has no "columns" list');
  const kinds: Record<string, ColumnKind> = {};
  const timeParts: Record<string, TimePart[]> = {};
  let label: string | undefined;
  for (const [i, c] of columns.entries()) {
    const { name, kind, parts } = (c ?? {}) as { name?: unknown; kind?: unknown; parts?: unknown };
    if (typeof name !== 'string' || name.length === 0) throw bad(fileName, `gives column ${i + 1} no name`);
    if (!KINDS.includes(kind as ColumnKind)) {
      throw bad(fileName, `gives column "${name}" the kind ${JSON.stringify(kind)} (kinds: ${KINDS.join(', ')})`);
    }
    if (Array.isArray(parts)) {
      if (!parts.every((p) => p === 'hour' || p === 'weekday')) {
        throw bad(fileName, `gives column "${name}" the parts ${JSON.stringify(parts)} (parts: hour, weekday)`);
      }
      timeParts[name] = parts as TimePart[];
    }
    if (kind === 'label') {
      if (label !== undefined) throw bad(fileName, `marks two label columns ("${label}" and "${name}")`);
      label = name;
    } else kinds[name] = kind as ColumnKind;
  }
  const delimiter = (json as { delimiter?: unknown }).delimiter;
  return {
    ...(label !== undefined ? { labelColumn: label } : {}),
    kinds,
    ...(Object.keys(timeParts).length ? { timeParts } : {}),
    ...(typeof delimiter === 'string' && delimiter.length === 1 ? { delimiter } : {}),
  };
}

const pct = (x: number) => (x === 0 ? '0%' : x < 0.001 ? '<0.1%' : `${(100 * x).toFixed(1)}%`);

/** The schema as a text table: column, kind, distinct values and missing share in the sample, and why. */
export function formatSchemaTable(schema: DataSchema): string {
  const rows = schema.columns.map((c, i) => {
    const n = schema.notes?.[i];
    return [
      c.name,
      c.kind === 'time' && c.time ? `time (${c.time})` : c.kind,
      n ? String(n.distinct) : '',
      n ? pct(n.missing) : '',
      n?.why ?? '',
    ];
  });
  const head = ['column', 'kind', 'distinct', 'missing', 'why'];
  const widths = head.map((h, j) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[j].length))));
  const line = (r: string[]) =>
    r
      .map((cell, j) => (j === r.length - 1 ? cell : cell.slice(0, widths[j]).padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  const sample = schema.sampleRows !== undefined ? ` (kinds from the first ${schema.sampleRows} rows)` : '';
  return [`schema${sample}:`, line(head), ...rows.map(line)].join('\n');
}
