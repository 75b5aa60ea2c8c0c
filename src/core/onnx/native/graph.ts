/**
 * An ONNX model read for running as it is: its initializers and constants by name, who produces and who
 * reads each tensor (subgraphs of If/Loop included, so a weight read inside a branch is never replaced),
 * the graph's real inputs, and CTR Studio's metadata carried in metadata_props. Pure.
 */
import { StudioError } from '../../errors';
import {
  decodeModel,
  NestingError,
  nestingError,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../onnx';
import { checkFiniteInitializers, DT, tensorValues, TensorValueError } from '../tensors';

/** Key of CTR Studio's metadata (feature encoding, recipe) in an ONNX model's metadata_props. */
export const ONNX_METADATA_KEY = 'tfjs.userDefinedMetadata';

/** The producer name of graphs CTR Studio writes (so a fault in them is never blamed on the user's file). */
export const WRITTEN_BY = 'CTR Studio';

/** Element types that hold integers (ids). */
const INTEGER_TYPES: ReadonlySet<number> = new Set([
  DT.INT8,
  DT.INT16,
  DT.INT32,
  DT.INT64,
  DT.UINT8,
  DT.UINT16,
  DT.UINT32,
]);

export const isIntegerType = (t: number | undefined): boolean => t !== undefined && INTEGER_TYPES.has(t);

/** One reader of a tensor: a node of the main graph, or a node inside some subgraph (a branch of If, ...). */
export interface Reader {
  node: NodeProto;
  /** Which input of the node reads it. */
  slot: number;
  /** True when the node sits inside a subgraph: such a reader cannot be rewritten. */
  nested: boolean;
}

function visitSubgraphNodes(node: NodeProto, visit: (n: NodeProto) => void): void {
  for (const a of node.attribute) {
    for (const g of a.g ? [a.g] : []) {
      for (const inner of g.node) {
        visit(inner);
        visitSubgraphNodes(inner, visit);
      }
    }
  }
}

export class OnnxGraph {
  readonly graph: GraphProto;
  readonly initializers = new Map<string, TensorProto>();
  readonly producers = new Map<string, NodeProto>();
  readonly readers = new Map<string, Reader[]>();
  /** Outputs of Constant nodes, as tensors. */
  readonly constants = new Map<string, TensorProto>();

  constructor(
    readonly model: ModelProto,
    readonly fileName: string,
  ) {
    this.graph = model.graph;
    for (const t of this.graph.initializer) this.initializers.set(t.name, t);
    for (const node of this.graph.node) {
      for (const out of node.output) this.producers.set(out, node);
      node.input.forEach((name, slot) => this.addReader(name, { node, slot, nested: false }));
      visitSubgraphNodes(node, (inner) =>
        inner.input.forEach((name, slot) => this.addReader(name, { node: inner, slot, nested: true })),
      );
      if (node.opType === 'Constant' && node.output[0]) {
        const value = node.attribute.find((a) => a.name === 'value')?.t;
        if (value) this.constants.set(node.output[0], value);
      }
    }
  }

  /** Reads ONNX bytes; bytes that are not an ONNX model are one sentence naming the file. */
  static read(bytes: Uint8Array, fileName: string): OnnxGraph {
    let model: ModelProto;
    try {
      model = decodeModel(bytes);
    } catch (e) {
      if (e instanceof NestingError) throw nestingError(fileName, e);
      const why = e instanceof Error ? e.message : String(e);
      throw new StudioError(
        'MODEL_NOT_LAYERS',
        `${fileName} is not a readable ONNX model (${why}); export it again with torch.onnx.export or check that the ` +
          'file is complete.',
      );
    }
    if (!model.graph || model.graph.node.length === 0) {
      throw new StudioError(
        'MODEL_NOT_LAYERS',
        `${fileName} holds an ONNX model without nodes; export the model again.`,
      );
    }
    checkFiniteInitializers(model.graph, fileName);
    return new OnnxGraph(model, fileName);
  }

  private addReader(name: string, r: Reader): void {
    if (!name) return;
    const list = this.readers.get(name);
    if (list) list.push(r);
    else this.readers.set(name, [r]);
  }

  readersOf(name: string): Reader[] {
    return this.readers.get(name) ?? [];
  }

  /** The main opset version (default domain). */
  get opset(): number {
    return this.model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 1;
  }

  /** Graph inputs that are fed at run time (initializers listed as inputs are not). */
  get runtimeInputs() {
    return this.graph.input.filter((i) => !this.initializers.has(i.name));
  }

  /** A constant tensor's values (initializer or Constant node output), or undefined when it is computed. */
  constValues(name: string): Float64Array | undefined {
    const t = this.initializers.get(name) ?? this.constants.get(name);
    if (!t) return undefined;
    try {
      return tensorValues(t);
    } catch (e) {
      if (e instanceof TensorValueError) return undefined;
      throw e;
    }
  }

  /** A float32 view of an initializer's values. */
  floats(name: string): Float32Array {
    const t = this.initializers.get(name);
    if (!t) throw new StudioError('INTERNAL', `${this.fileName} has no initializer ${name}.`);
    return Float32Array.from(tensorValues(t));
  }

  /** CTR Studio's metadata (encoding, recipe) carried in metadata_props, or undefined. */
  get userDefinedMetadata(): Record<string, unknown> | undefined {
    const entry = this.model.metadataProps?.find((p) => p.key === ONNX_METADATA_KEY);
    if (!entry) return undefined;
    try {
      const value = JSON.parse(entry.value) as unknown;
      return value && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
    } catch {
      throw new StudioError(
        'MODEL_METADATA_INVALID',
        `The CTR Studio metadata in ${this.fileName} is not valid JSON; export the model again.`,
      );
    }
  }
}
