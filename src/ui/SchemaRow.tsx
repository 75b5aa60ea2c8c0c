/** One column of the schema table: its name, its kind (a choice), what the sample showed of it, and why. */
import type { ColumnKind, DataSchema } from '../engine/protocol';
import { formatInt } from './format';
import { NOTE_CHARS, nameId, ShownName, shortName } from './ShownName';

const KINDS: ColumnKind[] = ['label', 'categorical', 'numeric', 'time', 'ignore'];

export function SchemaRow({
  column,
  note,
  busy,
  onKind,
}: {
  column: DataSchema['columns'][number];
  note: NonNullable<DataSchema['notes']>[number] | undefined;
  busy: boolean;
  onKind: (kind: ColumnKind) => void;
}) {
  return (
    <tr data-testid={`schema-row-${nameId(column.name)}`}>
      <td>
        <ShownName name={column.name} />
      </td>
      <td>
        <select
          value={column.kind}
          disabled={busy}
          aria-label={`Kind of column ${column.name}`}
          onChange={(e) => onKind(e.target.value as ColumnKind)}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {k === 'time' && column.time ? `time (${column.time})` : k}
            </option>
          ))}
        </select>
      </td>
      <td className="num">{note ? formatInt(note.distinct) : ''}</td>
      <td className="num">{note ? `${(100 * note.missing).toFixed(1)}%` : ''}</td>
      <td className="note">{note?.why && shortName(note.why, NOTE_CHARS)}</td>
    </tr>
  );
}
