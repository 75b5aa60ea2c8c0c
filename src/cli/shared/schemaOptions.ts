/**
 * The options that say how a data file's columns are read when a model is trained on it: a schema file (as the
 * studio saves it, or `ctr-studio schema --out`), and per-column kinds that win over it and over detection.
 */
import { readFile } from 'node:fs/promises';
import {
  formatSchemaTable,
  parseFeatureMap,
  schemaFileOverrides,
  type ColumnKind,
  type DataSchema,
  type SchemaOverrides,
} from '../../core/data';
import { requireFile } from '../../node/files';
import type { OptionDef, ParsedArgs } from './args';

export const SCHEMA_OPTIONS: OptionDef[] = [
  {
    name: 'schema',
    value: 'FILE',
    help: 'column kinds from a schema JSON (saved by the studio or `ctr-studio schema --out`); detected otherwise',
  },
  { name: 'label', value: 'COLUMN', help: 'label column of a CSV/TSV with a header (detected if absent)' },
  { name: 'categorical', value: 'COLS', help: 'columns to treat as categorical, comma-separated (else detected)' },
  { name: 'numeric', value: 'COLS', help: 'columns to treat as numeric, comma-separated (else detected)' },
  { name: 'time', value: 'COLS', help: 'time stamp columns (hour of day and day of week), comma-separated' },
  { name: 'ignore', value: 'COLS', help: 'columns to leave out, comma-separated' },
  {
    name: 'feature-map',
    value: 'FILE',
    help:
      'libSVM: the field of each feature index ("index name" lines, as XGBoost\'s featmap.txt; ' +
      'the field is the name up to "=")',
  },
];

/** --schema, then --label, --categorical, --numeric, --time and --ignore (which win), as schema overrides. */
export async function schemaOverridesArg(args: ParsedArgs): Promise<SchemaOverrides> {
  let base: SchemaOverrides = {};
  if (typeof args.schema === 'string') {
    const path = await requireFile(args.schema, 'schema file');
    base = schemaFileOverrides(await readFile(path, 'utf8'), args.schema);
  }
  const kinds: Record<string, ColumnKind> = { ...base.kinds };
  for (const kind of ['categorical', 'numeric', 'time', 'ignore'] as const) {
    if (typeof args[kind] !== 'string') continue;
    for (const col of String(args[kind])
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean))
      kinds[col] = kind;
  }
  let featureMap: Record<string, string> | undefined;
  if (typeof args['feature-map'] === 'string') {
    const path = await requireFile(args['feature-map'], 'feature map');
    featureMap = parseFeatureMap(await readFile(path, 'utf8'));
  }
  return {
    ...base,
    ...(args.label ? { labelColumn: String(args.label) } : {}),
    kinds,
    ...(featureMap ? { featureMap } : {}),
  };
}

/** Prints the schema a file was read with on stderr (what a new model is trained on, and why). */
export function printSchema(file: string, schema: DataSchema): void {
  console.error(`${file}: ${formatSchemaTable(schema)}`);
}
