/**
 * ONNX in and out for tfjs models: the pure converters of src/core/onnx plus this project's model I/O, so a
 * caller (CLI, worker) goes from .onnx bytes to a LayersModel and back in one call.
 */
import type { LayersModel } from '../tfjs';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../modelio';
import { importOnnx } from '../../core/onnx/import';
import { exportOnnx, type OnnxExportOptions } from '../../core/onnx/export';
import type { ModelArtifacts } from '../../core/layers/artifacts';

/** Converts ONNX bytes (torch.onnx.export) to a loaded LayersModel, with its artifacts (to save or compress). */
export async function loadOnnxModel(
  bytes: Uint8Array,
  fileName = 'model.onnx',
): Promise<{ model: LayersModel; artifacts: ModelArtifacts }> {
  const artifacts = importOnnx(bytes, fileName);
  return { model: await loadModelFromArtifacts(artifacts, fileName), artifacts };
}

/** A LayersModel as ONNX bytes (its userDefinedMetadata travels in the ONNX metadata_props). */
export async function saveModelToOnnx(
  model: LayersModel,
  opts: OnnxExportOptions & { userDefinedMetadata?: Record<string, unknown> } = {},
): Promise<Uint8Array> {
  return exportOnnx(await saveModelToArtifacts(model, opts.userDefinedMetadata), opts);
}
