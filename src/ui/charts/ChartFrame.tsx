/**
 * The wrapper every chart shares: a titled block (legend on the title row) with a test id, or a muted message when
 * empty.
 */
import type { ReactNode } from 'react';
import { ChartLegend, type LegendItem } from './ChartLegend';
import './charts.css';

export interface ChartFrameProps {
  testId: string;
  title: ReactNode;
  /** When set, shown instead of the plot (no data yet). */
  emptyMessage?: string | null;
  /** Legend entries; the legend is shown only when there is more than one. */
  legend?: LegendItem[];
  /** Small text under the plot. */
  caption?: ReactNode;
  children?: ReactNode;
}

export function ChartFrame({ testId, title, emptyMessage, legend, caption, children }: ChartFrameProps) {
  return (
    <figure className="chart" data-testid={testId} data-empty={emptyMessage ? 'true' : undefined}>
      <div className="chart-head">
        <h3 className="chart-title">{title}</h3>
        {!emptyMessage && legend && legend.length > 1 && <ChartLegend items={legend} />}
      </div>
      {emptyMessage ? <p className="chart-empty">{emptyMessage}</p> : <div className="chart-plot">{children}</div>}
      {caption && !emptyMessage && <figcaption className="chart-caption">{caption}</figcaption>}
    </figure>
  );
}
