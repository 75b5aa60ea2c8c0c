/**
 * State of one ONNX → layers-model conversion: what each ONNX tensor became (a constant, or the output of a
 * tfjs layer with its static shape), the layer list and weights being built, unique layer names, and the
 * problems found so far (collected, so the user hears about every unsupported node in one sentence). Pure.
 */
import type { Weight } from '../layers/weights';
import { uniqueName } from '../layers/topology';
import type { Const } from './fold';
import type { NodeProto } from './onnx';

/** A reference to a layer output, as inbound_nodes write it: [layer, node index, tensor index]. */
export type Ref = [string, number, number];

/** Static shape of a tfjs tensor; index 0 is the batch axis (null), null elsewhere = unknown. */
export type Shape = (number | null)[];

/** What an ONNX tensor is after conversion. */
export type Value =
  | { kind: 'const'; c: Const; source: string }
  | { kind: 'tensor'; ref: Ref; shape: Shape; int: boolean };

export type TensorValue = Extract<Value, { kind: 'tensor' }>;

/** One layer of the topology being written (the Keras JSON form tfjs reads). */
export interface LayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: unknown[][];
}

/** An unsupported node, or a supported operator used in a form CTR Studio cannot convert. */
export interface Issue {
  op: string;
  node: string;
  reason?: string;
}

/** A tfjs layer name: only [A-Za-z0-9_.-], starting with a letter (ONNX names often start with '/'). */
export function sanitizeName(name: string): string {
  const clean = name.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z]/.test(clean) ? clean : `n_${clean}`;
}

export class ImportContext {
  readonly layers: LayerJson[] = [];
  readonly weights: [string, Weight][] = [];
  readonly values = new Map<string, Value>();
  readonly issues: Issue[] = [];
  /** Names of constants some converted node took as a weight or parameter. */
  readonly used = new Set<string>();
  /** Nodes already converted as part of another node's layer (bias Add, activation, FM subgraph). */
  readonly skip = new Set<NodeProto>();
  /** Embedding layer per table initializer, so Gathers that share a table share one layer. */
  readonly embeddings = new Map<string, { layer: string; calls: number }>();
  private readonly taken = new Set<string>();

  constructor(
    readonly opset: number,
    /** Consuming nodes of each tensor name. */
    readonly consumers: Map<string, NodeProto[]>,
    /** Names of the graph's outputs. */
    readonly graphOutputs: Set<string>,
    /** The batch size the graph was exported with, when its inputs fix one (torch without dynamic_axes). */
    readonly staticBatch: number | null,
  ) {}

  /** A fresh unique layer name derived from `base`. */
  name(base: string): string {
    const n = uniqueName(sanitizeName(base), this.taken);
    this.taken.add(n);
    return n;
  }

  /**
   * A fresh layer name for a node: its ONNX name without the trailing op segment (torch names nodes
   * "/module.path/OpType_n", so the module path names the layer), else its op type.
   */
  nodeName(node: NodeProto, suffix = ''): string {
    const scope = node.name.replace(/\/[^/]*$/, '').replace(/^\/+/, '');
    return this.name((scope || node.name || node.opType) + suffix);
  }

  /** Appends a layer called once on `inputs`; returns the reference to its output. */
  addLayer(name: string, className: string, config: Record<string, unknown>, inputs: Ref[]): Ref {
    this.layers.push({
      name,
      class_name: className,
      config: { name, trainable: true, ...config },
      inbound_nodes: inputs.length ? [inputs.map((r) => [...r, {}])] : [],
    });
    return [name, 0, 0];
  }

  /** Adds a float32 weight (`${layer}/${weight}` is the name tfjs looks up). */
  addWeight(name: string, shape: number[], values: Float32Array): void {
    this.weights.push([name, { shape, dtype: 'float32', values }]);
  }

  /** Records a problem with a node; its outputs stay undefined so later nodes that read them are skipped. */
  fail(node: NodeProto, reason?: string): void {
    this.issues.push({ op: node.opType, node: node.name || `#${node.output[0] ?? '?'}`, reason });
  }

  /** The value of an input name; undefined for absent optional inputs ('') and unconverted ones. */
  value(name: string | undefined): Value | undefined {
    return name ? this.values.get(name) : undefined;
  }

  /** The constant behind an input, marking it used; undefined when the input is not constant. */
  constant(name: string | undefined): Const | undefined {
    const v = this.value(name);
    if (v?.kind !== 'const') return undefined;
    this.used.add(v.source);
    return v.c;
  }

  /** The tensor behind an input; undefined when the input is a constant or absent. */
  tensor(name: string | undefined): TensorValue | undefined {
    const v = this.value(name);
    return v?.kind === 'tensor' ? v : undefined;
  }

  setTensor(name: string, ref: Ref, shape: Shape, int = false): void {
    this.values.set(name, { kind: 'tensor', ref, shape, int });
  }

  setConst(name: string, c: Const, source = name): void {
    this.values.set(name, { kind: 'const', c, source });
  }

  /** The one node reading `tensor`, when it has exactly one reader and is not a graph output. */
  soleConsumer(tensor: string): NodeProto | undefined {
    const list = this.consumers.get(tensor) ?? [];
    return list.length === 1 && !this.graphOutputs.has(tensor) ? list[0] : undefined;
  }
}
