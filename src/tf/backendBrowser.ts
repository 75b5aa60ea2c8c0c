/**
 * Backend choice in the browser (worker or main thread): WebGPU on a real GPU adapter first, then wasm,
 * webgl, cpu. A software (fallback) WebGPU adapter, such as SwiftShader in headless Chromium, is ~45x slower
 * than wasm, so it is only used when asked for by name.
 */
import { tf } from './tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendName } from './backend';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

export const BACKEND_ORDER: BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/** What the browser offers: which backends can start, and whether WebGPU is a real GPU. */
export interface BackendProbe {
  webgpu: 'gpu' | 'fallback' | 'none';
  adapterName?: string;
}

/** Asks for a WebGPU adapter ourselves: tfjs crashes when requestAdapter() returns null (#8065). */
export async function probeWebGpu(): Promise<BackendProbe> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return { webgpu: 'none' };
  try {
    const adapter = (await gpu.requestAdapter()) as {
      isFallbackAdapter?: boolean;
      info?: { isFallbackAdapter?: boolean; architecture?: string; vendor?: string; description?: string };
    } | null;
    if (!adapter) return { webgpu: 'none' };
    const info = adapter.info ?? {};
    const fallback =
      Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || info.architecture === 'swiftshader';
    return {
      webgpu: fallback ? 'fallback' : 'gpu',
      adapterName: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || undefined,
    };
  } catch {
    return { webgpu: 'none' };
  }
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    if (name === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false); // run everything on the GPU (pitfalls #2)
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Starts the requested backend, or with 'auto' the best available one (a fallback WebGPU adapter is
 * skipped). Returns the backend that runs and the probe; falls back down BACKEND_ORDER if one fails.
 */
export async function startBrowserBackend(
  requested: BackendName | 'auto',
): Promise<{ backend: BackendName; probe: BackendProbe }> {
  const probe = await probeWebGpu();
  const order =
    requested === 'auto'
      ? BACKEND_ORDER.filter((b) => b !== 'webgpu' || probe.webgpu === 'gpu')
      : [requested, ...BACKEND_ORDER.filter((b) => b !== requested)];
  for (const name of order) {
    if (name === 'webgpu' && probe.webgpu === 'none') continue;
    if (await tryBackend(name)) return { backend: name, probe };
  }
  throw new Error('No tfjs backend could start in this browser.');
}

/** The largest single buffer the running WebGPU device can bind (128 MiB by default), or null off WebGPU. */
export function webGpuBufferLimit(): number | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number } } }).device;
  return device?.limits?.maxStorageBufferBindingSize ?? 128 * 1024 * 1024;
}

/**
 * Before a model with a weight of `largestBytes` is loaded: on WebGPU, a weight beyond the device's buffer
 * limit cannot be bound, so the work moves to WebAssembly; returns the sentence that says
 * so, or null when nothing changed.
 */
export async function fitBackendToModel(largestBytes: number, largestName: string): Promise<string | null> {
  const limit = webGpuBufferLimit();
  if (limit === null || largestBytes <= limit) return null;
  await tf.setBackend('wasm');
  await tf.ready();
  const mb = (x: number) => `${Math.round(x / (1024 * 1024))} MB`;
  return (
    `The weight ${largestName} (${mb(largestBytes)}) is larger than this GPU's buffer ` +
    `limit (${mb(limit)}), so the studio switched to WebAssembly for this model.`
  );
}
