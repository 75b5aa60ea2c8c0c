/** ONNX model files (.onnx), as torch.onnx.export writes them. */
import { importOnnx } from '../../core/onnx/import';
import type { ModelFormat } from '../shared/types';

export const onnxFormat: ModelFormat = {
  id: 'onnx',
  describe: 'an ONNX .onnx file',
  claim: (files) => {
    const own = files.filter((f) => /\.onnx$/i.test(f.name));
    return own.length > 0 ? own : null;
  },
  async open([file]) {
    return { kind: 'layers', format: 'onnx', name: file.name, artifacts: importOnnx(await file.bytes(), file.name) };
  },
};
