import { beforeAll, describe, expect, it } from 'vitest';
import { customLayers, tf } from '../../../src/tf/tfjs';
import { FM_CLASS_NAME } from '../../../src/tf/layers/fm';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Brute force: sum over field pairs f < g of <v_f, v_g>. */
function pairwiseSum(x: number[][][]): number[] {
  return x.map((fields) => {
    let s = 0;
    for (let f = 0; f < fields.length; f++)
      for (let g = f + 1; g < fields.length; g++) s += fields[f].reduce((a, v, k) => a + v * fields[g][k], 0);
    return s;
  });
}

describe('FMInteraction', () => {
  it('equals the sum of pairwise dot products between fields', async () => {
    const x = tf.randomNormal([5, 7, 3], 0, 1, 'float32', 3);
    const layer = new customLayers.FMInteraction({ name: 'fm' });
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([5, 1]);
    const got = Array.from(await y.data());
    const want = pairwiseSum((await x.array()) as number[][][]);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    tf.dispose([x, y]);
  });

  it('round-trips through getConfig / fromConfig under its stable name', async () => {
    const layer = new customLayers.FMInteraction({ name: 'fm_rt', trainable: false });
    const config = layer.getConfig();
    // Look the class up by its registered name, as tfjs does when it loads a model.json.
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[FM_CLASS_NAME];
    expect(cls).toBe(customLayers.FMInteraction);
    const restored = fromConfig(cls, config) as InstanceType<typeof customLayers.FMInteraction>;
    expect(restored.getClassName()).toBe(FM_CLASS_NAME);
    expect(restored.getConfig()).toEqual(config);
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5);
    const a = await (layer.apply(x) as tf.Tensor).data();
    const b = await (restored.apply(x) as tf.Tensor).data();
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});
