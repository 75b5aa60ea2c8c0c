/**
 * Writing a tfjs layers-model as the files a user keeps: model.json with one weight file (optionally
 * quantized to float16 or 8-bit), and the same model as ONNX where every layer maps to ONNX operators (with the
 * quantized weights as tfjs decodes them, in float32).
 */
import { describeError } from '../../core/errors';
import { artifactsToFiles, type ModelArtifacts } from '../../core/layers/artifacts';
import { quantizeArtifacts } from '../../core/layers/quantize';
import { exportOnnx } from '../../core/onnx/export';
import type { OutputFile, WrittenModel } from '../shared/types';

export interface LayersWriteOptions {
  quantize?: 'float16' | 'uint8';
  /** Also write model.onnx (when the layers map to ONNX; otherwise `alsoError` says why not). */
  onnx?: boolean;
}

const encoder = new TextEncoder();

export function writeLayersModel(
  artifacts: ModelArtifacts,
  userDefinedMetadata: Record<string, unknown> | undefined,
  opts: LayersWriteOptions = {},
): WrittenModel {
  const quantized = opts.quantize ? quantizeArtifacts(artifacts, opts.quantize) : null;
  const stored = { ...(quantized?.artifacts ?? artifacts), userDefinedMetadata };
  const f = artifactsToFiles(stored);
  const files: OutputFile[] = [
    { name: 'model.json', data: encoder.encode(f.modelJson), type: 'application/json' },
    { name: f.weightsName, data: new Uint8Array(f.weights), type: 'application/octet-stream' },
  ];
  let alsoError: string | undefined;
  if (opts.onnx) {
    try {
      // The ONNX copy holds the weights the tfjs files hold: quantized ones decoded to float32 exactly as tfjs
      // loads them, so both files compute the same scores (ONNX has no affine 8-bit weight tfjs decodes alike).
      const bytes = exportOnnx(stored);
      files.push({ name: 'model.onnx', data: bytes, type: 'application/octet-stream' });
    } catch (e) {
      alsoError = describeError(e).message;
    }
  }
  return {
    files,
    weightBytes: f.weights.byteLength,
    float32Bytes: quantized?.float32Bytes ?? f.weights.byteLength,
    maxWeightError: quantized?.maxAbsError ?? 0,
    ...(alsoError ? { alsoError } : {}),
  };
}
