/**
 * The schema of a libSVM or libFM file: the columns its layout gives (the label, a categorical column per field,
 * a numeric value column where values vary), read from the first lines, or a layout given again (the training
 * file's, for its test rows and a model's encoding), with the user's kinds winning as for any file. Pure module.
 */
import { StudioError } from '../errors';
import { describeColumns, forcedKinds } from './schemaColumns';
import type { DataSchema, SchemaOverrides } from './schemaTypes';
import { isCommentLine, sparseLayout, splitSparse, type SparseColumn, type SparseLayout } from './sparse';
import { columnName } from './sparseSplit';

/** The columns a layout gives: label, field columns, then value columns (as sparseLayout names them). */
function layoutColumns(layout: SparseLayout): SparseColumn[] {
  return [
    { name: 'label', kind: 'label' },
    ...layout.fields.map((f) => ({ name: columnName(layout, f), kind: 'categorical' as const })),
    ...layout.valued.map((f) => ({ name: `${columnName(layout, f)}_value`, kind: 'numeric' as const })),
  ];
}

export function detectSparseSchema(lines: string[], kind: 'libsvm' | 'libfm', overrides: SchemaOverrides): DataSchema {
  const given = overrides.sparse;
  if (given && given.kind !== kind) {
    throw new StudioError(
      'DATA_SCHEMA',
      `This file is in the ${kind} layout, but the model or the training file was read as ${given.kind}; ` +
        'give a file in the same layout.',
    );
  }
  const { layout, columns } = given
    ? { layout: given, columns: layoutColumns(given) }
    : sparseLayout(lines, kind, overrides.featureMap);
  const names = columns.map((c) => c.name);
  const rows: string[][] = [];
  for (const l of lines) {
    if (isCommentLine(l)) continue;
    const split = splitSparse(l, layout, names.length);
    if (split.ok) rows.push(split.fields);
  }
  const forced = forcedKinds(names, overrides);
  const base = columns.map((c) => c.kind);
  const described = describeColumns(names, rows, 0, forced, base, {}, `the ${kind} layout`);
  return {
    format: kind,
    delimiter: ' ',
    hasHeader: false,
    columns: described.map((d) => d.column),
    notes: described.map((d) => d.note),
    sampleRows: rows.length,
    sparse: layout,
  };
}
