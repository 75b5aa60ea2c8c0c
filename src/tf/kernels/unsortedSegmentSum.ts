/**
 * UnsortedSegmentSum for the wasm backend, which lacks it in tfjs 4.22. It is the gradient of every
 * embedding lookup (GatherV2), so without it nothing with an Embedding layer trains on wasm. Written in JS
 * over the wasm heap: one pass over the rows, adding each into its segment.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { TensorInfoLike as WasmTensorInfo, WasmBackendLike } from './kernelTypes';

export function registerWasmUnsortedSegmentSum(tf: typeof tfType): void {
  const exists = tf.getKernel('UnsortedSegmentSum', 'wasm');
  if (exists) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as unknown as { x: WasmTensorInfo; segmentIds: WasmTensorInfo };
      const { numSegments } = attrs as unknown as { numSegments: number };
      const wasm = backend as unknown as WasmBackendLike;
      const rows = x.shape[0];
      const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
      // Allocate first: growing the heap would detach views taken earlier.
      const out = wasm.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
      const outVals = wasm.typedArrayFromHeap(out);
      const xVals = wasm.typedArrayFromHeap(x);
      const ids = wasm.typedArrayFromHeap(segmentIds);
      outVals.fill(0);
      for (let r = 0; r < rows; r++) {
        const seg = ids[r];
        if (seg < 0 || seg >= numSegments) continue; // TF semantics: out-of-range ids are dropped
        const src = r * inner;
        const dst = seg * inner;
        for (let k = 0; k < inner; k++) outVals[dst + k] += xVals[src + k];
      }
      return out as unknown as tfType.TensorInfo;
    },
  });
}
