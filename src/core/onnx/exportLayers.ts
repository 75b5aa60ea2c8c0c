/**
 * tfjs layer → ONNX nodes, one function per layer class: Dense → MatMul (+ Add) (+ activation), Embedding →
 * Gather, FMInteraction → the ReduceSum/Mul/Sub subgraph, FieldProjection → a MatMul and Add per field and a
 * Concat, FieldEmbedding → a Gather per table and a Concat, merges → Add/Sum/Mul/Concat, shape layers →
 * Flatten/Reshape, and the Onnx* helper layers back to the operators they came from. Pure.
 */
import type { LayerNode } from '../layers/topology';
import type { Weight } from '../layers/weights';
import { aInt, aInts, type GraphBuilder } from './builder';
import { DT } from './onnx';

/** What a layer exporter works with. */
export interface ExportState {
  b: GraphBuilder;
  weights: Map<string, Weight>;
  opset: number;
  /** Rank of each tensor (batch axis included) and whether it holds integer ids. */
  rank: Map<string, number>;
  int: Map<string, boolean>;
  /** Initializer name per weight name, so a shared layer's weights are written once. */
  inits: Map<string, string>;
}

/** Writes the ONNX nodes of one call of a layer, reading `inputs`, producing the tensor named `out`. */
export type LayerExporter = (s: ExportState, layer: LayerNode, inputs: string[], out: string) => void;

/** tfjs activation → ONNX op (null = identity). */
const ACTIVATION_OPS: Record<string, string | null> = {
  linear: null,
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softplus: 'Softplus',
  softsign: 'Softsign',
  elu: 'Elu',
  selu: 'Selu',
  softmax: 'Softmax',
};

/** Activations the exporter can write. */
export const EXPORTABLE_ACTIVATIONS = Object.keys(ACTIVATION_OPS);

/** Thrown for a layer configuration the exporter cannot write (the caller words the StudioError). */
export class ExportIssue extends Error {}

/** A layer's weight values (`${layer}/${weight}`, as tfjs names them). */
function weightValue(s: ExportState, layer: LayerNode, w: string): Weight {
  const value = s.weights.get(`${layer.name}/${w}`);
  if (!value) throw new ExportIssue(`its weight ${layer.name}/${w} is not in the weight manifest`);
  return value;
}

/** A layer's weight as an initializer (written once, however many calls read it). */
function weight(s: ExportState, layer: LayerNode, w: string): { name: string; value: Weight } {
  const key = `${layer.name}/${w}`;
  const value = weightValue(s, layer, w);
  let name = s.inits.get(key);
  if (!name) {
    name = s.b.floats(key, value.shape, value.values);
    s.inits.set(key, name);
  }
  return { name, value };
}

/** One step of a chain: an op applied to the previous output (plus extra inputs and attributes). */
type Step = { op: string; extra?: string[]; first?: boolean; attrs?: ReturnType<typeof aInt>[] };

/** Runs steps in sequence from `x`; the last step writes `out` (an Identity when there are no steps). */
function chain(s: ExportState, layer: LayerNode, x: string, steps: Step[], out: string): void {
  if (steps.length === 0) steps = [{ op: 'Identity' }];
  let cur = x;
  steps.forEach((st, i) => {
    const last = i === steps.length - 1;
    const inputs = st.first ? [...(st.extra ?? []), cur] : [cur, ...(st.extra ?? [])];
    [cur] = s.b.node(st.op, inputs, st.attrs ?? [], { name: `${layer.name}/${st.op}`, outputs: last ? [out] : 1 });
  });
}

function activationStep(act: unknown): Step | null {
  const name = typeof act === 'string' ? act : 'linear';
  if (!(name in ACTIVATION_OPS))
    throw new ExportIssue(
      `its activation ${name} has no ONNX export here (supported: ${EXPORTABLE_ACTIVATIONS.join(', ')})`,
    );
  const op = ACTIVATION_OPS[name];
  if (!op) return null;
  return op === 'Softmax' ? { op, attrs: [aInt('axis', -1)] } : { op };
}

const int64 = (s: ExportState, base: string, values: number[]) => s.b.int64s(base, [values.length], values);

const dense: LayerExporter = (s, layer, [x], out) => {
  const steps: Step[] = [{ op: 'MatMul', extra: [weight(s, layer, 'kernel').name] }];
  if (layer.config.use_bias !== false) steps.push({ op: 'Add', extra: [weight(s, layer, 'bias').name] });
  const act = activationStep(layer.config.activation);
  if (act) steps.push(act);
  chain(s, layer, x, steps, out);
  s.rank.set(out, s.rank.get(x) ?? 2);
};

const embedding: LayerExporter = (s, layer, [ids], out) => {
  const table = weight(s, layer, 'embeddings').name;
  // tfjs casts float ids to int32 (truncating) inside Embedding; ONNX Gather needs integer indices.
  const steps: Step[] = s.int.get(ids) ? [] : [{ op: 'Cast', attrs: [aInt('to', DT.INT64)] }];
  steps.push({ op: 'Gather', extra: [table], first: true, attrs: [aInt('axis', 0)] });
  chain(s, layer, ids, steps, out);
  s.rank.set(out, (s.rank.get(ids) ?? 2) + 1);
};

const activation: LayerExporter = (s, layer, [x], out) => {
  const st = activationStep(layer.config.activation);
  chain(s, layer, x, st ? [st] : [], out);
  s.rank.set(out, s.rank.get(x) ?? 2);
};

/** Two inputs: the binary op; more: the variadic op (Sum/Mean/Max/Min), or a chain for Mul (not variadic). */
function merge(binaryOp: string, variadicOp: string | null): LayerExporter {
  return (s, layer, inputs, out) => {
    if (inputs.length === 2 || !variadicOp) {
      const rest = inputs.slice(1).map((i): Step => ({ op: binaryOp, extra: [i] }));
      chain(s, layer, inputs[0], rest, out);
    } else {
      s.b.node(variadicOp, inputs, [], { name: `${layer.name}/${variadicOp}`, outputs: [out] });
    }
    s.rank.set(
      out,
      inputs.reduce((r, i) => Math.max(r, s.rank.get(i) ?? 2), -Infinity),
    );
  };
}

const concatenate: LayerExporter = (s, layer, inputs, out) => {
  const axis = Number(layer.config.axis ?? -1);
  s.b.node('Concat', inputs, [aInt('axis', axis)], { name: `${layer.name}/Concat`, outputs: [out] });
  s.rank.set(out, s.rank.get(inputs[0]) ?? 2);
};

const flatten: LayerExporter = (s, layer, [x], out) => {
  if (layer.config.data_format === 'channels_first' && (s.rank.get(x) ?? 2) > 2)
    throw new ExportIssue('it flattens channels_first data');
  chain(s, layer, x, [{ op: 'Flatten', attrs: [aInt('axis', 1)] }], out);
  s.rank.set(out, 2);
};

const reshape: LayerExporter = (s, layer, [x], out) => {
  const target = (layer.config.target_shape as number[]).map(Number);
  // 0 in ONNX Reshape copies the input's dimension at that index: the batch axis stays dynamic.
  chain(s, layer, x, [{ op: 'Reshape', extra: [int64(s, `${layer.name}/shape`, [0, ...target])] }], out);
  s.rank.set(out, target.length + 1);
};

const identity: LayerExporter = (s, layer, [x], out) => {
  chain(s, layer, x, [], out);
  s.rank.set(out, s.rank.get(x) ?? 2);
};

/** ReduceSum takes axes as an input from opset 13, ReduceMean only from opset 18. */
function reduceStep(
  s: ExportState,
  layer: LayerNode,
  op: 'ReduceSum' | 'ReduceMean',
  axes: number[],
  keepDims: boolean,
): Step {
  const asInput = op === 'ReduceSum' ? s.opset >= 13 : s.opset >= 18;
  const keep = aInt('keepdims', keepDims ? 1 : 0);
  return asInput
    ? { op, extra: [int64(s, `${layer.name}/axes`, axes)], attrs: [keep] }
    : { op, attrs: [aInts('axes', axes), keep] };
}

const fm: LayerExporter = (s, layer, [x], out) => {
  // ½ Σ_d ((Σ_f x)² − Σ_f x²): both field sums drop the field axis, the last sum keeps [batch, 1].
  const square = (t: string, what: string) => s.b.node('Mul', [t, t], [], { name: `${layer.name}/${what}` })[0];
  const [sum] = s.b.node('ReduceSum', [x, int64(s, `${layer.name}/field_axis`, [1])], [aInt('keepdims', 0)], {
    name: `${layer.name}/sum_fields`,
  });
  const squareOfSum = square(sum, 'square_of_sum');
  const [sumOfSquares] = s.b.node(
    'ReduceSum',
    [square(x, 'square'), int64(s, `${layer.name}/field_axis`, [1])],
    [aInt('keepdims', 0)],
    { name: `${layer.name}/sum_of_squares` },
  );
  const [diff] = s.b.node('Sub', [squareOfSum, sumOfSquares], [], { name: `${layer.name}/Sub` });
  const half = s.b.floats(`${layer.name}/half`, [], [0.5]);
  chain(s, layer, diff, [reduceStep(s, layer, 'ReduceSum', [1], true), { op: 'Mul', extra: [half] }], out);
  s.rank.set(out, 2);
};

const onnxReduce: LayerExporter = (s, layer, [x], out) => {
  const axes = (layer.config.axes as number[]).map(Number);
  const keep = layer.config.keep_dims !== false;
  chain(s, layer, x, [reduceStep(s, layer, layer.config.op === 'mean' ? 'ReduceMean' : 'ReduceSum', axes, keep)], out);
  s.rank.set(out, keep ? (s.rank.get(x) ?? 2) : (s.rank.get(x) ?? 2) - axes.length);
};

const CONSTANT_OPS: Record<string, [string, boolean]> = {
  add: ['Add', false],
  sub: ['Sub', false],
  rsub: ['Sub', true],
  mul: ['Mul', false],
  div: ['Div', false],
  rdiv: ['Div', true],
  pow: ['Pow', false],
};

const onnxConstantOp: LayerExporter = (s, layer, [x], out) => {
  const spec = CONSTANT_OPS[String(layer.config.op)];
  if (!spec) throw new ExportIssue(`its operation ${String(layer.config.op)} is unknown`);
  chain(s, layer, x, [{ op: spec[0], extra: [weight(s, layer, 'value').name], first: spec[1] }], out);
  s.rank.set(out, Math.max(s.rank.get(x) ?? 2, (layer.config.value_shape as number[]).length + 1));
};

const onnxBinary: LayerExporter = (s, layer, inputs, out) => {
  const op = layer.config.op === 'div' ? 'Div' : 'Sub';
  s.b.node(op, inputs, [], { name: `${layer.name}/${op}`, outputs: [out] });
  s.rank.set(
    out,
    inputs.reduce((r, i) => Math.max(r, s.rank.get(i) ?? 2), -Infinity),
  );
};

const onnxSlice: LayerExporter = (s, layer, [x], out) => {
  const list = (k: string) => (layer.config[k] as number[]).map(Number);
  const extra = [
    int64(s, `${layer.name}/starts`, list('starts')),
    int64(s, `${layer.name}/ends`, list('ends')),
    int64(s, `${layer.name}/axes`, list('axes')),
  ];
  chain(s, layer, x, [{ op: 'Slice', extra }], out);
  s.rank.set(out, s.rank.get(x) ?? 2);
};

const batchNorm: LayerExporter = (s, layer, [x], out) => {
  // Inference: y = x·scale + shift per channel, folded here so any axis works (ONNX's op normalises axis 1).
  const eps = Number(layer.config.epsilon ?? 1e-3);
  const mean = weightValue(s, layer, 'moving_mean').values;
  const variance = weightValue(s, layer, 'moving_variance').values;
  const gamma = layer.config.scale === false ? null : s.weights.get(`${layer.name}/gamma`)?.values;
  const beta = layer.config.center === false ? null : s.weights.get(`${layer.name}/beta`)?.values;
  const c = mean.length;
  const scale = Float32Array.from({ length: c }, (_, i) => (gamma ? gamma[i] : 1) / Math.sqrt(variance[i] + eps));
  const shift = Float32Array.from({ length: c }, (_, i) => (beta ? beta[i] : 0) - mean[i] * scale[i]);
  const rank = s.rank.get(x) ?? 2;
  const axis = Number(layer.config.axis ?? -1) < 0 ? Number(layer.config.axis ?? -1) + rank : Number(layer.config.axis);
  const dims = [c, ...new Array<number>(rank - 1 - axis).fill(1)];
  const steps: Step[] = [
    { op: 'Mul', extra: [s.b.floats(`${layer.name}/scale`, dims, scale)] },
    { op: 'Add', extra: [s.b.floats(`${layer.name}/shift`, dims, shift)] },
  ];
  chain(s, layer, x, steps, out);
  s.rank.set(out, rank);
};

/**
 * FieldProjection (a compressed model's batched embedding up-projections): per projected field a MatMul with its
 * slice of the stacked kernel and an Add of its bias row, as the Dense it replaced was written (a stacked input
 * [batch, n, k] sliced per field first), then one Concat on the layer's axis. ONNX Runtime runs small operators
 * cheaply, and the importer reads them back as Dense layers.
 */
const fieldProjection: LayerExporter = (s, layer, inputs, out) => {
  const ranks = (layer.config.ranks as number[]).map(Number);
  const counts = ((layer.config.fields as number[] | undefined) ?? ranks.map(() => 1)).map(Number);
  const units = Number(layer.config.units);
  const axis = Number(layer.config.axis);
  if (ranks.length !== inputs.length || counts.length !== inputs.length)
    throw new ExportIssue(`it lists ${ranks.length} ranks for ${inputs.length} inputs`);
  const kernel = weightValue(s, layer, 'kernel').values;
  const bias = weightValue(s, layer, 'bias').values;
  const rows = ranks.reduce((a, k, i) => a + k * counts[i], 0);
  const fields = ranks.reduce((a, k, i) => a + (k > 0 ? counts[i] : 0), 0);
  if (kernel.length !== rows * units || bias.length !== fields * units)
    throw new ExportIssue('its kernel or bias does not match its ranks and units');
  let row = 0;
  let field = 0;
  const name = (what: string) => ({ name: `${layer.name}/${what}_${field}` });
  const parts = inputs.flatMap((x, i) => {
    const k = ranks[i];
    if (k === 0) return [x];
    return Array.from({ length: counts[i] }, (_, j) => {
      const one =
        counts[i] === 1
          ? x
          : s.b.node(
              'Slice',
              [x, ...[[j], [j + 1], [1]].map((v, n) => int64(s, `${layer.name}/slice_${field}_${n}`, v))],
              [],
              name('Slice'),
            )[0];
      const w = s.b.floats(
        `${layer.name}/kernel_${field}`,
        [k, units],
        kernel.subarray(row * units, (row + k) * units),
      );
      const c = s.b.floats(`${layer.name}/bias_${field}`, [units], bias.subarray(field * units, (field + 1) * units));
      const [product] = s.b.node('MatMul', [one, w], [], name('MatMul'));
      const [shifted] = s.b.node('Add', [product, c], [], name('Add'));
      s.rank.set(shifted, 3);
      row += k;
      field += 1;
      return shifted;
    });
  });
  s.b.node('Concat', parts, [aInt('axis', axis)], { name: `${layer.name}/Concat`, outputs: [out] });
  s.rank.set(out, 3);
};

/**
 * FieldEmbedding (a compressed model's tables looked up together): per table a Gather from its rows of the
 * stacked table, as its Embedding was written, then a Concat of the [batch, 1, k] codes on the field axis.
 */
const fieldEmbedding: LayerExporter = (s, layer, inputs, out) => {
  const rows = (layer.config.input_dims as number[]).map(Number);
  const k = Number(layer.config.output_dim);
  const table = weightValue(s, layer, 'embeddings').values;
  if (rows.length !== inputs.length)
    throw new ExportIssue(`it lists ${rows.length} tables for ${inputs.length} inputs`);
  if (table.length !== rows.reduce((a, n) => a + n, 0) * k)
    throw new ExportIssue('its stacked table does not match its input_dims and output_dim');
  let first = 0;
  const codes = inputs.map((ids, i) => {
    const part = s.b.floats(
      `${layer.name}/embeddings_${i}`,
      [rows[i], k],
      table.subarray(first * k, (first + rows[i]) * k),
    );
    first += rows[i];
    const idx = s.int.get(ids)
      ? ids
      : s.b.node('Cast', [ids], [aInt('to', DT.INT64)], { name: `${layer.name}/Cast_${i}` })[0];
    return s.b.node('Gather', [part, idx], [aInt('axis', 0)], { name: `${layer.name}/Gather_${i}` })[0];
  });
  s.b.node('Concat', codes, [aInt('axis', 1)], { name: `${layer.name}/Concat`, outputs: [out] });
  s.rank.set(out, 3);
};

/** Exporters by tfjs layer class (InputLayer is handled by the caller: it becomes a graph input). */
export const LAYER_EXPORTERS: Record<string, LayerExporter> = {
  Dense: dense,
  Embedding: embedding,
  Activation: activation,
  Add: merge('Add', 'Sum'),
  Multiply: merge('Mul', null),
  Average: merge('Mean', 'Mean'),
  Maximum: merge('Max', 'Max'),
  Minimum: merge('Min', 'Min'),
  Concatenate: concatenate,
  Flatten: flatten,
  Reshape: reshape,
  Dropout: identity,
  FMInteraction: fm,
  FieldProjection: fieldProjection,
  FieldEmbedding: fieldEmbedding,
  OnnxReduce: onnxReduce,
  OnnxConstantOp: onnxConstantOp,
  OnnxBinary: onnxBinary,
  OnnxSlice: onnxSlice,
  BatchNormalization: batchNorm,
};
