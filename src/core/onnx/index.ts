/** ONNX import (torch.onnx.export → tfjs layers-model) and export (layers-model → ONNX), pure and dependency-free. */
export { importOnnx, SUPPORTED_ONNX_OPS } from './import';
export { exportOnnx, EXPORTABLE_LAYER_CLASSES, METADATA_KEY, type OnnxExportOptions } from './export';
export { decodeModel, encodeModel, type ModelProto, type GraphProto, type NodeProto, type TensorProto } from './onnx';
export { GraphBuilder } from './builder';
