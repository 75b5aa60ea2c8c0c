/** The compression methods of the registry as one radio group; a method the model cannot use is disabled. */
import { memo } from 'react';
import { METHODS } from '../core/compress/methods';

export const MethodChoice = memo(function MethodChoice({
  method,
  unavailable,
  onChange,
}: {
  method: string;
  /** Methods this model and its rows cannot use, with the reason (shown as the title). */
  unavailable: Record<string, string>;
  onChange: (id: string) => void;
}) {
  return (
    <div className="method" role="radiogroup" aria-label="Method">
      {METHODS.map((m) => (
        <label
          key={m.id}
          title={unavailable[m.id] ?? m.summary}
          className={`${method === m.id ? 'selected' : ''}${unavailable[m.id] ? ' disabled' : ''}`}
        >
          <input
            type="radio"
            name="method"
            value={m.id}
            checked={method === m.id}
            disabled={Boolean(unavailable[m.id])}
            onChange={() => onChange(m.id)}
            data-testid={`method-${m.id}`}
          />
          {m.label}
        </label>
      ))}
    </div>
  );
});
