import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fieldBytes,
  fieldDoubles,
  fieldFixed32,
  fieldFixed64,
  fieldFloat,
  fieldFloats,
  fieldString,
  fieldVarint,
  fieldVarints,
  ProtoError,
  ProtoReader,
  ProtoWriter,
  readFields,
  WIRE,
} from '../../../src/core/onnx/protobuf';
import {
  AT,
  decodeModel,
  DT,
  encodeModel,
  floatTensor,
  int64Tensor,
  tensorValues,
  type ModelProto,
  type TensorProto,
} from '../../../src/core/onnx/onnx';
import { torchDeepFm } from './torch-graphs';

/** onnxruntime-web's own generated protobufjs codec for onnx.proto: an independent reader and writer. */
const require = createRequire(import.meta.url);
const ortDir = join(dirname(require.resolve('onnxruntime-web')), '..'); // the package's "exports" hide lib/
const { onnx: ref } = require(join(ortDir, 'lib/onnxjs/ort-schema/protobuf/onnx.js')) as {
  onnx: Record<
    string,
    {
      encode(m: unknown): { finish(): Uint8Array };
      decode(b: Uint8Array): unknown;
      toObject(m: unknown, o: object): Record<string, unknown>;
    }
  >;
};

describe('protobuf wire format', () => {
  it('writes the documented bytes (field 1 = 150; field 2 = "testing")', () => {
    expect(Array.from(new ProtoWriter().varint(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    expect(Array.from(new ProtoWriter().string(2, 'testing').finish())).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
  });

  it('round-trips varints, including negative int64 (10 bytes) and 2^53 − 1', () => {
    const values = [
      0,
      1,
      127,
      128,
      300,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32,
      2 ** 53 - 1,
      -1,
      -2,
      -(2 ** 31),
      -(2 ** 53 - 1),
    ];
    const w = new ProtoWriter();
    values.forEach((v, i) => w.varint(i + 1, v));
    const bytes = w.finish();
    const fields = readFields(bytes);
    expect(fields.map((f) => f.field)).toEqual(values.map((_, i) => i + 1));
    expect(fields.map(fieldVarint)).toEqual(values);
    expect(new ProtoWriter().rawVarint(-1).finish().length).toBe(10);
  });

  it('round-trips fixed-width, length-delimited and packed fields', () => {
    const w = new ProtoWriter()
      .float(1, 1.5)
      .double(2, Math.PI)
      .fixed32(3, 0xdeadbeef)
      .fixed64(4, 2 ** 40 + 7)
      .bytes(5, Uint8Array.of(1, 2, 3))
      .string(6, 'Gather → Embedding')
      .packedVarints(7, [3, -1, 2 ** 35])
      .packedFloats(8, [0.25, -2])
      .packedDoubles(9, [1e-300, 2])
      .message(10, (m) => m.varint(1, 42).string(2, 'inner'));
    const f = readFields(w.finish());
    expect(f.map((x) => x.wire)).toEqual([
      WIRE.I32,
      WIRE.I64,
      WIRE.I32,
      WIRE.I64,
      WIRE.LEN,
      WIRE.LEN,
      WIRE.LEN,
      WIRE.LEN,
      WIRE.LEN,
      WIRE.LEN,
    ]);
    expect(fieldFloat(f[0])).toBe(1.5);
    expect(fieldDoubles(f[1])).toEqual([Math.PI]);
    expect(fieldFixed32(f[2])).toBe(0xdeadbeef);
    expect(fieldFixed64(f[3])).toBe(2 ** 40 + 7);
    expect(Array.from(fieldBytes(f[4]))).toEqual([1, 2, 3]);
    expect(fieldString(f[5])).toBe('Gather → Embedding');
    expect(fieldVarints(f[6])).toEqual([3, -1, 2 ** 35]);
    expect(fieldFloats(f[7])).toEqual([0.25, -2]);
    expect(fieldDoubles(f[8])).toEqual([1e-300, 2]);
    const inner = readFields(fieldBytes(f[9]));
    expect([fieldVarint(inner[0]), fieldString(inner[1])]).toEqual([42, 'inner']);
  });

  it('reads repeated scalars written unpacked, as proto3 parsers must', () => {
    const f = readFields(new ProtoWriter().varint(1, 4).varint(1, 5).float(2, 0.5).float(2, 1).finish());
    expect(f.filter((x) => x.field === 1).flatMap(fieldVarints)).toEqual([4, 5]);
    expect(f.filter((x) => x.field === 2).flatMap(fieldFloats)).toEqual([0.5, 1]);
  });

  it('refuses truncated and malformed bytes', () => {
    const bytes = new ProtoWriter().string(1, 'abcdef').finish();
    expect(() => readFields(bytes.subarray(0, 5))).toThrow(ProtoError);
    expect(() => new ProtoReader(Uint8Array.of(0x80, 0x80)).rawVarint()).toThrow(ProtoError);
    expect(() => readFields(Uint8Array.of(0x0b))).toThrow(ProtoError); // wire type 3 (group)
  });
});

describe('ONNX messages', () => {
  it('decode(encode(model)) is the model, and encode is stable', () => {
    const bytes = torchDeepFm({ opset: 13 });
    const model = decodeModel(bytes);
    expect(model.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(model.graph.input.map((i) => i.name)).toEqual(['C1', 'C2', 'C3', 'C4', 'numeric']);
    expect(model.graph.input[0].type).toEqual({ elemType: DT.INT64, shape: [{ param: 'batch' }, { value: 1 }] });
    const again = encodeModel(model);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    expect(decodeModel(again)).toEqual(model);
  });

  it("agrees with onnxruntime-web's protobufjs codec in both directions", () => {
    const bytes = torchDeepFm({ opset: 17 });
    const mine = decodeModel(bytes);
    const theirs = ref.ModelProto.toObject(ref.ModelProto.decode(bytes), {
      longs: Number,
      bytes: Array,
      arrays: true,
    }) as {
      irVersion: number;
      opsetImport: { version: number }[];
      producerName: string;
      graph: {
        node: {
          name: string;
          opType: string;
          input: string[];
          output: string[];
          attribute?: { name: string; i?: number; f?: number; type: number }[];
        }[];
        initializer: { name: string; dims: number[]; rawData: number[] }[];
        output: { name: string }[];
      };
    };
    expect(theirs.irVersion).toBe(mine.irVersion);
    expect(theirs.opsetImport[0].version).toBe(17);
    expect(theirs.producerName).toBe('pytorch');
    expect(theirs.graph.node.map((n) => [n.name, n.opType, n.input, n.output])).toEqual(
      mine.graph.node.map((n) => [n.name, n.opType, n.input, n.output]),
    );
    const gemm = theirs.graph.node.find((n) => n.opType === 'Gemm')!;
    expect(gemm.attribute!.find((a) => a.name === 'transB')).toMatchObject({ i: 1, type: AT.INT });
    expect(theirs.graph.initializer.map((t) => [t.name, t.dims, t.rawData.length])).toEqual(
      mine.graph.initializer.map((t) => [t.name, t.dims, t.rawData!.length]),
    );

    // Their writer: typed lists (float_data, int64_data, int32_data), packed, and a negative int attribute.
    const written = ref.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        node: [
          {
            name: 'c',
            opType: 'Concat',
            input: ['a', 'b'],
            output: ['y'],
            attribute: [{ name: 'axis', type: AT.INT, i: -1 }],
          },
        ],
        initializer: [
          { name: 'b', dims: [1, 2], dataType: DT.FLOAT, floatData: [0.5, -3] },
          { name: 'i', dims: [3], dataType: DT.INT64, int64Data: [-1, 0, 2 ** 40] },
          { name: 'h', dims: [2], dataType: DT.FLOAT16, int32Data: [0x3c00, 0xc000] },
        ],
        input: [
          {
            name: 'a',
            type: { tensorType: { elemType: DT.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } },
          },
        ],
        output: [{ name: 'y', type: { tensorType: { elemType: DT.FLOAT } } }],
      },
    }).finish();
    const m = decodeModel(written);
    expect(m.graph.node[0].attribute[0]).toEqual({ name: 'axis', type: AT.INT, i: -1 });
    expect(Array.from(tensorValues(m.graph.initializer[0]))).toEqual([0.5, -3]);
    expect(Array.from(tensorValues(m.graph.initializer[1]))).toEqual([-1, 0, 2 ** 40]);
    expect(Array.from(tensorValues(m.graph.initializer[2]))).toEqual([1, -2]);
    expect(m.graph.input[0].type).toEqual({ elemType: DT.FLOAT, shape: [{ param: 'N' }, { value: 2 }] });
  });

  it('reads tensor values from raw_data of every numeric type and from the typed lists', () => {
    const raw = (dataType: number, bytes: number[]): TensorProto => ({
      name: 't',
      dims: [bytes.length > 0 ? 1 : 0],
      dataType,
      rawData: Uint8Array.from(bytes),
    });
    expect(Array.from(tensorValues(floatTensor('f', [2, 2], [1, -2, 0.5, 4])))).toEqual([1, -2, 0.5, 4]);
    expect(Array.from(tensorValues(int64Tensor('i', [3], [-7, 0, 2 ** 50])))).toEqual([-7, 0, 2 ** 50]);
    expect(Array.from(tensorValues(raw(DT.INT32, [0xff, 0xff, 0xff, 0xff])))).toEqual([-1]);
    expect(Array.from(tensorValues(raw(DT.FLOAT16, [0x00, 0x3c])))).toEqual([1]);
    expect(Array.from(tensorValues(raw(DT.UINT8, [200])))).toEqual([200]);
    expect(Array.from(tensorValues({ name: 'd', dims: [2], dataType: DT.DOUBLE, doubleData: [0.1, 2] }))).toEqual([
      0.1, 2,
    ]);
    expect(Array.from(tensorValues({ name: 's', dims: [], dataType: DT.FLOAT, floatData: [3] }))).toEqual([3]);
    expect(() => tensorValues({ name: 'x', dims: [2], dataType: DT.FLOAT, dataLocation: 1 })).toThrow(/external/);
    expect(() => tensorValues({ name: 'x', dims: [2], dataType: DT.FLOAT, rawData: Uint8Array.of(1, 2, 3) })).toThrow(
      /3 bytes/,
    );
  });

  it('keeps metadata, doc string and model version', () => {
    const m: ModelProto = {
      irVersion: 8,
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'com.example', version: 1 },
      ],
      producerName: 'p',
      producerVersion: '1',
      modelVersion: 3,
      docString: 'doc',
      domain: 'ai.example',
      graph: {
        name: 'g',
        node: [],
        initializer: [],
        input: [],
        output: [{ name: 'y' }],
        valueInfo: [{ name: 'v', type: { elemType: DT.FLOAT, shape: [{}] } }],
      },
      metadataProps: [{ key: 'k', value: 'v' }],
    };
    expect(decodeModel(encodeModel(m))).toEqual(m);
  });
});
