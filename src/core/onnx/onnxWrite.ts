/**
 * Protobuf encoding of the ONNX messages of ./onnx (model, graph, node, attribute, tensor, value info, type with
 * shape, opset import), field numbers as in onnx.proto3. Pure.
 */
import { ProtoWriter } from './protobuf';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, TypeProto, ValueInfoProto } from './onnx';

function writeTensor(w: ProtoWriter, t: TensorProto): void {
  w.packedVarints(1, t.dims);
  w.varint(2, t.dataType);
  if (t.floatData?.length) w.packedFloats(4, t.floatData);
  if (t.int32Data?.length) w.packedVarints(5, t.int32Data);
  if (t.int64Data?.length) w.packedVarints(7, t.int64Data);
  if (t.name) w.string(8, t.name);
  if (t.rawData) w.bytes(9, t.rawData);
  if (t.doubleData?.length) w.packedDoubles(10, t.doubleData);
  if (t.dataLocation) w.varint(14, t.dataLocation);
}

function writeAttribute(w: ProtoWriter, a: AttributeProto): void {
  w.string(1, a.name);
  if (a.f !== undefined) w.float(2, a.f);
  if (a.i !== undefined) w.varint(3, a.i);
  if (a.s !== undefined) w.bytes(4, a.s);
  if (a.t) w.message(5, (m) => writeTensor(m, a.t!));
  if (a.g) w.message(6, (m) => writeGraph(m, a.g!));
  if (a.floats?.length) w.packedFloats(7, a.floats);
  if (a.ints?.length) w.packedVarints(8, a.ints);
  for (const s of a.strings ?? []) w.bytes(9, s);
  for (const t of a.tensors ?? []) w.message(10, (m) => writeTensor(m, t));
  w.varint(20, a.type);
}

function writeNode(w: ProtoWriter, n: NodeProto): void {
  for (const i of n.input) w.string(1, i);
  for (const o of n.output) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attribute) w.message(5, (m) => writeAttribute(m, a));
  if (n.domain) w.string(7, n.domain);
}

function writeType(w: ProtoWriter, t: TypeProto): void {
  w.message(1, (tt) => {
    tt.varint(1, t.elemType);
    if (t.shape) {
      tt.message(2, (s) => {
        for (const d of t.shape!) {
          s.message(1, (dm) => {
            if (d.value !== undefined) dm.varint(1, d.value);
            else if (d.param !== undefined) dm.string(2, d.param);
          });
        }
      });
    }
  });
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoProto): void {
  w.string(1, v.name);
  if (v.type) w.message(2, (m) => writeType(m, v.type!));
}

function writeGraph(w: ProtoWriter, g: GraphProto): void {
  for (const n of g.node) w.message(1, (m) => writeNode(m, n));
  if (g.name) w.string(2, g.name);
  for (const t of g.initializer) w.message(5, (m) => writeTensor(m, t));
  for (const v of g.input) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.output) w.message(12, (m) => writeValueInfo(m, v));
  for (const v of g.valueInfo) w.message(13, (m) => writeValueInfo(m, v));
}

/** Encodes a model as ONNX protobuf bytes. */
export function encodeModel(m: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, m.irVersion);
  if (m.producerName) w.string(2, m.producerName);
  if (m.producerVersion) w.string(3, m.producerVersion);
  if (m.domain) w.string(4, m.domain);
  if (m.modelVersion) w.varint(5, m.modelVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, (g) => writeGraph(g, m.graph));
  for (const o of m.opsetImport) {
    w.message(8, (op) => {
      if (o.domain) op.string(1, o.domain);
      op.varint(2, o.version);
    });
  }
  for (const p of m.metadataProps ?? []) w.message(14, (kv) => kv.string(1, p.key).string(2, p.value));
  return w.finish();
}
