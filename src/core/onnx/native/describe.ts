/**
 * A readable account of an ONNX graph for the architecture panel and `ctr-studio inspect`: every node but
 * the constants, with its operator, output shape (where the graph declares it), the parameters it reads and
 * the nodes it reads from; the nodes of Dense and Embedding units carry their compression entry. Pure.
 */
import type { LayerInfo } from '../../compress/inventory';
import type { LayerDescription, ModelDescription } from '../../layers/describe';
import type { TypeProto } from '../onnx';
import { elementCount } from '../tensors';
import type { OnnxGraph } from './graph';
import { graphParams } from './target';
import type { OnnxUnit } from './units';

function shapeOf(type: TypeProto | undefined): (number | null)[] | null {
  if (!type?.shape) return null;
  return type.shape.map((d, i) => (i === 0 && d.value === undefined ? null : (d.value ?? null)));
}

export function describeOnnx(g: OnnxGraph, units: OnnxUnit[], inventory: LayerInfo[]): ModelDescription {
  const types = new Map<string, TypeProto | undefined>();
  for (const v of [...g.graph.valueInfo, ...g.graph.output, ...g.graph.input]) types.set(v.name, v.type);
  const unitOf = new Map<unknown, OnnxUnit>();
  for (const u of units) for (const n of u.kind === 'dense' ? [u.node] : u.nodes) unitOf.set(n, u);
  const infoOf = new Map(inventory.map((l) => [l.name, l]));
  const layers: LayerDescription[] = g.graph.node
    .filter((n) => n.opType !== 'Constant')
    .map((n) => {
      const u = unitOf.get(n);
      const info = u ? infoOf.get(u.name) : undefined;
      const params = n.input.reduce(
        (s, i) => s + (g.initializers.has(i) ? elementCount(g.initializers.get(i)!.dims) : 0),
        0,
      );
      return {
        name: u && (u.kind === 'dense' || u.nodes.length === 1) ? u.name : n.name || n.output[0],
        className: n.opType,
        outputShape: shapeOf(types.get(n.output[0])),
        params,
        inputs: n.input.flatMap((i) => {
          const p = g.producers.get(i);
          return p && p.opType !== 'Constant' ? [p.name || i] : g.graph.input.some((x) => x.name === i) ? [i] : [];
        }),
        ...(info
          ? {
              compression: {
                compressible: info.compressible,
                breakEvenRank: info.breakEvenRank,
                ...(info.reason ? { reason: info.reason } : {}),
              },
            }
          : {}),
      };
    });
  const compressibleParams = inventory.filter((l) => l.compressible).reduce((s, l) => s + l.params, 0);
  return {
    className: `ONNX graph (opset ${g.opset})`,
    layers,
    params: graphParams(g),
    compressibleParams,
    inputs: g.runtimeInputs.map((i) => i.name),
    outputs: g.graph.output.map((o) => o.name),
  };
}
