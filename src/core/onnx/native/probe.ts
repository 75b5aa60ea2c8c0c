/**
 * The statistics graph: a copy of the model whose extra outputs are the tensors the engine measures — the
 * input of every Dense unit (its rows, or its columns for a weight on the left), the ids every table's
 * Gathers read (cast to int64), and the logit (the input of the final Sigmoid). Everything else is the
 * model as it is, so the statistics are those of the graph the user gave. Pure.
 */
import { encodeModel, type NodeProto, type ValueInfoProto } from '../onnx';
import { DT } from '../tensors';
import type { OnnxGraph } from './graph';
import type { OnnxUnit } from './units';

export interface ProbeOutputs {
  /** Per Dense unit: the output holding its input, and whether its vectors are columns (weight on the left). */
  dense: Map<string, { output: string; columns: boolean }>;
  /** Per table: the outputs holding the ids of each of its Gathers. */
  embeddings: Map<string, string[]>;
}

const floatOutput = (name: string): ValueInfoProto => ({ name, type: { elemType: DT.FLOAT } });

/** The graph output the model's score comes from, and its logit (the Sigmoid's input) when it has one. */
export function scoreTensors(g: OnnxGraph): { output: string; logit: string | null } {
  const output = g.graph.output[0].name;
  const producer = g.producers.get(output);
  return { output, logit: producer?.opType === 'Sigmoid' ? producer.input[0] : null };
}

/** A graph that also outputs the logit (for scoring by logits). */
export function logitGraph(g: OnnxGraph): { bytes: Uint8Array; logit: string } | null {
  const { logit } = scoreTensors(g);
  if (!logit || g.graph.output.some((o) => o.name === logit))
    return logit ? { bytes: encodeModel(g.model), logit } : null;
  return {
    bytes: encodeModel({ ...g.model, graph: { ...g.graph, output: [...g.graph.output, floatOutput(logit)] } }),
    logit,
  };
}

/** The statistics graph for some units. */
export function probeGraph(g: OnnxGraph, units: OnnxUnit[]): { bytes: Uint8Array; outputs: ProbeOutputs } {
  const extra: ValueInfoProto[] = [];
  const casts: NodeProto[] = [];
  const seen = new Set(g.graph.output.map((o) => o.name));
  const outputs: ProbeOutputs = { dense: new Map(), embeddings: new Map() };
  const expose = (name: string, info: ValueInfoProto) => {
    if (!seen.has(name)) extra.push(info);
    seen.add(name);
  };
  for (const u of units) {
    if (u.kind === 'dense') {
      const x = u.node.input[u.orientation === 'left' ? 1 : 0];
      expose(x, floatOutput(x));
      outputs.dense.set(u.name, { output: x, columns: u.orientation === 'left' });
      continue;
    }
    const names = u.nodes.map((gather, i) => {
      const out = `${gather.input[1]}__ids_int64`;
      if (!seen.has(out)) {
        casts.push({
          opType: 'Cast',
          name: `${gather.name || u.weight}/probe_cast_${i}`,
          domain: '',
          input: [gather.input[1]],
          output: [out],
          attribute: [{ name: 'to', type: 2, i: DT.INT64 }],
        });
      }
      expose(out, { name: out, type: { elemType: DT.INT64 } });
      return out;
    });
    outputs.embeddings.set(u.name, names);
  }
  const graph = { ...g.graph, node: [...g.graph.node, ...casts], output: [...g.graph.output, ...extra] };
  return { bytes: encodeModel({ ...g.model, graph }), outputs };
}
