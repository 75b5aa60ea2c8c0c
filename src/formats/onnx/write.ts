/**
 * Writing an ONNX graph (run as it is, compressed or not) as the files a user keeps: model.onnx with CTR
 * Studio's metadata (encoding, recipe) in its metadata_props, and the same model as a tfjs layers-model
 * where every operator converts.
 */
import { describeError, StudioError } from '../../core/errors';
import { importOnnx } from '../../core/onnx/import';
import { decodeModel } from '../../core/onnx/onnx';
import { withMetadata } from '../../core/onnx/native/rewrite';
import type { OutputFile, WrittenModel } from '../shared/types';
import { writeLayersModel } from '../tfjs/write';

export interface OnnxWriteOptions {
  quantize?: 'float16' | 'uint8';
  /** Also write the tfjs layers-model (when every operator converts; otherwise `alsoError` says why not). */
  tfjs?: boolean;
}

/** Why the tfjs copy was not written: which operators have no tfjs layer (the ONNX model itself is complete). */
function copyRefusal(message: string): string {
  const ops = message.match(/ uses (.*), which CTR Studio cannot convert/)?.[1];
  return ops ? `its graph uses ${ops}, which have no tfjs layer; the ONNX model above is complete.` : message;
}

export function writeOnnxModel(
  bytes: Uint8Array,
  userDefinedMetadata: Record<string, unknown> | undefined,
  opts: OnnxWriteOptions = {},
): WrittenModel {
  if (opts.quantize) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      'Quantized weights are written for tfjs models only; export this ONNX model with float32 weights.',
    );
  }
  const data = withMetadata(decodeModel(bytes), userDefinedMetadata);
  const files: OutputFile[] = [{ name: 'model.onnx', data, type: 'application/octet-stream' }];
  let alsoError: string | undefined;
  if (opts.tfjs) {
    try {
      files.push(...writeLayersModel(importOnnx(data, 'model.onnx'), userDefinedMetadata).files);
    } catch (e) {
      alsoError = copyRefusal(describeError(e).message);
    }
  }
  const weightBytes = data.byteLength;
  return { files, weightBytes, float32Bytes: weightBytes, maxWeightError: 0, ...(alsoError ? { alsoError } : {}) };
}
