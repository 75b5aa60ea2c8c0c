/**
 * The training file's columns as a new model is trained on them: a kind per column (editable), what the first
 * rows showed (distinct values, missing share) and why detection chose the kind. The same schema the CLI prints;
 * "Save schema" writes the JSON that `ctr-studio train --schema` takes.
 */
import type { ColumnKind, DataSchema, SchemaOverrides } from '../engine/protocol';
import { describeSchema } from '../core/data/schema';
import { schemaToJson } from '../core/data/schemaFile';
import { download } from './download';
import { formatInt } from './format';
import { SchemaRow } from './SchemaRow';

const SET_BY_YOU = 'set by you';
/**
 * Most columns the table shows: a file of 100,000 columns would otherwise put a million elements on the page
 * (minutes of layout, gigabytes). The rest are counted; "Save schema" still writes every column.
 */
const SHOWN_COLUMNS = 300;

/** The overrides that keep the user's earlier edits and set `column` to `kind`. */
function edit(schema: DataSchema, column: string, kind: ColumnKind): SchemaOverrides {
  const kinds: Record<string, ColumnKind> = {};
  let labelColumn: string | undefined;
  schema.columns.forEach((c, i) => {
    if (schema.notes?.[i]?.why !== SET_BY_YOU) return;
    if (c.kind === 'label') labelColumn = c.name;
    else kinds[c.name] = c.kind;
  });
  if (kind === 'label') {
    labelColumn = column;
    delete kinds[column];
  } else kinds[column] = kind;
  return { ...(labelColumn !== undefined ? { labelColumn } : {}), kinds };
}

export function SchemaTable({
  schema,
  fileName,
  busy,
  onChange,
}: {
  schema: DataSchema;
  fileName: string;
  busy: boolean;
  onChange: (overrides: SchemaOverrides) => void;
}) {
  const edited = schema.notes?.some((n) => n.why === SET_BY_YOU) ?? false;
  return (
    <details className="schema" open data-testid="schema-table">
      <summary>
        Columns of {fileName}: {describeSchema(schema)}
      </summary>
      <p className="muted small">
        Kinds from the first {formatInt(schema.sampleRows ?? 0)} rows. Integer codes are categories, a distinct value
        per row (an identifier) and constant columns are left out, time stamps give hour of day and day of week where
        the click rate varies with them. Change a kind to train with it.
      </p>
      <div className="layer-table-wrap">
        <table className="layer-table">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                Distinct
              </th>
              <th scope="col" className="num">
                Missing
              </th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {schema.columns.slice(0, SHOWN_COLUMNS).map((c, i) => (
              <SchemaRow
                key={c.name}
                column={c}
                note={schema.notes?.[i]}
                busy={busy}
                onKind={(k) => onChange(edit(schema, c.name, k))}
              />
            ))}
            {schema.columns.length > SHOWN_COLUMNS && (
              <tr data-testid="schema-more">
                <td colSpan={5} className="muted">
                  … and {formatInt(schema.columns.length - SHOWN_COLUMNS)} more columns, not shown; save the schema to
                  see or edit them all, then train with <code>ctr-studio train --schema</code>.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        <button
          type="button"
          onClick={() => download('schema.json', schemaToJson(schema), 'application/json')}
          data-testid="schema-save"
        >
          Save schema
        </button>
        {edited && (
          <button type="button" disabled={busy} onClick={() => onChange({})} data-testid="schema-reset">
            Back to detected kinds
          </button>
        )}
      </div>
    </details>
  );
}
