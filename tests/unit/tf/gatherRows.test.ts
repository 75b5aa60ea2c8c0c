import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { createRng } from '../../../src/core/random';
import { hasWasmGatherRows } from '../../../src/tf/kernels/gatherRows';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** The same gather on the cpu backend (tfjs' reference kernels): the expected values. */
async function onCpu(table: number[], shape: number[], dtype: 'float32' | 'int32', ids: number[], idShape: number[]) {
  await tf.setBackend('cpu');
  const out = tf.gather(tf.tensor(table, shape, dtype), tf.tensor(ids, idShape, 'int32'));
  const result = { shape: out.shape, values: Array.from(await out.data()) };
  tf.dispose(out);
  await tf.setBackend('wasm');
  return result;
}

describe('row lookups (GatherV2 on axis 0) on the wasm backend', () => {
  it("is the kernel tfjs runs (importing the project's tfjs registers it)", () => {
    expect(hasWasmGatherRows(tf)).toBe(true);
  });

  const cases: [number[], number[], 'float32' | 'int32'][] = [
    [[40, 16], [2048], 'float32'],
    [[7, 1], [5, 3], 'float32'],
    [[9], [300], 'float32'],
    [[12, 3, 2], [4, 2], 'int32'],
  ];
  for (const [shape, idShape, dtype] of cases) {
    it(`match tfjs' reference kernel: table ${shape.join('×')}, ids ${idShape.join('×')}, ${dtype}`, async () => {
      const rng = createRng(shape[0]);
      const size = shape.reduce((a, b) => a * b, 1);
      const table = Array.from({ length: size }, () => (dtype === 'int32' ? Math.floor(rng() * 100) : rng() - 0.5));
      const n = idShape.reduce((a, b) => a * b, 1);
      const ids = Array.from({ length: n }, () => Math.floor(rng() * shape[0]));
      const expected = await onCpu(table, shape, dtype, ids, idShape);
      const out = tf.gather(tf.tensor(table, shape, dtype), tf.tensor(ids, idShape, 'int32'));
      expect(out.shape).toEqual(expected.shape);
      expect(out.dtype).toBe(dtype);
      expect(Array.from(await out.data())).toEqual(expected.values);
      out.dispose();
    });
  }

  it('refuses an id outside the table, as tfjs does, and leaks no tensor', () => {
    const table = tf.ones([10, 4]);
    const before = tf.memory().numTensors;
    for (const bad of [10, -1]) {
      const ids = tf.tensor1d([0, 3, bad], 'int32');
      expect(() => tf.gather(table, ids)).toThrow(`GatherV2: the index value ${bad} is not in [0, 9]`);
      ids.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    table.dispose();
  });

  it("keeps the other gathers (another axis) and the lookup's gradient", async () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(await tf.gather(x, tf.tensor1d([2, 0], 'int32'), 1).data())).toEqual([3, 1, 6, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor1d([1, 1, 0], 'int32')).sum())(x);
    expect(Array.from(await g.data())).toEqual([1, 1, 1, 2, 2, 2]);
  });
});
