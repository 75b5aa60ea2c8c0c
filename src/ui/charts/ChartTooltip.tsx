/** The HTML box every chart's custom tooltip renders into: a heading and label/value rows. */
import type { ReactNode } from 'react';

export interface TooltipRow {
  label: ReactNode;
  value: ReactNode;
  /** Swatch color (a method's color). */
  color?: string;
}

export function ChartTooltip({ heading, rows }: { heading: ReactNode; rows: TooltipRow[] }) {
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-heading">{heading}</div>
      <table>
        <tbody>
          {rows.map((r, i) => (
            // Rows are a fixed list for this tooltip: their order is their identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: static rows
            <tr key={i}>
              <th scope="row">
                {r.color && <span className="chart-swatch" style={{ background: r.color }} />}
                {r.label}
              </th>
              <td>{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
