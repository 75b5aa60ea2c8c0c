/**
 * GatherV2 on the wasm backend for the case every embedding lookup is: whole rows of a table (axis 0, no batch
 * dimensions). tfjs 4.22's wasm kernel checks each index through a closure and a message callback, then copies
 * the rows one value at a time with strided index arithmetic, about 1 ms per lookup of 2048 ids into a 16-wide
 * table; a model with 52 tables spent a third of its forward pass there. Here each row is one memmove inside the
 * wasm heap. The same indices are refused with the same message (an id outside the table is an error, never a
 * read past it); other gathers (another axis, batch dimensions) go to the original kernel.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfoLike, WasmBackendLike } from './kernelTypes';

const wrapped = new WeakSet<object>();

/** Rows `ids` of the table `x` ([rows, ...]) as a new tensor [...ids.shape, ...]; throws on an id outside x. */
function gatherRows(x: TensorInfoLike, indices: TensorInfoLike, backend: WasmBackendLike): TensorInfoLike {
  const rows = x.shape[0];
  const ids = backend.typedArrayFromHeap(indices);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < rows)) throw new Error(`GatherV2: the index value ${id} is not in [0, ${rows - 1}]`);
  }
  const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
  // Allocate first: growing the heap detaches views taken earlier.
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  const outView = backend.typedArrayFromHeap(out);
  const xView = backend.typedArrayFromHeap(x);
  const idView = backend.typedArrayFromHeap(indices);
  if (inner === 1) {
    for (let i = 0; i < idView.length; i++) outView[i] = xView[idView[i]];
    return out;
  }
  // One view of the whole heap: copyWithin moves a row without allocating.
  const heap = new (xView.constructor as Float32ArrayConstructor)(xView.buffer);
  const size = xView.BYTES_PER_ELEMENT;
  const src = xView.byteOffset / size;
  const dst = outView.byteOffset / size;
  for (let i = 0; i < idView.length; i++) {
    const from = src + idView[i] * inner;
    heap.copyWithin(dst + i * inner, from, from + inner);
  }
  return out;
}

/** Replaces the wasm GatherV2 kernel by one with a fast path for row lookups; idempotent. */
export function registerWasmGatherRows(tf: typeof tfType): void {
  const base = tf.getKernel('GatherV2', 'wasm');
  if (!base || wrapped.has(base)) return;
  const baseFunc = base.kernelFunc as unknown as KernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { x, indices } = args.inputs;
    const { axis, batchDims } = args.attrs as { axis?: number | number[]; batchDims?: number };
    const axis0 = (Array.isArray(axis) ? axis[0] : (axis ?? 0)) === 0;
    const rowLookup =
      axis0 && !batchDims && indices.dtype === 'int32' && (x.dtype === 'float32' || x.dtype === 'int32');
    if (!rowLookup || x.shape.length === 0) return baseFunc(args);
    return gatherRows(x, indices, args.backend as WasmBackendLike);
  };
  const config = { ...base, kernelFunc: kernelFunc as unknown as tfType.KernelFunc };
  wrapped.add(config);
  tf.unregisterKernel('GatherV2', 'wasm');
  tf.registerKernel(config);
}

/** Whether the wasm backend's GatherV2 is this module's (tests check the fast path is the one measured). */
export function hasWasmGatherRows(tf: typeof tfType): boolean {
  const k = tf.getKernel('GatherV2', 'wasm');
  return k !== undefined && wrapped.has(k);
}
