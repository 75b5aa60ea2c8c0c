/**
 * A tfjs layers-model (ModelArtifacts as saveModelToArtifacts writes them, float32 or quantized weights) →
 * an ONNX model (opset 17 by default) that ONNX Runtime or a PyTorch user can serve: every layer maps to
 * standard operators (Gather, MatMul, Add, activations, Concat, ...), inputs keep their names with a dynamic
 * batch axis, ids are int64 by default (torch's LongTensor). Compressed models export as they are: a factored
 * Dense is two MatMuls, a factored table a Gather then a MatMul on [batch, 1, k]. Pure.
 */
import { StudioError } from '../errors';
import { parseTopology, type LayerGraph, type LayerNode, type TensorRef } from '../layers/topology';
import { decodeWeights } from '../layers/weights';
import { FIELD_EMBEDDING_CLASS_NAME } from '../layers/customClasses';
import type { ModelArtifacts } from '../layers/artifacts';
import { STUDIO_VERSION } from '../version';
import { aInt, GraphBuilder } from './builder';
import { ExportIssue, LAYER_EXPORTERS, type ExportState } from './exportLayers';
import { DT, encodeModel } from './onnx';

export interface OnnxExportOptions {
  /** ONNX operator set: 13 (ONNX Runtime ≥ 1.6) or 17 (default; ONNX Runtime ≥ 1.13). */
  opset?: 13 | 17;
  /** Element type of id inputs: 'int64' (default; what PyTorch feeds) or 'int32' (what tfjs feeds). */
  idType?: 'int64' | 'int32';
}

/** Metadata key under which the tfjs model's userDefinedMetadata travels (JSON), for the way back. */
export const METADATA_KEY = 'tfjs.userDefinedMetadata';

/** Layer classes the exporter writes (InputLayer becomes a graph input). */
export const EXPORTABLE_LAYER_CLASSES = ['InputLayer', ...Object.keys(LAYER_EXPORTERS)].sort();

/** Layer classes that read integer ids as they are. */
const ID_READERS = new Set(['Embedding', FIELD_EMBEDDING_CLASS_NAME]);

const tensorName = (r: Pick<TensorRef, 'layer' | 'node' | 'tensor'>) =>
  r.node === 0 && r.tensor === 0 ? r.layer : `${r.layer}:${r.node}:${r.tensor}`;

function refuse(layers: { name: string; className: string; why?: string }[]): StudioError {
  const byClass = new Map<string, string[]>();
  for (const l of layers) {
    const key = l.why ? `${l.className} (layer ${l.name}: ${l.why})` : l.className;
    byClass.set(key, [...(byClass.get(key) ?? []), l.name]);
  }
  const parts = [...byClass].map(([key, names]) =>
    key.includes('(')
      ? key
      : `${key} (layer${names.length > 1 ? 's' : ''} ` +
        `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''})`,
  );
  return new StudioError(
    'MODEL_UNKNOWN_LAYER',
    `The model uses ${parts.join(' and ')}, which the ONNX export cannot write; ` +
      `export it as a tfjs layers-model instead, or rebuild it from ` +
      `${EXPORTABLE_LAYER_CLASSES.join(', ')}.`,
    { layers },
  );
}

function inputShape(layer: LayerNode): (number | null)[] {
  const cfg = layer.config;
  const shape = (cfg.batch_input_shape ?? cfg.batch_shape) as (number | null)[] | undefined;
  if (!Array.isArray(shape) || shape.length === 0)
    throw refuse([{ name: layer.name, className: 'InputLayer', why: 'it has no input shape' }]);
  return shape;
}

/** Converts layers-model artifacts to ONNX bytes; throws a StudioError naming the layer classes it cannot write. */
export function exportOnnx(artifacts: ModelArtifacts, opts: OnnxExportOptions = {}): Uint8Array {
  const opset = opts.opset ?? 17;
  const idType = opts.idType ?? 'int64';
  const graph = parseTopology(artifacts.modelTopology);
  const unknown = graph.layers.filter((l) => l.className !== 'InputLayer' && !LAYER_EXPORTERS[l.className]);
  if (unknown.length > 0) throw refuse(unknown);

  const b = new GraphBuilder();
  b.reserve(graph.layers.map((l) => l.name));
  const s: ExportState = {
    b,
    weights: decodeWeights(artifacts),
    opset,
    rank: new Map(),
    int: new Map(),
    inits: new Map(),
  };

  writeInputs(graph, s, idType);
  writeCalls(graph, s);
  writeOutputs(graph, s);

  const model = b.model({
    opset,
    irVersion: opset >= 17 ? 8 : 7,
    producerName: 'CTR Studio',
    producerVersion: STUDIO_VERSION,
    graphName: graph.name,
  });
  if (artifacts.userDefinedMetadata)
    model.metadataProps = [{ key: METADATA_KEY, value: JSON.stringify(artifacts.userDefinedMetadata) }];
  return encodeModel(model);
}

/** Declares the model's inputs as graph inputs with a dynamic batch axis (ids as `idType`), noting rank and type. */
function writeInputs(graph: LayerGraph, s: ExportState, idType: 'int64' | 'int32'): void {
  const b = s.b;
  for (const ref of graph.inputs) {
    const layer = graph.byName.get(ref.layer)!;
    const shape = inputShape(layer);
    const int = layer.config.dtype === 'int32';
    const dims = shape.map((d, i) => (i === 0 ? 'batch' : (d ?? `${layer.name}_dim${i}`)));
    b.input(layer.name, int ? (idType === 'int64' ? DT.INT64 : DT.INT32) : DT.FLOAT, dims);
    s.rank.set(layer.name, shape.length);
    s.int.set(layer.name, int);
  }
}

/**
 * Writes every call of every layer the outputs need, in dependency order (a shared layer is written once per
 * call); throws one error naming every layer it could not write.
 */
function writeCalls(graph: LayerGraph, s: ExportState): void {
  const b = s.b;
  const done = new Set<string>(graph.inputs.map(tensorName));
  const visiting = new Set<string>();
  const problems: { name: string; className: string; why: string }[] = [];
  const write = (layer: LayerNode, node: number, out: string) => {
    const inbound = layer.inbound[node];
    // Only Embedding (and FieldEmbedding) reads ids; anything else that reads an int input reads it as floats.
    const inputs = inbound.map((r) => {
      const name = tensorName(r);
      if (!s.int.get(name) || ID_READERS.has(layer.className)) return name;
      const [cast] = b.node('Cast', [name], [aInt('to', DT.FLOAT)], { name: `${layer.name}/Cast` });
      s.rank.set(cast, s.rank.get(name) ?? 2);
      return cast;
    });
    try {
      LAYER_EXPORTERS[layer.className](s, layer, inputs, out);
    } catch (e) {
      if (!(e instanceof ExportIssue)) throw e;
      problems.push({ name: layer.name, className: layer.className, why: e.message });
      s.rank.set(out, 2); // keep going, to report every problem at once
    }
    done.add(out);
  };
  // Depth first from each output, inputs before the call that reads them; a stack instead of recursion, so a
  // graph of any depth cannot overflow the call stack.
  const visit = (root: LayerNode, rootNode: number) => {
    const stack: { layer: LayerNode; node: number; out: string; next: number }[] = [];
    const enter = (layer: LayerNode, node: number) => {
      const out = tensorName({ layer: layer.name, node, tensor: 0 });
      if (done.has(out)) return;
      if (visiting.has(out))
        throw refuse([{ name: layer.name, className: layer.className, why: 'it is part of a cycle' }]);
      visiting.add(out);
      const inbound = layer.inbound[node] ?? [];
      if (layer.className === 'InputLayer' || inbound.length === 0)
        throw refuse([{ name: layer.name, className: layer.className, why: 'it is an input the model does not list' }]);
      stack.push({ layer, node, out, next: 0 });
    };
    enter(root, rootNode);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const inbound = top.layer.inbound[top.node];
      if (top.next < inbound.length) {
        const r = inbound[top.next++];
        enter(graph.byName.get(r.layer)!, r.node);
        continue;
      }
      stack.pop();
      write(top.layer, top.node, top.out);
    }
  };
  for (const ref of graph.outputs) {
    const layer = graph.byName.get(ref.layer)!;
    if (layer.className !== 'InputLayer') visit(layer, ref.node);
  }
  if (problems.length > 0) throw refuse(problems);
}

/** Declares the graph outputs (an output that is also an input goes through an Identity). */
function writeOutputs(graph: LayerGraph, s: ExportState): void {
  const b = s.b;
  for (const ref of graph.outputs) {
    let name = tensorName(ref);
    // An ONNX graph output cannot also be a graph input: pass such an output through an Identity.
    if (graph.byName.get(ref.layer)?.className === 'InputLayer')
      [name] = b.node('Identity', [name], [], { outputs: [b.fresh(`${name}_output`)] });
    b.output(name, DT.FLOAT, ['batch', ...new Array<string | null>((s.rank.get(name) ?? 2) - 1).fill(null)]);
  }
}
