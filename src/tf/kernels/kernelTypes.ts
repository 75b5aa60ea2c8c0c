/**
 * The little of tfjs' kernel interface the project's own wasm kernels use (tfjs does not export the wasm
 * backend's types): tensors as the backend sees them, and the backend's heap access.
 */

export interface TensorInfoLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfoLike;
  typedArrayFromHeap(t: TensorInfoLike): Float32Array | Int32Array;
  disposeData(dataId: object): boolean;
}

export type KernelArgs = { inputs: Record<string, TensorInfoLike>; backend: unknown; attrs: Record<string, unknown> };
export type KernelFunc = (args: KernelArgs) => TensorInfoLike;
