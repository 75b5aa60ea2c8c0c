/**
 * A minimal protocol-buffers wire-format reader and writer (varint, 64-bit, length-delimited, 32-bit and
 * packed repeated fields): just enough to read and write ONNX files without a protobuf dependency. Pure.
 * 64-bit integers are JS numbers: exact up to 2^53, which covers every shape, axis and id ONNX CTR models use.
 */

/** Wire types of the protobuf encoding. */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

const TWO_32 = 2 ** 32;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Appends protobuf fields to a growing byte buffer. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;
  private dv = new DataView(this.buf.buffer);

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  /** A raw varint (no tag). Negative numbers are written as 64-bit two's complement (10 bytes), as int64 is. */
  rawVarint(value: number): this {
    this.ensure(10);
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: ${value} is not a safe integer`);
    if (value >= 0 && value < TWO_32) {
      let v = value >>> 0;
      while (v >= 0x80) {
        this.buf[this.len++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.len++] = v;
      return this;
    }
    let big = BigInt.asUintN(64, BigInt(value));
    while (big >= 0x80n) {
      this.buf[this.len++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    this.buf[this.len++] = Number(big);
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.rawVarint(field * 8 + wire);
  }

  /** An int32/int64/uint64/bool/enum field. */
  varint(field: number, value: number | boolean): this {
    return this.tag(field, WIRE.VARINT).rawVarint(Number(value));
  }

  /** A float (fixed 32-bit) field. */
  float(field: number, value: number): this {
    this.tag(field, WIRE.I32);
    this.ensure(4);
    this.dv.setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  /** A double (fixed 64-bit) field. */
  double(field: number, value: number): this {
    this.tag(field, WIRE.I64);
    this.ensure(8);
    this.dv.setFloat64(this.len, value, true);
    this.len += 8;
    return this;
  }

  /** A fixed32 field (unsigned). */
  fixed32(field: number, value: number): this {
    this.tag(field, WIRE.I32);
    this.ensure(4);
    this.dv.setUint32(this.len, value >>> 0, true);
    this.len += 4;
    return this;
  }

  /** A fixed64 field (unsigned, up to 2^53). */
  fixed64(field: number, value: number): this {
    this.tag(field, WIRE.I64);
    this.ensure(8);
    this.dv.setUint32(this.len, value % TWO_32, true);
    this.dv.setUint32(this.len + 4, Math.floor(value / TWO_32), true);
    this.len += 8;
    return this;
  }

  /** A length-delimited bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE.LEN).rawVarint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8Encoder.encode(value));
  }

  /** An embedded message field, written by `write` into a fresh writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated varint field (skipped when empty, as proto3 does). */
  packedVarints(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.rawVarint(values[i]);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const f = Float32Array.from(values);
    return this.bytes(field, new Uint8Array(f.buffer, 0, f.byteLength));
  }

  /** A packed repeated double field. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const f = Float64Array.from(values);
    return this.bytes(field, new Uint8Array(f.buffer, 0, f.byteLength));
  }

  /** The bytes written so far (a copy sized to fit). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** One field read from a message: its number, wire type, and the value in the form its wire type carries. */
export type ProtoField =
  | { field: number; wire: typeof WIRE.VARINT; value: number }
  | { field: number; wire: typeof WIRE.I64; value: Uint8Array }
  | { field: number; wire: typeof WIRE.LEN; value: Uint8Array }
  | { field: number; wire: typeof WIRE.I32; value: Uint8Array };

/** Thrown on bytes that are not a valid protobuf message. */
export class ProtoError extends Error {}

/** Reads fields from protobuf bytes, in order. */
export class ProtoReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** A raw varint decoded as a signed 64-bit value (int64 semantics); exact up to 2^53 in magnitude. */
  rawVarint(): number {
    let result = 0;
    let shift = 0;
    // Fast path: up to 7 bytes (49 bits) fit a double exactly with plain arithmetic.
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.buf.length) throw new ProtoError('protobuf: truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
    let big = BigInt(result);
    for (let i = 7; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new ProtoError('protobuf: truncated varint');
      const b = this.buf[this.pos++];
      big |= BigInt(b & 0x7f) << BigInt(shift);
      if (b < 0x80) return Number(BigInt.asIntN(64, big));
      shift += 7;
    }
    throw new ProtoError('protobuf: varint longer than 10 bytes');
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length)
      throw new ProtoError('protobuf: field runs past the end of the message');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The next field. */
  next(): ProtoField {
    const key = this.rawVarint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field < 1) throw new ProtoError('protobuf: field number 0');
    switch (wire) {
      case WIRE.VARINT:
        return { field, wire, value: this.rawVarint() };
      case WIRE.I64:
        return { field, wire, value: this.take(8) };
      case WIRE.LEN:
        return { field, wire, value: this.take(this.rawVarint()) };
      case WIRE.I32:
        return { field, wire, value: this.take(4) };
      default:
        // Groups (3, 4) are deprecated and never used by ONNX.
        throw new ProtoError(`protobuf: unsupported wire type ${wire}`);
    }
  }
}

/** Every field of a message, in order. */
export function readFields(bytes: Uint8Array): ProtoField[] {
  const r = new ProtoReader(bytes);
  const out: ProtoField[] = [];
  while (!r.done) out.push(r.next());
  return out;
}

/** UTF-8 text of a length-delimited field. */
export function fieldString(f: ProtoField): string {
  if (f.wire !== WIRE.LEN) throw new ProtoError(`protobuf: field ${f.field} is not a string`);
  return utf8Decoder.decode(f.value);
}

/** Numbers of a repeated varint field, packed (LEN) or not (one VARINT per element): parsers must take both. */
export function fieldVarints(f: ProtoField): number[] {
  if (f.wire === WIRE.VARINT) return [f.value];
  if (f.wire !== WIRE.LEN) throw new ProtoError(`protobuf: field ${f.field} is not a varint`);
  const r = new ProtoReader(f.value);
  const out: number[] = [];
  while (!r.done) out.push(r.rawVarint());
  return out;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Floats of a repeated float field, packed or not. */
export function fieldFloats(f: ProtoField): number[] {
  if (f.wire === WIRE.I32) return [view(f.value).getFloat32(0, true)];
  if (f.wire !== WIRE.LEN || f.value.length % 4 !== 0)
    throw new ProtoError(`protobuf: field ${f.field} is not a float`);
  const dv = view(f.value);
  return Array.from({ length: f.value.length / 4 }, (_, i) => dv.getFloat32(i * 4, true));
}

/** Doubles of a repeated double field, packed or not. */
export function fieldDoubles(f: ProtoField): number[] {
  if (f.wire === WIRE.I64) return [view(f.value).getFloat64(0, true)];
  if (f.wire !== WIRE.LEN || f.value.length % 8 !== 0)
    throw new ProtoError(`protobuf: field ${f.field} is not a double`);
  const dv = view(f.value);
  return Array.from({ length: f.value.length / 8 }, (_, i) => dv.getFloat64(i * 8, true));
}

/** A single float field (fixed 32-bit). */
export function fieldFloat(f: ProtoField): number {
  if (f.wire !== WIRE.I32) throw new ProtoError(`protobuf: field ${f.field} is not a float`);
  return view(f.value).getFloat32(0, true);
}

/** A fixed32 field (unsigned). */
export function fieldFixed32(f: ProtoField): number {
  if (f.wire !== WIRE.I32) throw new ProtoError(`protobuf: field ${f.field} is not fixed32`);
  return view(f.value).getUint32(0, true);
}

/** A fixed64 field (unsigned, exact up to 2^53). */
export function fieldFixed64(f: ProtoField): number {
  if (f.wire !== WIRE.I64) throw new ProtoError(`protobuf: field ${f.field} is not fixed64`);
  const dv = view(f.value);
  return dv.getUint32(0, true) + dv.getUint32(4, true) * TWO_32;
}

/** A single varint field. */
export function fieldVarint(f: ProtoField): number {
  if (f.wire !== WIRE.VARINT) throw new ProtoError(`protobuf: field ${f.field} is not a varint`);
  return f.value;
}

/** The bytes of a length-delimited field. */
export function fieldBytes(f: ProtoField): Uint8Array {
  if (f.wire !== WIRE.LEN) throw new ProtoError(`protobuf: field ${f.field} is not length-delimited`);
  return f.value;
}
