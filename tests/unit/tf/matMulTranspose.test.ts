/**
 * Products with transposed operands on the wasm backend (done as an explicit Transpose, then the fast product)
 * equal tfjs' reference kernels, and so do a Dense layer's gradients, which are such products.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { createRng } from '../../../src/core/random';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const values = (n: number, seed: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng() - 0.5);
};

/** Runs f on the cpu backend (the reference) and on wasm; both results as plain arrays. */
async function both(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const run = async () => {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const arrays = await Promise.all(list.map(async (t) => Array.from(await t.data())));
    tf.dispose(list);
    return arrays;
  };
  await tf.setBackend('cpu');
  const cpu = await run();
  await tf.setBackend('wasm');
  return { cpu, wasm: await run() };
}

const close = (a: number[][], b: number[][]) => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => {
    expect(x.length).toBe(b[i].length);
    x.forEach((v, j) => expect(v).toBeCloseTo(b[i][j], 4));
  });
};

describe('matMul with transposed operands on wasm', () => {
  for (const [ta, tb] of [
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`matches the reference: transposeA ${ta}, transposeB ${tb}, 2-D and batched`, async () => {
      const [m, k, n] = [13, 9, 7];
      const a2 = values(m * k, 1);
      const b2 = values(k * n, 2);
      const shapeA = ta ? [k, m] : [m, k];
      const shapeB = tb ? [n, k] : [k, n];
      const { cpu, wasm } = await both(() => [
        tf.matMul(tf.tensor2d(a2, shapeA as [number, number]), tf.tensor2d(b2, shapeB as [number, number]), ta, tb),
        tf.matMul(
          tf.tensor3d(values(3 * m * k, 3), [3, ...shapeA] as [number, number, number]),
          tf.tensor3d(values(3 * k * n, 4), [3, ...shapeB] as [number, number, number]),
          ta,
          tb,
        ),
        tf.fused.matMul({
          a: tf.tensor2d(a2, shapeA as [number, number]),
          b: tf.tensor2d(b2, shapeB as [number, number]),
          transposeA: ta,
          transposeB: tb,
          bias: tf.tensor1d(values(n, 5)),
          activation: 'relu',
        }),
      ]);
      close(wasm, cpu);
    });
  }

  it("gives a Dense tower's loss gradients as the reference does", async () => {
    const x = values(32 * 10, 6);
    const y = Array.from({ length: 32 }, (_, i) => i % 2);
    const grads = () => {
      const w1 = tf.variable(tf.tensor2d(values(10 * 8, 7), [10, 8]));
      const b1 = tf.variable(tf.tensor1d(values(8, 8)));
      const w2 = tf.variable(tf.tensor2d(values(8, 9), [8, 1]));
      const { grads: g } = tf.variableGrads(() => {
        const h = tf.relu(tf.add(tf.matMul(tf.tensor2d(x, [32, 10]), w1), b1));
        const logits = tf.matMul(h, w2);
        return tf.losses.sigmoidCrossEntropy(tf.tensor2d(y, [32, 1]), logits) as tf.Scalar;
      }, [w1, b1, w2]);
      const out = [g[w1.name], g[b1.name], g[w2.name]];
      tf.dispose([w1, b1, w2]);
      return out;
    };
    const { cpu, wasm } = await both(grads);
    close(wasm, cpu);
  });
});
