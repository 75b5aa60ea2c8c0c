/**
 * BatchMatMul and _FusedMatMul on the wasm backend with transposed operands done as an explicit Transpose first.
 * tfjs 4.22's wasm kernels hand a product to XNNPACK only when neither operand is transposed; with transposeA or
 * transposeB they fall back to a plain loop about ten times slower ([256, 442]·[442, 400]: 41 ms against 4 ms
 * for a transpose and the fast product). Every Dense layer's gradient is such a product (dx = dy·Wᵀ,
 * dW = xᵀ·dy), so training spent four fifths of its time there. The result is the same product; only the
 * order of the additions inside it may differ (float rounding).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfoLike, WasmBackendLike } from './kernelTypes';

const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
const wrapped = new WeakSet<object>();

/** Replaces the wasm product kernels by ones that transpose explicitly; idempotent. */
export function registerWasmMatMulTranspose(tf: typeof tfType): void {
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!transposeKernel) return;
  const transpose = transposeKernel.kernelFunc as unknown as KernelFunc;
  for (const name of KERNELS) {
    const base = tf.getKernel(name, 'wasm');
    if (!base || wrapped.has(base)) continue;
    const baseFunc = base.kernelFunc as unknown as KernelFunc;
    const kernelFunc: KernelFunc = (args) => {
      const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
      if (!transposeA && !transposeB) return baseFunc(args);
      const temps: TensorInfoLike[] = [];
      const flip = (x: TensorInfoLike): TensorInfoLike => {
        const r = x.shape.length;
        const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
        const out = transpose({ inputs: { x }, backend: args.backend, attrs: { perm } });
        temps.push(out);
        return out;
      };
      const inputs = { ...args.inputs };
      if (transposeA) inputs.a = flip(inputs.a);
      if (transposeB) inputs.b = flip(inputs.b);
      try {
        return baseFunc({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      } finally {
        for (const t of temps) (args.backend as WasmBackendLike).disposeData(t.dataId);
      }
    };
    tf.unregisterKernel(name, 'wasm');
    const config = { ...base, kernelFunc } as unknown as tfType.KernelConfig;
    tf.registerKernel(config);
    wrapped.add(tf.getKernel(name, 'wasm') as object);
  }
}
