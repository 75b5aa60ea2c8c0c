/** Values of ONNX tensors: building float/int64 initializers, reading any numeric storage as doubles. Pure. */
import type { AttributeProto, GraphProto, NodeProto, TensorProto } from './onnx';
import { StudioError } from '../errors';
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

/**
 * The first NaN or infinity among a float tensor's values (FLOAT, DOUBLE or FLOAT16, in raw_data or the typed
 * lists) with its index, or null; other types, and storage tensorValues refuses, give null (reported elsewhere).
 */
export function firstNonFinite(t: TensorProto): { index: number; value: number } | null {
  if (t.dataType !== DT.FLOAT && t.dataType !== DT.DOUBLE && t.dataType !== DT.FLOAT16) return null;
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const size = t.dataType === DT.FLOAT ? 4 : t.dataType === DT.DOUBLE ? 8 : 2;
    const n = Math.floor(raw.length / size);
    for (let i = 0; i < n; i++) {
      const o = i * size;
      const v =
        t.dataType === DT.FLOAT
          ? dv.getFloat32(o, true)
          : t.dataType === DT.DOUBLE
            ? dv.getFloat64(o, true)
            : halfToFloat(dv.getUint16(o, true));
      if (!Number.isFinite(v)) return { index: i, value: v };
    }
    return null;
  }
  const list = t.dataType === DT.FLOAT ? t.floatData : t.dataType === DT.DOUBLE ? t.doubleData : t.int32Data;
  for (let i = 0; i < (list?.length ?? 0); i++) {
    const v = t.dataType === DT.FLOAT16 ? halfToFloat(list![i]) : list![i];
    if (!Number.isFinite(v)) return { index: i, value: v };
  }
  return null;
}

/**
 * Throws MODEL_WEIGHTS_NOT_FINITE at the first initializer (or top-level Constant value) of the graph holding NaN or
 * an infinity, whichever storage it uses: onnxruntime runs such a model and scores garbage.
 */
export function checkFiniteInitializers(graph: GraphProto, fileName: string): void {
  const constants = graph.node.filter((n) => n.opType === 'Constant').map((n) => attr(n, 'value')?.t);
  for (const t of [...graph.initializer, ...constants]) {
    if (!t) continue;
    const bad = firstNonFinite(t);
    if (!bad) continue;
    const what = Number.isNaN(bad.value) ? 'NaN' : 'an infinity';
    const where = `value ${bad.index + 1} of ${elementCount(t.dims)}`;
    throw new StudioError(
      'MODEL_WEIGHTS_NOT_FINITE',
      `The weight ${t.name || '(unnamed)'} in ${fileName} holds ${what} (${where}), ` +
        'so the model would score garbage; export it again from a checkpoint taken before training diverged.',
      { weight: t.name, index: bad.index },
    );
  }
}
