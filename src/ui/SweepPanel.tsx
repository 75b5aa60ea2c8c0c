/**
 * Rank sweeps and the charts: rank against AUC (with DeLong bands) and against parameters for AFM and SVD,
 * the AUC/parameters frontier, the selected layer's spectrum, and inference latency.
 */
import { useDeferredValue } from 'react';
import type { SweepRequest } from '../engine/protocol';
import { SweepCharts, type SweepChartsProps } from './SweepCharts';
import { SweepControls } from './SweepControls';

interface Props extends SweepChartsProps {
  /** Ids of the methods this model and its rows can use. */
  usable: string[];
  busy: boolean;
  onSweep: (r: SweepRequest) => void;
  onLatency: () => void;
}

/** The sweep panel: its settings and buttons, then its charts. */
export function SweepPanel({ usable, busy, onSweep, onLatency, ...chartProps }: Props) {
  // The charts redraw in a background render React can interrupt (a sweep point, a result, a slider step reach
  // them a moment later), so the sliders, the numbers and the buttons never wait for a chart. Latency, measured
  // once on request, is drawn at once.
  const shown = useDeferredValue(chartProps);
  return (
    <section className="sweep-panel">
      <SweepControls
        inventory={chartProps.inventory}
        plan={chartProps.plan}
        usable={usable}
        busy={busy}
        onSweep={onSweep}
        onLatency={onLatency}
      />
      <SweepCharts {...shown} latency={chartProps.latency} />
    </section>
  );
}
