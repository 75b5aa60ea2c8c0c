/**
 * An exported model once checked: the check, a download button for all its files as one .zip and one per file,
 * and how to load them again (here, with tfjs, or with ONNX Runtime).
 */
import type { ExportResult } from '../engine/protocol';
import { zipFiles } from '../formats/zip/zip';
import { download } from './download';
import { ExportCheck } from './ExportCheck';
import { formatInt } from './format';

interface Props {
  exported: ExportResult;
  /** File name stem of the downloads (the model's kind). */
  stem: string;
}

/** Downloads every file of the export as `<stem>-compressed.zip`. */
function downloadZip(exported: ExportResult, stem: string): void {
  download(
    `${stem}-compressed.zip`,
    zipFiles(exported.files.map((f) => ({ name: f.name, data: new Uint8Array(f.data) }))) as Uint8Array<ArrayBuffer>,
    'application/zip',
  );
}

/** What the ONNX copy beside a tfjs export holds: the same model, with quantized weights decoded to float32. */
function onnxCopyNote(exported: ExportResult): string {
  const q = exported.recipe.quantization;
  return (
    ' model.onnx is the same model for ONNX Runtime (ids as int64, as PyTorch feeds them)' +
    (q === 'none'
      ? '.'
      : `, with the ${q === 'uint8' ? '8-bit' : q} weights decoded to float32 as tfjs decodes them: the same ` +
        'scores, at the float32 size.')
  );
}

/** The result block of an export: its check, its downloads and a note on loading them. */
export function ExportFiles({ exported, stem }: Props) {
  // An ONNX model is exported as ONNX first (its tfjs copy, where it converts, comes after).
  const onnxModel = exported.files[0]?.name === 'model.onnx';
  return (
    <div className="export-result" data-testid="export-result">
      <ExportCheck exported={exported} />
      <div className="button-row">
        <button type="button" onClick={() => downloadZip(exported, stem)} data-testid="download-zip">
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
        {onnxModel
          ? 'model.onnx runs in ONNX Runtime with the same input and output names and shapes as the original.'
          : 'Keep model.json and its weights in one folder (the .zip holds them all); drop them, or the .zip, back ' +
            'here, or load model.json with tf.loadLayersModel.'}
        {!onnxModel && exported.files.some((f) => f.name === 'model.onnx') ? onnxCopyNote(exported) : ''}
        {onnxModel && exported.files.some((f) => f.name === 'model.json')
          ? ' model.json is the same model for tfjs.'
          : ''}
        {exported.otherFormatError ? ` No ${onnxModel ? 'tfjs copy' : 'ONNX file'}: ${exported.otherFormatError}` : ''}
      </p>
    </div>
  );
}
