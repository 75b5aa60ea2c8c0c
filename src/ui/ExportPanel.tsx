/**
 * Export: the compressed model as a standard tfjs layers-model (model.json + weights, the recipe in
 * userDefinedMetadata), offered only after the worker has loaded the files back and rescored them; and the
 * sweep report as JSON and CSV.
 */
import { memo, useState } from 'react';
import type { ExportOptions, ExportResult, SweepPointInfo, BaselineInfo, ModelInfo } from '../engine/protocol';
import { sweepCsv } from '../core/compress/report';
import { STUDIO_VERSION } from '../core/version';
import { download } from './download';
import { ExportFiles } from './ExportFiles';

interface Props {
  model: ModelInfo;
  baseline: BaselineInfo | null;
  exported: ExportResult | null;
  points: SweepPointInfo[];
  busy: boolean;
  onExport: (options: ExportOptions) => void;
}

/** The sweep report as JSON: the tool, the model, the original's scores and every sweep point. */
function sweepReportJson(model: ModelInfo, baseline: BaselineInfo | null, points: SweepPointInfo[]): string {
  return JSON.stringify(
    { tool: 'CTR Studio', version: STUDIO_VERSION, model: model.name, original: baseline, points },
    null,
    2,
  );
}

/** The export panel: weight format, export and sweep-report buttons, then the checked export's downloads. */
export const ExportPanel = memo(function ExportPanel({ model, baseline, exported, points, busy, onExport }: Props) {
  const stem = (model.kind ?? 'model').replace(/[^a-z0-9_-]/gi, '_');
  const [quantize, setQuantize] = useState<'none' | 'float16' | 'uint8'>('none');
  return (
    <section className="card export-panel">
      <h2>Export</h2>
      <div className="button-row">
        <label>
          weights{' '}
          <select
            value={quantize}
            onChange={(e) => setQuantize(e.target.value as typeof quantize)}
            data-testid="quantize"
            aria-label="Weight format"
          >
            <option value="none">float32</option>
            <option value="float16">float16 (half the size)</option>
            <option value="uint8">8-bit affine (a quarter)</option>
          </select>
        </label>
        <button
          type="button"
          disabled={busy}
          onClick={() => onExport(quantize === 'none' ? {} : { quantize })}
          data-testid="export"
        >
          Export compressed model
        </button>
        <button
          type="button"
          disabled={points.length === 0}
          onClick={() => download(`${stem}-sweep.json`, sweepReportJson(model, baseline, points), 'application/json')}
          data-testid="export-sweep-json"
        >
          Sweep report (JSON)
        </button>
        <button
          type="button"
          disabled={points.length === 0}
          onClick={() => download(`${stem}-sweep.csv`, sweepCsv(points), 'text/csv')}
          data-testid="export-sweep-csv"
        >
          Sweep report (CSV)
        </button>
      </div>
      {exported && <ExportFiles exported={exported} stem={stem} />}
    </section>
  );
});
