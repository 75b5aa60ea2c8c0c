/**
 * The ONNX messages CTR Studio reads and writes (a subset of onnx.proto3: model, graph, node, attribute,
 * tensor, value info, type with shape, opset import) as plain objects, with their protobuf decoding (the
 * encoding is in ./onnxWrite and re-exported here). Fields the studio never uses (training info, functions,
 * sparse initializers, ...) are skipped on read; the ones whose presence changes the meaning of a model are
 * recorded so the importer can refuse it. Pure.
 */
import {
  fieldBytes,
  fieldDoubles,
  fieldFloat,
  fieldFloats,
  fieldString,
  fieldVarint,
  fieldVarints,
  ProtoError,
  readFields,
  WIRE,
} from './protobuf';
import { StudioError } from '../errors';
import { DT } from './tensors';
import { LIMITS } from '../limits';

// Tensor values live in tensors.ts; re-exported so callers need one module for ONNX messages.
export { DT, elementCount, floatTensor, int64Tensor, TensorValueError, tensorValues, attr } from './tensors';

// Encoding lives in onnxWrite.ts; re-exported so callers need one module for ONNX messages.
export { encodeModel } from './onnxWrite';

/** AttributeProto.AttributeType values. */
export const AT = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
} as const;

/** A tensor (initializer or attribute value). Values live in rawData or in one of the typed lists. */
export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  /** 1 = EXTERNAL: the values are in another file (not supported by the importer). */
  dataLocation?: number;
}

/** A node attribute; `type` says which value field is set. */
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
}

export interface NodeProto {
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

/** One dimension of a shape: a number, a symbolic name, or unknown (neither). */
export interface Dim {
  value?: number;
  param?: string;
}

/** TypeProto restricted to tensors; `nonTensor` marks sequence/map/optional types. */
export interface TypeProto {
  elemType: number;
  /** Undefined when the shape is unknown (not even the rank). */
  shape?: Dim[];
  nonTensor?: boolean;
}

export interface ValueInfoProto {
  name: string;
  type?: TypeProto;
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
  /** Number of sparse initializers (not read; the importer refuses them). */
  sparseInitializers?: number;
}

export interface OpsetId {
  domain: string;
  version: number;
}

export interface ModelProto {
  irVersion: number;
  opsetImport: OpsetId[];
  producerName: string;
  producerVersion: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph: GraphProto;
  metadataProps?: { key: string; value: string }[];
  /** Number of local functions (not read; the importer refuses nodes that call them). */
  functions?: number;
}

// ---------------------------------------------------------------- reading

/**
 * Appends values one by one: `list.push(...values)` passes every value as an argument, and a packed field of a few
 * hundred thousand floats exceeds the engine's argument limit ("Maximum call stack size exceeded").
 */
function append(list: number[], values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) list.push(values[i]);
}

function readTensor(bytes: Uint8Array): TensorProto {
  const t: TensorProto = { name: '', dims: [], dataType: DT.UNDEFINED };
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        append(t.dims, fieldVarints(f));
        break;
      case 2:
        t.dataType = fieldVarint(f);
        break;
      case 4:
        append((t.floatData ??= []), fieldFloats(f));
        break;
      case 5:
        append((t.int32Data ??= []), fieldVarints(f));
        break;
      case 7:
        append((t.int64Data ??= []), fieldVarints(f));
        break;
      case 8:
        t.name = fieldString(f);
        break;
      case 9:
        t.rawData = fieldBytes(f);
        break;
      case 10:
        append((t.doubleData ??= []), fieldDoubles(f));
        break;
      case 14:
        t.dataLocation = fieldVarint(f);
        break;
      // Also external_data (13), segment (3), string_data (6), uint64_data (11): a tensor holding them is
      // refused later by the importer (EXTERNAL location, non-numeric type).
    }
  }
  return t;
}

function readAttribute(bytes: Uint8Array, depth: number): AttributeProto {
  const a: AttributeProto = { name: '', type: AT.UNDEFINED };
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        a.name = fieldString(f);
        break;
      case 2:
        a.f = fieldFloat(f);
        break;
      case 3:
        a.i = fieldVarint(f);
        break;
      case 4:
        a.s = fieldBytes(f);
        break;
      case 5:
        a.t = readTensor(fieldBytes(f));
        break;
      case 6:
        a.g = readGraph(fieldBytes(f), depth + 1);
        break;
      case 7:
        append((a.floats ??= []), fieldFloats(f));
        break;
      case 8:
        append((a.ints ??= []), fieldVarints(f));
        break;
      case 9:
        (a.strings ??= []).push(fieldBytes(f));
        break;
      case 10:
        (a.tensors ??= []).push(readTensor(fieldBytes(f)));
        break;
      case 20:
        a.type = fieldVarint(f);
        break;
    }
  }
  return a;
}

function readNode(bytes: Uint8Array, depth: number): NodeProto {
  const n: NodeProto = { name: '', opType: '', domain: '', input: [], output: [], attribute: [] };
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        n.input.push(fieldString(f));
        break;
      case 2:
        n.output.push(fieldString(f));
        break;
      case 3:
        n.name = fieldString(f);
        break;
      case 4:
        n.opType = fieldString(f);
        break;
      case 5:
        n.attribute.push(readAttribute(fieldBytes(f), depth));
        break;
      case 7:
        n.domain = fieldString(f);
        break;
    }
  }
  return n;
}

function readType(bytes: Uint8Array): TypeProto {
  const t: TypeProto = { elemType: DT.UNDEFINED };
  for (const f of readFields(bytes)) {
    if (f.field !== 1) {
      if (f.wire === WIRE.LEN && f.field !== 6) t.nonTensor = true; // sequence, map, optional, sparse tensor
      continue;
    }
    for (const g of readFields(fieldBytes(f))) {
      if (g.field === 1) t.elemType = fieldVarint(g);
      if (g.field === 2) {
        t.shape = [];
        for (const d of readFields(fieldBytes(g))) {
          if (d.field !== 1) continue;
          const dim: Dim = {};
          for (const x of readFields(fieldBytes(d))) {
            if (x.field === 1) dim.value = fieldVarint(x);
            if (x.field === 2) dim.param = fieldString(x);
          }
          t.shape.push(dim);
        }
      }
    }
  }
  return t;
}

function readValueInfo(bytes: Uint8Array): ValueInfoProto {
  const v: ValueInfoProto = { name: '' };
  for (const f of readFields(bytes)) {
    if (f.field === 1) v.name = fieldString(f);
    if (f.field === 2) v.type = readType(fieldBytes(f));
  }
  return v;
}

/** Thrown when subgraphs nest deeper than LIMITS.onnxSubgraphDepth (the reader is recursive, one level per graph). */
export class NestingError extends ProtoError {
  constructor(readonly depth: number) {
    super(`protobuf: subgraphs nest more than ${depth} deep`);
  }
}

function readGraph(bytes: Uint8Array, depth: number): GraphProto {
  if (depth > LIMITS.onnxSubgraphDepth) throw new NestingError(LIMITS.onnxSubgraphDepth);
  const g: GraphProto = { name: '', node: [], initializer: [], input: [], output: [], valueInfo: [] };
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        g.node.push(readNode(fieldBytes(f), depth));
        break;
      case 2:
        g.name = fieldString(f);
        break;
      case 5:
        g.initializer.push(readTensor(fieldBytes(f)));
        break;
      case 11:
        g.input.push(readValueInfo(fieldBytes(f)));
        break;
      case 12:
        g.output.push(readValueInfo(fieldBytes(f)));
        break;
      case 13:
        g.valueInfo.push(readValueInfo(fieldBytes(f)));
        break;
      case 15:
        g.sparseInitializers = (g.sparseInitializers ?? 0) + 1;
        break;
    }
  }
  return g;
}

/** The sentence for an ONNX file whose subgraphs nest deeper than CTR Studio reads. */
export function nestingError(fileName: string, e: NestingError): StudioError {
  return new StudioError(
    'MODEL_NOT_LAYERS',
    `${fileName} nests subgraphs more than ${e.depth} deep, more than CTR Studio reads (limit ${e.depth}); ` +
      'export the model without nested control flow, or raise LIMITS.onnxSubgraphDepth.',
  );
}

/** Decodes ONNX protobuf bytes into a model. Throws ProtoError on bytes that are not protobuf. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const m: ModelProto = {
    irVersion: 0,
    opsetImport: [],
    producerName: '',
    producerVersion: '',
    graph: { name: '', node: [], initializer: [], input: [], output: [], valueInfo: [] },
  };
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        m.irVersion = fieldVarint(f);
        break;
      case 2:
        m.producerName = fieldString(f);
        break;
      case 3:
        m.producerVersion = fieldString(f);
        break;
      case 4:
        m.domain = fieldString(f);
        break;
      case 5:
        m.modelVersion = fieldVarint(f);
        break;
      case 6:
        m.docString = fieldString(f);
        break;
      case 7:
        m.graph = readGraph(fieldBytes(f), 0);
        break;
      case 8: {
        const o: OpsetId = { domain: '', version: 0 };
        for (const x of readFields(fieldBytes(f))) {
          if (x.field === 1) o.domain = fieldString(x);
          if (x.field === 2) o.version = fieldVarint(x);
        }
        m.opsetImport.push(o);
        break;
      }
      case 14: {
        const kv = { key: '', value: '' };
        for (const x of readFields(fieldBytes(f))) {
          if (x.field === 1) kv.key = fieldString(x);
          if (x.field === 2) kv.value = fieldString(x);
        }
        (m.metadataProps ??= []).push(kv);
        break;
      }
      case 25:
        m.functions = (m.functions ?? 0) + 1;
        break;
    }
  }
  return m;
}
