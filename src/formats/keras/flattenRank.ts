/**
 * Keras' Flatten leaves a [batch, n] tensor as it is; tfjs' refuses any input below rank 3. In a flat
 * Functional graph the rank of every tensor is followed from the InputLayers where the layer classes say it
 * (unknown elsewhere), and a Flatten known to read a rank-2 tensor becomes a linear Activation, which does
 * the same. Pure.
 */
import { FM_CLASS_NAME, ONNX_LAYER_CLASS_NAMES } from '../../core/layers/customClasses';
import type { Json } from './config';
import { RECURRENT } from './layerWeights';

const SAME_RANK = new Set([
  'Dense',
  'Activation',
  'Dropout',
  'BatchNormalization',
  'LayerNormalization',
  'Add',
  'Multiply',
  'Subtract',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
  'ReLU',
  'LeakyReLU',
  'Softmax',
  ONNX_LAYER_CLASS_NAMES.constantOp,
]);

/** Output rank of a layer from its input ranks (with the batch axis), or undefined when not known. */
function outputRank(layer: Json, ins: number[]): number | undefined {
  const cls = layer.class_name as string;
  const c = (layer.config ?? {}) as Json;
  if (SAME_RANK.has(cls)) return Math.max(...ins);
  if (cls === 'Embedding') return ins[0] + 1;
  if (cls === 'Flatten' || cls === FM_CLASS_NAME || cls === 'Dot') return 2;
  if (cls === 'Reshape' && Array.isArray(c.target_shape)) return c.target_shape.length + 1;
  if (cls === ONNX_LAYER_CLASS_NAMES.reduce && Array.isArray(c.axes))
    return c.keep_dims === false ? ins[0] - c.axes.length : ins[0];
  if (RECURRENT.has(cls)) return c.return_sequences === true ? 3 : 2;
  return undefined;
}

/** The model with every Flatten of a rank-2 tensor made a linear Activation (others untouched). */
export function flattenRankTwo(model: Json): Json {
  const config = model.config as Json;
  if (model.class_name === 'Sequential' || !Array.isArray(config.layers)) return model;
  const layers = config.layers as Json[];
  const rank = new Map<string, number>();
  for (const l of layers) {
    const shape = (l.config as Json | undefined)?.batch_input_shape;
    if (l.class_name === 'InputLayer' && Array.isArray(shape)) rank.set(l.name as string, shape.length);
  }
  const rankTwo = new Set<Json>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const l of layers) {
      const nodes = (l.inbound_nodes as unknown[][]) ?? [];
      if (rank.has(l.name as string) || nodes.length !== 1) continue;
      const ins = nodes[0].map((r) => rank.get(String((r as unknown[])[0])));
      if (ins.length === 0 || ins.some((r) => r === undefined)) continue;
      if (l.class_name === 'Flatten' && ins[0] === 2) rankTwo.add(l);
      const out = outputRank(l, ins as number[]);
      if (out === undefined) continue;
      rank.set(l.name as string, out);
      changed = true;
    }
  }
  if (rankTwo.size === 0) return model;
  const next = layers.map((l) =>
    rankTwo.has(l)
      ? { ...l, class_name: 'Activation', config: { name: l.name, activation: 'linear', trainable: true } }
      : l,
  );
  return { ...model, config: { ...config, layers: next } };
}
