/** Values of ONNX tensors: building float/int64 initializers, reading any numeric storage as doubles. Pure. */
import type { AttributeProto, NodeProto, TensorProto } from './onnx';
import { float16BitsToNumber as halfToFloat } from '../layers/float16';

/** TensorProto.DataType values this project names. */
export const DT = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

/** Number of elements of a shape. */
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** A float32 tensor stored as raw little-endian bytes (what torch.onnx.export writes). */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const f = Float32Array.from(values);
  if (f.length !== elementCount(dims))
    throw new RangeError(`tensor ${name}: ${f.length} values for dims [${dims.join(', ')}]`);
  return { name, dims: [...dims], dataType: DT.FLOAT, rawData: new Uint8Array(f.buffer) };
}

/** An int64 tensor stored as raw little-endian bytes. */
export function int64Tensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const n = values.length;
  if (n !== elementCount(dims)) throw new RangeError(`tensor ${name}: ${n} values for dims [${dims.join(', ')}]`);
  const b = new BigInt64Array(n);
  for (let i = 0; i < n; i++) b[i] = BigInt(values[i]);
  return { name, dims: [...dims], dataType: DT.INT64, rawData: new Uint8Array(b.buffer) };
}

/** Unsupported value storage in a tensor (the importer words the error). */
export class TensorValueError extends Error {}

/** A numeric tensor's values as doubles (float, double, float16, integer types); int64 exact up to 2^53. */
export function tensorValues(t: TensorProto): Float64Array {
  const n = elementCount(t.dims);
  if (t.dataLocation === 1) throw new TensorValueError(`tensor ${t.name} keeps its values in an external file`);
  const out = new Float64Array(n);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const per: Record<number, number> = {
      [DT.FLOAT]: 4,
      [DT.DOUBLE]: 8,
      [DT.FLOAT16]: 2,
      [DT.INT32]: 4,
      [DT.INT64]: 8,
      [DT.INT8]: 1,
      [DT.UINT8]: 1,
      [DT.INT16]: 2,
      [DT.UINT16]: 2,
      [DT.BOOL]: 1,
      [DT.UINT32]: 4,
    };
    const size = per[t.dataType];
    if (size === undefined)
      throw new TensorValueError(`tensor ${t.name} has data type ${t.dataType}, which is not numeric`);
    if (raw.length !== n * size)
      throw new TensorValueError(`tensor ${t.name} holds ${raw.length} bytes for ${n} values`);
    for (let i = 0; i < n; i++) {
      const o = i * size;
      switch (t.dataType) {
        case DT.FLOAT:
          out[i] = dv.getFloat32(o, true);
          break;
        case DT.DOUBLE:
          out[i] = dv.getFloat64(o, true);
          break;
        case DT.FLOAT16:
          out[i] = halfToFloat(dv.getUint16(o, true));
          break;
        case DT.INT32:
          out[i] = dv.getInt32(o, true);
          break;
        case DT.INT64:
          out[i] = Number(dv.getBigInt64(o, true));
          break;
        case DT.INT8:
          out[i] = dv.getInt8(o);
          break;
        case DT.UINT8:
        case DT.BOOL:
          out[i] = dv.getUint8(o);
          break;
        case DT.INT16:
          out[i] = dv.getInt16(o, true);
          break;
        case DT.UINT16:
          out[i] = dv.getUint16(o, true);
          break;
        case DT.UINT32:
          out[i] = dv.getUint32(o, true);
          break;
      }
    }
    return out;
  }
  // Typed lists: float_data for FLOAT; int32_data for INT32 and the small types (FLOAT16 as raw bits);
  // int64_data for INT64; double_data for DOUBLE.
  let list: number[] | undefined;
  if (t.dataType === DT.FLOAT) list = t.floatData;
  else if (t.dataType === DT.INT64) list = t.int64Data;
  else if (t.dataType === DT.DOUBLE) list = t.doubleData;
  else if ([DT.INT32, DT.INT8, DT.UINT8, DT.INT16, DT.UINT16, DT.BOOL, DT.FLOAT16].includes(t.dataType as never))
    list = t.int32Data;
  else throw new TensorValueError(`tensor ${t.name} has data type ${t.dataType}, which is not numeric`);
  list ??= [];
  if (list.length !== n)
    throw new TensorValueError(`tensor ${t.name} holds ${list.length} values for dims [${t.dims.join(', ')}]`);
  for (let i = 0; i < n; i++) out[i] = t.dataType === DT.FLOAT16 ? halfToFloat(list[i]) : list[i];
  return out;
}

/** The attribute named `name` of a node, if present. */
export function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}
