/** onnxruntime-web in Node (its own Node build finds its wasm files): loads ONNX graphs run as they are. */
import * as ort from 'onnxruntime-web';
import { OnnxModel } from './runnable';

/** Loads ONNX bytes in onnxruntime-web's wasm backend. */
export function loadOnnxNode(bytes: Uint8Array, name: string): Promise<OnnxModel> {
  return OnnxModel.load(ort, bytes, name, { executionProviders: ['wasm'] });
}
