/**
 * Automatic ranks: a parameter budget in, a rank per layer out (greedy by explained variance per parameter, checked
 * on validation rows).
 */
import { memo, useState } from 'react';
import type { AutoRankInfo } from '../engine/protocol';
import { formatAuc, formatInt } from './format';

export const AutoRankPanel = memo(function AutoRankPanel({
  originalParams,
  auto,
  busy,
  onAuto,
}: {
  originalParams: number;
  auto: AutoRankInfo | null;
  busy: boolean;
  onAuto: (budget: number) => void;
}) {
  const [fraction, setFraction] = useState(0.33);
  const budget = Math.floor(fraction * originalParams);
  return (
    <section className="card auto-panel" data-testid="auto-panel">
      <h2>Automatic ranks</h2>
      <div className="button-row">
        <label>
          budget{' '}
          <input
            type="range"
            min={0.05}
            max={0.9}
            step={0.01}
            value={fraction}
            onChange={(e) => setFraction(Number(e.target.value))}
            data-testid="budget"
            aria-label="Parameter budget"
          />
          <output>
            {Math.round(fraction * 100)}% = {formatInt(budget)} parameters
          </output>
        </label>
        <button type="button" disabled={busy} onClick={() => onAuto(budget)} data-testid="auto-ranks">
          Choose ranks
        </button>
      </div>
      <p className="muted small">
        Greedy per layer by explained variance per parameter, compared on validation rows with uniform ranks of the same
        budget; the budget is never exceeded.
      </p>
      {auto && (
        <table className="mini" data-testid="auto-result">
          <thead>
            <tr>
              <th>candidate</th>
              <th className="num">parameters</th>
              <th className="num">validation AUC</th>
            </tr>
          </thead>
          <tbody>
            {auto.candidates.map((c) => (
              <tr key={c.label} className={c.label === auto.chosen ? 'selected' : ''}>
                <td>
                  {c.label}
                  {c.label === auto.chosen ? ' (chosen)' : ''}
                </td>
                <td className="num">{formatInt(c.params)}</td>
                <td className="num">{formatAuc(c.validAuc)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
});
