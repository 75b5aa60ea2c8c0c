/**
 * Export: the compressed model as a standard tfjs layers-model (model.json + weights, the recipe in
 * userDefinedMetadata), offered only after the worker has loaded the files back and rescored them; and the
 * sweep report as JSON and CSV.
 */
import { useState } from 'react';
import type { ExportOptions, ExportResult, SweepPointInfo, BaselineInfo, ModelInfo } from '../engine/protocol';
import { sweepCsv } from '../core/compress/report';
import { STUDIO_VERSION } from '../core/version';
import { download } from './download';
import { zipFiles } from '../formats/zip/zip';
import { formatAuc, formatInt } from './format';

interface Props {
  model: ModelInfo;
  baseline: BaselineInfo | null;
  exported: ExportResult | null;
  points: SweepPointInfo[];
  busy: boolean;
  onExport: (options: ExportOptions) => void;
}

export function ExportPanel({ model, baseline, exported, points, busy, onExport }: Props) {
  const stem = (model.kind ?? 'model').replace(/[^a-z0-9_-]/gi, '_');
  const [quantize, setQuantize] = useState<'none' | 'float16' | 'uint8'>('none');
  const report = () =>
    JSON.stringify(
      { tool: 'CTR Studio', version: STUDIO_VERSION, model: model.name, original: baseline, points },
      null,
      2,
    );
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
          onClick={() => download(`${stem}-sweep.json`, report(), 'application/json')}
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
      {exported && (
        <div className="export-result" data-testid="export-result">
          <p className="small" data-testid="export-check">
            {Number.isNaN(exported.reloadedAuc) ? (
              <>
                Checked: loaded back, the same weights (data-free: no rows to score), {formatInt(exported.params)}{' '}
                parameters,
              </>
            ) : (
              <>
                Checked: loaded back and rescored, test AUC {formatAuc(exported.reloadedAuc)} (before export:{' '}
                {formatAuc(exported.auc)}), {formatInt(exported.params)} parameters,
              </>
            )}{' '}
            weights {formatInt(exported.weightBytes)} bytes
            {exported.weightBytes !== exported.float32Bytes
              ? ` instead of ${formatInt(exported.float32Bytes)} in float32 (largest weight ` +
                `change ${exported.maxWeightError.toExponential(2)})`
              : ''}
            .{exported.recipe.fineTune ? ' Fine-tuned weights.' : ''}
          </p>
          <div className="button-row">
            <button
              type="button"
              onClick={() =>
                download(
                  `${stem}-compressed.zip`,
                  zipFiles(
                    exported.files.map((f) => ({ name: f.name, data: new Uint8Array(f.data) })),
                  ) as Uint8Array<ArrayBuffer>,
                  'application/zip',
                )
              }
              data-testid="download-zip"
            >
              Download all (.zip)
            </button>
            {exported.files.map((f) => (
              <button
                key={f.name}
                type="button"
                onClick={() => download(f.name, f.data, f.type)}
                data-testid={`download-${f.name}`}
              >
                Download {f.name} ({formatInt(f.data.byteLength / 1024)} KB)
              </button>
            ))}
          </div>
          <p className="muted small">
            Keep model.json and its weights in one folder (the .zip holds them all); drop them, or the .zip, back here,
            or load model.json with tf.loadLayersModel.
            {exported.files.some((f) => f.name === 'model.onnx')
              ? ' model.onnx is the same model for ONNX Runtime (ids as int64, as PyTorch feeds them).'
              : ''}
            {exported.onnxError ? ` No ONNX file: ${exported.onnxError}` : ''}
          </p>
        </div>
      )}
    </section>
  );
}
