/**
 * onnxruntime-web in the studio's worker: the wasm build, its .wasm served from the page's own origin (the
 * Content-Security-Policy allows nothing else), one thread (the page is not cross-origin isolated); the
 * WebGPU build instead where a real GPU adapter exists. Loaded on first use: models that are not ONNX never
 * pay for it.
 */
import asyncifyWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { OnnxModel, type OrtModule } from './runnable';

let loaded: Promise<{ ort: OrtModule; providers: string[] }> | null = null;

async function loadOrt(gpu: boolean): Promise<{ ort: OrtModule; providers: string[] }> {
  if (gpu) {
    const ort = (await import('onnxruntime-web/webgpu')) as unknown as OrtModule;
    ort.env.wasm.wasmPaths = { wasm: asyncifyWasmUrl };
    ort.env.wasm.numThreads = 1;
    return { ort, providers: ['webgpu', 'wasm'] };
  }
  const ort = (await import('onnxruntime-web/wasm')) as unknown as OrtModule;
  ort.env.wasm.wasmPaths = { wasm: wasmUrl };
  ort.env.wasm.numThreads = 1;
  return { ort, providers: ['wasm'] };
}

/** Loads ONNX bytes in the browser; `gpu` picks the WebGPU execution provider (a real adapter only). */
export async function loadOnnxBrowser(bytes: Uint8Array, name: string, gpu: boolean): Promise<OnnxModel> {
  loaded ??= loadOrt(gpu);
  const { ort, providers } = await loaded;
  return OnnxModel.load(ort, bytes, name, { executionProviders: providers });
}
