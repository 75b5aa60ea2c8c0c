/**
 * ONNX model files (.onnx), as torch.onnx.export writes them: opened as they are (onnxruntime runs the graph,
 * the engine factors its MatMul/Gemm weights and Gather tables in place).
 */
import type { ModelFormat } from '../shared/types';

export const onnxFormat: ModelFormat = {
  id: 'onnx',
  describe: 'an ONNX .onnx file',
  claim: (files) => {
    const own = files.filter((f) => /\.onnx$/i.test(f.name));
    return own.length > 0 ? own : null;
  },
  async open([file]) {
    return { kind: 'onnx', format: 'onnx', name: file.name, bytes: await file.bytes() };
  },
};
