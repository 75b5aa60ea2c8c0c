/**
 * Hostile sizes and non-finite values in model files, all generated here: an ONNX table of 300,000 values in
 * float_data (spread as call arguments it once overflowed the stack), a 100,000-node chain, subgraphs nested
 * 20,000 deep, a model.json nested 200,000 deep, and infinities in ONNX initializers (raw_data and float_data)
 * and in uint8 / uint16 weights whose scale and min overflow float32. Every refusal is one typed sentence, never
 * "Maximum call stack size exceeded" or an internal error.
 */
import { describe, expect, it, vi } from 'vitest';
import { importOnnx } from '../../../src/core/onnx/import';
import { GraphBuilder } from '../../../src/core/onnx/builder';
import { DT, encodeModel, type TensorProto } from '../../../src/core/onnx/onnx';
import { OnnxGraph } from '../../../src/core/onnx/native/graph';
import { findUnits } from '../../../src/core/onnx/native/units';
import { checkFinite, parseModelJson, type WeightSpec } from '../../../src/core/layers/artifacts';
import { LIMITS } from '../../../src/core/limits';
import { errorOf } from '../../helpers/errors';
import { nestedSubgraphs } from '../../fixtures/corpus/generated';

const META = { opset: 13, irVersion: 8, producerName: 'pytorch', producerVersion: '2.5.0' };

/** One embedding lookup: ids [batch, 1] → Gather on a [vocab, dim] table; `store` rewrites the table tensor. */
function gatherModel(vocab: number, dim: number, store: (t: TensorProto, values: Float32Array) => void): Uint8Array {
  const g = new GraphBuilder();
  const ids = g.input('ids', DT.INT64, ['batch', 1]);
  const values = Float32Array.from({ length: vocab * dim }, (_, i) => Math.sin(i) * 0.1);
  const table = g.floats('emb.weight', [vocab, dim], values);
  store(g.initializers[0], values);
  const [out] = g.node('Gather', [table, ids], [], { outputs: ['y'] });
  g.output(out, DT.FLOAT);
  return encodeModel(g.model(META));
}

const asFloatData = (t: TensorProto, values: ArrayLike<number>) => {
  t.rawData = undefined;
  t.floatData = Array.from(values);
};

const oneSentence = (message: string) => {
  expect(message).toMatch(/^\S.*[.]$/);
  expect(message).not.toMatch(/\n|Maximum call stack/);
};

describe('ONNX tables in float_data', () => {
  it('imports a 300,000-value table in float_data exactly like the same table in raw_data', () => {
    const raw = importOnnx(
      gatherModel(30_000, 10, () => {}),
      'raw.onnx',
    );
    const listed = importOnnx(gatherModel(30_000, 10, asFloatData), 'listed.onnx');
    expect(listed.weightSpecs).toEqual(raw.weightSpecs);
    expect(new Uint8Array(listed.weightData)).toEqual(new Uint8Array(raw.weightData));
    // The native path reads it too, and finds the table.
    const units = findUnits(OnnxGraph.read(gatherModel(30_000, 10, asFloatData), 'listed.onnx')).units;
    expect(units.map((u) => u.kind)).toEqual(['embedding']);
  });
});

describe('non-finite ONNX initializers', () => {
  const cases: [string, (t: TensorProto, v: Float32Array) => void][] = [
    ['raw_data', (t) => new DataView(t.rawData!.buffer, t.rawData!.byteOffset).setFloat32(4 * 7, Infinity, true)],
    [
      'float_data',
      (t, v) =>
        asFloatData(
          t,
          v.map((x, i) => (i === 7 ? Infinity : x)),
        ),
    ],
  ];
  it.each(cases)('refuses an infinity in %s on both paths, naming the weight and the file', (_, store) => {
    const bytes = gatherModel(4, 3, store);
    for (const read of [() => importOnnx(bytes, 'bad.onnx'), () => OnnxGraph.read(bytes, 'bad.onnx')]) {
      const e = errorOf(read);
      expect(e.code).toBe('MODEL_WEIGHTS_NOT_FINITE');
      expect(e.message).toMatch(/^The weight emb\.weight in bad\.onnx holds an infinity \(value 8 of 12\)/);
      oneSentence(e.message);
    }
  });
});

describe('uint8 / uint16 weights that dequantize past float32', () => {
  const spec = (dtype: 'uint8' | 'uint16', scale: number, min: number): WeightSpec[] => [
    { name: 'dense/kernel', shape: [4], dtype: 'float32', quantization: { dtype, scale, min } },
  ];
  const bytes = (dtype: 'uint8' | 'uint16') =>
    (dtype === 'uint8' ? Uint8Array.of(0, 1, 2, 255) : Uint16Array.of(0, 1, 2, 65535)).buffer;

  it('accepts ordinary scales and refuses a scale or min that overflows', () => {
    expect(() => checkFinite(spec('uint8', 0.01, -1), bytes('uint8'))).not.toThrow();
    expect(() => checkFinite(spec('uint16', 1e-4, -3), bytes('uint16'))).not.toThrow();
    for (const [dtype, scale, min, at] of [
      ['uint8', 1e39, 0, 2],
      ['uint8', 1e38, 3e38, 2],
      ['uint16', 1e34, 0, 4],
    ] as const) {
      const e = errorOf(() => checkFinite(spec(dtype, scale, min), bytes(dtype), 'model.json'));
      expect(e.code).toBe('MODEL_WEIGHTS_NOT_FINITE');
      expect(e.message).toContain(`The weight dense/kernel in model.json dequantizes to an infinity (value ${at} of 4`);
      oneSentence(e.message);
    }
  });
});

describe('deep and long structures', () => {
  it('imports or refuses a 100,000-node chain with a typed sentence', () => {
    const g = new GraphBuilder();
    let x = g.input('x', DT.FLOAT, ['batch', 4]);
    const one = g.floats('one', [1], [1]);
    // Named nodes and outputs (the builder's automatic names search from _2 upwards: quadratic for a long chain).
    for (let i = 0; i < 100_000; i++)
      [x] = g.node(i % 2 ? 'Identity' : 'Add', i % 2 ? [x] : [x, one], [], { name: `n${i}`, outputs: [`t${i}`] });
    g.output(x, DT.FLOAT);
    const bytes = encodeModel(g.model(META));
    for (const read of [() => importOnnx(bytes, 'chain.onnx'), () => findUnits(OnnxGraph.read(bytes, 'chain.onnx'))]) {
      let result: unknown;
      try {
        result = read();
      } catch (e) {
        const err = errorOf(() => {
          throw e;
        });
        expect(err.code).not.toBe('INTERNAL');
        oneSentence(err.message);
        continue;
      }
      expect(result).toBeTruthy();
    }
  }, 120_000);

  it('refuses subgraphs nested 20,000 deep with one sentence naming the limit', () => {
    const model = nestedSubgraphs(20_000); // each level a graph with one If node whose then_branch is the next
    for (const read of [() => importOnnx(model, 'deep.onnx'), () => OnnxGraph.read(model, 'deep.onnx')]) {
      const e = errorOf(read);
      expect(e.code).toBe('MODEL_NOT_LAYERS');
      expect(e.message).toContain(
        `deep.onnx nests subgraphs more than ${LIMITS.onnxSubgraphDepth} deep, more than CTR Studio reads`,
      );
      oneSentence(e.message);
    }
  });

  it('refuses a model.json nested 200,000 deep as invalid JSON, in one sentence', () => {
    for (const text of [
      '['.repeat(200_000) + ']'.repeat(200_000),
      `{"modelTopology":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}`,
    ]) {
      const e = errorOf(() => parseModelJson(text, 'model.json'));
      expect(['MODEL_JSON_INVALID', 'MODEL_NOT_LAYERS']).toContain(e.code);
      oneSentence(e.message);
    }
    // Node's JSON.parse reads such text; an engine whose parser recurses throws instead, which is invalid JSON.
    for (const thrown of [new RangeError('Maximum call stack size exceeded'), new Error('too much recursion')]) {
      const spy = vi.spyOn(JSON, 'parse').mockImplementation(() => {
        throw thrown;
      });
      try {
        const e = errorOf(() => parseModelJson('[[[]]]', 'model.json'));
        expect(e.code).toBe('MODEL_JSON_INVALID');
        expect(e.message).toBe(
          'model.json is not valid JSON (it nests arrays or objects too deeply to read); export the model again ' +
            'with tfjs model.save or tensorflowjs_converter.',
        );
      } finally {
        spy.mockRestore();
      }
    }
  });
});
