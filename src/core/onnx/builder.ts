/**
 * Building ONNX graphs in code: unique tensor names, nodes with typed attributes, initializers, inputs and
 * outputs, then a ModelProto. Used by the exporter and by tests that write PyTorch-style graphs. Pure.
 */
import {
  AT,
  DT,
  floatTensor,
  int64Tensor,
  type AttributeProto,
  type Dim,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx';

/** An int attribute. */
export const aInt = (name: string, i: number): AttributeProto => ({ name, type: AT.INT, i });
/** A float attribute. */
export const aFloat = (name: string, f: number): AttributeProto => ({ name, type: AT.FLOAT, f });
/** An ints attribute. */
export const aInts = (name: string, ints: number[]): AttributeProto => ({ name, type: AT.INTS, ints });
/** A tensor attribute (Constant's `value`). */
export const aTensor = (name: string, t: TensorProto): AttributeProto => ({ name, type: AT.TENSOR, t });
/** A string attribute. */
export const aString = (name: string, s: string): AttributeProto => ({
  name,
  type: AT.STRING,
  s: new TextEncoder().encode(s),
});

/** A tensor type: element type and dims (a string = symbolic dimension, null = unknown). */
export function tensorType(elemType: number, shape?: (number | string | null)[]): ValueInfoProto['type'] {
  const dims: Dim[] | undefined = shape?.map((d) =>
    typeof d === 'number' ? { value: d } : typeof d === 'string' ? { param: d } : {},
  );
  return { elemType, shape: dims };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private readonly taken = new Set<string>();
  private readonly nodeNames = new Set<string>();

  /** Marks names as used, so fresh() never returns them (e.g. every layer name before exporting). */
  reserve(names: Iterable<string>): void {
    for (const n of names) this.taken.add(n);
  }

  /** A tensor name not used yet: `base`, else `base_2`, ... */
  fresh(base: string): string {
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** Declares a graph input. */
  input(name: string, elemType: number, shape: (number | string | null)[]): string {
    this.taken.add(name);
    this.inputs.push({ name, type: tensorType(elemType, shape) });
    return name;
  }

  /** Declares a graph output (shape optional). */
  output(name: string, elemType: number = DT.FLOAT, shape?: (number | string | null)[]): void {
    this.outputs.push({ name, type: tensorType(elemType, shape) });
  }

  /** Adds a float32 initializer; returns its (fresh) name. */
  floats(base: string, dims: number[], values: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  /** Adds an int64 initializer; returns its (fresh) name. */
  int64s(base: string, dims: number[], values: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.initializers.push(int64Tensor(name, dims, values));
    return name;
  }

  /**
   * Adds a node; returns its output names. `outputs` names them (exact names, reserved) or counts them
   * (fresh names derived from the node name).
   */
  node(
    opType: string,
    inputs: string[],
    attrs: AttributeProto[] = [],
    opts: { name?: string; outputs?: string[] | number } = {},
  ): string[] {
    let name = opts.name ?? opType;
    for (let i = 2; this.nodeNames.has(name); i++) name = `${opts.name ?? opType}_${i}`;
    this.nodeNames.add(name);
    const outs = Array.isArray(opts.outputs)
      ? opts.outputs.map((o) => (this.taken.add(o), o))
      : Array.from({ length: opts.outputs ?? 1 }, (_, i) => this.fresh(`${name}_output_${i}`));
    this.nodes.push({ name, opType, domain: '', input: inputs, output: outs, attribute: attrs });
    return outs;
  }

  /** The model: graph plus IR version, opset and producer. */
  model(opts: {
    opset: number;
    irVersion: number;
    producerName: string;
    producerVersion: string;
    graphName?: string;
    docString?: string;
  }): ModelProto {
    return {
      irVersion: opts.irVersion,
      opsetImport: [{ domain: '', version: opts.opset }],
      producerName: opts.producerName,
      producerVersion: opts.producerVersion,
      docString: opts.docString,
      graph: {
        name: opts.graphName ?? 'graph',
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
        valueInfo: [],
      },
    };
  }
}
