/**
 * ONNX → tfjs layers for the arithmetic operators: Gemm and MatMul (+ a bias Add, + an activation) become one
 * Dense; activations become Activation; Add/Mul of two tensors become Add/Multiply, Sub/Div OnnxBinary; an
 * operation with a constant becomes OnnxConstantOp (the constant as a weight); ReduceSum/ReduceMean become
 * OnnxReduce; BatchNormalization (inference) becomes BatchNormalization; a matched FM subgraph becomes
 * FMInteraction. Pure.
 */
import { floatAttr, intAttr, reduceSpec } from './attrs';
import type { ImportContext, Shape, TensorValue } from './context';
import { binary, transpose2d, type Const } from './fold';
import type { FmMatch } from './fmPattern';
import type { NodeProto } from './onnx';
import type { Converter } from './opsTensor';
import { DENSE_DEFAULTS } from '../layers/layerDefaults';

/** ONNX activation op → tfjs activation name. */
export const ACTIVATIONS: Record<string, string> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softplus: 'softplus',
};

function denseConfig(units: number, activation: string, useBias: boolean): Record<string, unknown> {
  return { units, activation, use_bias: useBias, ...DENSE_DEFAULTS };
}

/** The bias vector a constant adds to every row of a [.., units] output, or undefined if it is not one. */
function asBias(c: Const, units: number, rank: number): Float32Array | undefined {
  if (c.dims.length > rank || c.dims.slice(0, -1).some((d) => d !== 1)) return undefined;
  const last = c.dims[c.dims.length - 1] ?? 1;
  if (last === units) return Float32Array.from(c.values);
  return last === 1 ? new Float32Array(units).fill(c.values[0]) : undefined;
}

/**
 * Emits a Dense for `node` (kernel [dIn, dOut]); folds a following bias Add (when there is no bias yet) and a
 * following activation, when they are the sole readers. A Sigmoid producing a graph output stays its own
 * Activation layer: the studio finds a model's logit as the input of that final sigmoid.
 */
function emitDense(
  ctx: ImportContext,
  node: NodeProto,
  x: TensorValue,
  kernel: Float32Array,
  dIn: number,
  dOut: number,
  bias: Float32Array | undefined,
): void {
  let out = node.output[0];
  const rank = x.shape.length;
  const addNode = bias ? undefined : ctx.soleConsumer(out);
  if (addNode?.opType === 'Add') {
    const other = addNode.input[0] === out ? addNode.input[1] : addNode.input[0];
    const v = ctx.value(other);
    const b = v?.kind === 'const' && addNode.input[0] !== addNode.input[1] ? asBias(v.c, dOut, rank) : undefined;
    if (b) {
      ctx.constant(other);
      ctx.skip.add(addNode);
      bias = b;
      out = addNode.output[0];
    }
  }
  let activation = 'linear';
  const act = ctx.soleConsumer(out);
  if (act && ACTIVATIONS[act.opType] && !(act.opType === 'Sigmoid' && ctx.graphOutputs.has(act.output[0]))) {
    activation = ACTIVATIONS[act.opType];
    ctx.skip.add(act);
    out = act.output[0];
  }
  const name = ctx.nodeName(node);
  const ref = ctx.addLayer(name, 'Dense', denseConfig(dOut, activation, !!bias), [x.ref]);
  ctx.addWeight(`${name}/kernel`, [dIn, dOut], kernel);
  if (bias) ctx.addWeight(`${name}/bias`, [dOut], bias);
  ctx.setTensor(out, ref, [...x.shape.slice(0, -1), dOut]);
}

/** A float tensor input of an arithmetic node; otherwise records one failure and returns undefined. */
function floatInput(
  ctx: ImportContext,
  node: NodeProto,
  i: number,
  whenConst = 'of a constant',
): TensorValue | undefined {
  const v = ctx.value(node.input[i]);
  if (v?.kind !== 'tensor') return void ctx.fail(node, whenConst);
  if (v.int) return void ctx.fail(node, 'on integer ids');
  return v;
}

const gemm: Converter = (ctx, node) => {
  const x = floatInput(ctx, node, 0, 'with a constant first input');
  if (!x) return;
  const w = ctx.constant(node.input[1]);
  if (w?.dims.length !== 2) return ctx.fail(node, 'with a computed weight matrix');
  if (intAttr(node, 'transA', 0) !== 0) return ctx.fail(node, 'with transA=1');
  const transB = intAttr(node, 'transB', 0) === 1;
  const alpha = floatAttr(node, 'alpha', 1);
  const beta = floatAttr(node, 'beta', 1);
  const [dIn, dOut] = transB ? [w.dims[1], w.dims[0]] : w.dims;
  if (x.shape.length !== 2 || (x.shape[1] !== null && x.shape[1] !== dIn))
    return ctx.fail(node, `on an input of shape [${x.shape.map((d) => d ?? '?').join(', ')}] with a ${dIn}-row weight`);
  const kernel = transB ? transpose2d(w.values, w.dims[0], w.dims[1]) : Float32Array.from(w.values);
  if (alpha !== 1) kernel.forEach((v, i) => (kernel[i] = v * alpha));
  let bias: Float32Array | undefined;
  if (node.input[2]) {
    const c = ctx.constant(node.input[2]);
    bias = c ? asBias(c, dOut, 2) : undefined;
    if (!bias) return ctx.fail(node, 'with a bias that is not one row');
    if (beta !== 1) bias.forEach((v, i) => (bias![i] = v * beta));
  }
  emitDense(ctx, node, x, kernel, dIn, dOut, bias);
};

/**
 * MatMul(W, x) with a constant W [k, d] and x [batch, d, 1]: W applied to each row's column vector, as
 * DeepCTR-Torch's matrix CrossNet (DCN-M, the paper's DCNv2) writes `torch.matmul(kernel, x_l)`. Becomes
 * Reshape [d] → Dense(k, kernel Wᵀ, no bias) → Reshape [k, 1], so the cross matrix is a Dense AFM compresses.
 */
function weightTimesColumn(ctx: ImportContext, node: NodeProto): void {
  const x = floatInput(ctx, node, 1, 'of two constants');
  if (!x) return;
  const w = ctx.constant(node.input[0])!;
  if (w.dims.length !== 2) {
    ctx.fail(node, `with a rank-${w.dims.length} weight on the left`);
    return;
  }
  const [k, d] = w.dims;
  if (x.shape.length !== 3 || x.shape[1] !== d || x.shape[2] !== 1) {
    ctx.fail(
      node,
      `with a [${k}, ${d}] weight on the left of an input of shape ` +
        `[${x.shape.map((v) => v ?? '?').join(', ')}] (only [batch, ${d}, 1] columns ` +
        `convert)`,
    );
    return;
  }
  const name = ctx.nodeName(node);
  const rows = ctx.addLayer(ctx.name(`${name}_rows`), 'Reshape', { target_shape: [d] }, [x.ref]);
  const dense = ctx.addLayer(name, 'Dense', denseConfig(k, 'linear', false), [rows]);
  ctx.addWeight(`${name}/kernel`, [d, k], transpose2d(w.values, k, d));
  ctx.setTensor(
    node.output[0],
    ctx.addLayer(ctx.name(`${name}_columns`), 'Reshape', { target_shape: [k, 1] }, [dense]),
    [null, k, 1],
  );
}

const matmul: Converter = (ctx, node) => {
  if (ctx.value(node.input[0])?.kind === 'const') return weightTimesColumn(ctx, node);
  const x = floatInput(ctx, node, 0, 'with a constant first input');
  if (!x) return;
  const w = ctx.value(node.input[1]);
  if (w?.kind !== 'const') return ctx.fail(node, 'of two computed tensors');
  if (w.c.dims.length !== 2) return ctx.fail(node, `with a rank-${w.c.dims.length} weight`);
  const [dIn, dOut] = w.c.dims;
  if (x.shape.length < 2 || (x.shape[x.shape.length - 1] !== null && x.shape[x.shape.length - 1] !== dIn))
    return ctx.fail(node, 'whose input does not match its weight');
  emitDense(ctx, node, x, Float32Array.from(ctx.constant(node.input[1])!.values), dIn, dOut, undefined);
};

const activation: Converter = (ctx, node) => {
  const x = floatInput(ctx, node, 0);
  if (!x) return;
  const ref = ctx.addLayer(ctx.nodeName(node), 'Activation', { activation: ACTIVATIONS[node.opType] }, [x.ref]);
  ctx.setTensor(node.output[0], ref, x.shape);
};

/** Broadcast of two same-rank tensor shapes (the batch axis never broadcasts); undefined if incompatible. */
function broadcast(a: Shape, b: Shape): Shape | undefined {
  if (a.length !== b.length) return undefined;
  const out: Shape = [null];
  for (let i = 1; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x !== null && y !== null && x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : y === 1 ? x : (x ?? y));
  }
  return out;
}

const FOLD: Record<string, (x: number, y: number) => number> = {
  Add: (x, y) => x + y,
  Sub: (x, y) => x - y,
  Mul: (x, y) => x * y,
  Div: (x, y) => x / y,
  Pow: (x, y) => x ** y,
};
const CONST_OP: Record<string, [string, string]> = {
  Add: ['add', 'add'],
  Sub: ['sub', 'rsub'],
  Mul: ['mul', 'mul'],
  Div: ['div', 'rdiv'],
  Pow: ['pow', ''],
};

const elementwise: Converter = (ctx, node) => {
  const [a, b] = [ctx.value(node.input[0])!, ctx.value(node.input[1])!];
  if (a.kind === 'const' && b.kind === 'const') {
    const c = binary(ctx.constant(node.input[0])!, ctx.constant(node.input[1])!, FOLD[node.opType]);
    return c ? ctx.setConst(node.output[0], c) : ctx.fail(node, 'of constants whose shapes do not broadcast');
  }
  if (a.kind === 'tensor' && b.kind === 'tensor') {
    if (a.int || b.int) return ctx.fail(node, 'on integer ids');
    const shape = broadcast(a.shape, b.shape);
    if (!shape || node.opType === 'Pow')
      return ctx.fail(node, shape ? 'of two computed tensors' : 'of tensors whose shapes do not broadcast');
    const name = ctx.nodeName(node);
    const ref =
      node.opType === 'Add' || node.opType === 'Mul'
        ? ctx.addLayer(name, node.opType === 'Add' ? 'Add' : 'Multiply', {}, [a.ref, b.ref])
        : ctx.addLayer(name, 'OnnxBinary', { op: node.opType === 'Sub' ? 'sub' : 'div' }, [a.ref, b.ref]);
    return ctx.setTensor(node.output[0], ref, shape);
  }
  // One side constant: x op c (or c op x), the constant broadcast against x's non-batch axes.
  const constFirst = a.kind === 'const';
  const x = (constFirst ? b : a) as TensorValue;
  const op = CONST_OP[node.opType][constFirst ? 1 : 0];
  if (!op) return ctx.fail(node, 'with a constant base');
  const c = ctx.constant(node.input[constFirst ? 0 : 1])!;
  // Ids plus integer offsets into one shared table (pytorch-fm's FeaturesEmbedding: x + offsets): still ids.
  const offsets = x.int && node.opType === 'Add' && c.int;
  if (x.int && !offsets) return ctx.fail(node, 'on integer ids');
  if (c.dims.length > x.shape.length) return ctx.fail(node, 'with a constant of higher rank than its input');
  const padded = [...new Array<number>(x.shape.length - c.dims.length).fill(1), ...c.dims];
  if (padded[0] !== 1) return ctx.fail(node, 'with a constant that varies along the batch axis');
  let valueShape = padded.slice(1);
  while (valueShape.length > 0 && valueShape[0] === 1) valueShape = valueShape.slice(1);
  const shape = broadcast(x.shape, [null, ...padded.slice(1)]);
  if (!shape) return ctx.fail(node, 'with a constant whose shape does not broadcast');
  const name = ctx.nodeName(node);
  const ref = ctx.addLayer(name, 'OnnxConstantOp', { op, value_shape: valueShape }, [x.ref]);
  ctx.addWeight(`${name}/value`, valueShape, Float32Array.from(c.values));
  ctx.setTensor(node.output[0], ref, shape, offsets);
};

const VARIADIC: Record<string, string> = { Sum: 'Add', Mean: 'Average', Max: 'Maximum', Min: 'Minimum' };

/** Sum/Mean/Max/Min of several tensors → Add/Average/Maximum/Minimum (one input: the identity). */
const variadic: Converter = (ctx, node) => {
  const xs = node.input.map((i) => ctx.value(i));
  if (!xs.every((x): x is TensorValue => x?.kind === 'tensor' && !x.int))
    return ctx.fail(node, 'of constants or integer ids');
  let shape: Shape | undefined = xs[0].shape;
  for (const x of xs.slice(1)) shape = shape && broadcast(shape, x.shape);
  if (!shape) return ctx.fail(node, 'of tensors whose shapes do not broadcast');
  if (xs.length === 1) return ctx.setTensor(node.output[0], xs[0].ref, xs[0].shape);
  ctx.setTensor(
    node.output[0],
    ctx.addLayer(
      ctx.nodeName(node),
      VARIADIC[node.opType],
      {},
      xs.map((x) => x.ref),
    ),
    shape,
  );
};

const reduce: Converter = (ctx, node) => {
  const x = floatInput(ctx, node, 0);
  if (!x) return;
  const spec = reduceSpec(node, ctx.opset, (n) => ctx.constant(n));
  if (!spec) return ctx.fail(node, 'with computed or empty axes');
  const rank = x.shape.length;
  const axes = (spec.axes ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a));
  if (axes.includes(0)) return ctx.fail(node, 'over the batch axis');
  const shape = spec.keepDims
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !axes.includes(i));
  const op = node.opType === 'ReduceMean' ? 'mean' : 'sum';
  const ref = ctx.addLayer(ctx.nodeName(node), 'OnnxReduce', { op, axes, keep_dims: spec.keepDims }, [x.ref]);
  ctx.setTensor(node.output[0], ref, shape);
};

const batchNorm: Converter = (ctx, node) => {
  const x = floatInput(ctx, node, 0);
  if (!x) return;
  if (intAttr(node, 'training_mode', 0) === 1 || node.output.slice(1).some((o) => o))
    return ctx.fail(node, 'in training mode');
  const params = node.input.slice(1, 5).map((i) => ctx.constant(i));
  const channels = x.shape[1];
  if (params.some((p) => !p || p.values.length !== channels) || x.shape.length < 2)
    return ctx.fail(node, 'with computed or mis-sized statistics');
  const name = ctx.nodeName(node);
  const init = (cls: string) => ({ class_name: cls, config: {} });
  const ref = ctx.addLayer(
    name,
    'BatchNormalization',
    {
      axis: 1,
      momentum: 0.99,
      epsilon: floatAttr(node, 'epsilon', 1e-5),
      center: true,
      scale: true,
      beta_initializer: init('Zeros'),
      gamma_initializer: init('Ones'),
      moving_mean_initializer: init('Zeros'),
      moving_variance_initializer: init('Ones'),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
    },
    [x.ref],
  );
  ['gamma', 'beta', 'moving_mean', 'moving_variance'].forEach((w, i) =>
    ctx.addWeight(`${name}/${w}`, [channels!], Float32Array.from(params[i]!.values)),
  );
  ctx.setTensor(node.output[0], ref, x.shape);
};

/** Emits FMInteraction for a matched FM subgraph; false when the input's shape does not fit the layer. */
export function emitFm(ctx: ImportContext, m: FmMatch, fits: (rank: number) => boolean): boolean {
  const x = ctx.tensor(m.input);
  if (!x || x.int || !fits(x.shape.length)) return false;
  // The ½ and the square exponent are part of the layer: mark the subgraph's constants as used.
  for (const n of m.nodes) n.input.forEach((i) => ctx.value(i)?.kind === 'const' && ctx.constant(i));
  const ref = ctx.addLayer(m.last.name.includes('/') ? ctx.nodeName(m.last) : ctx.name('fm'), 'FMInteraction', {}, [
    x.ref,
  ]);
  ctx.setTensor(m.output, ref, [null, 1]);
  return true;
}

/** Converters of the arithmetic operators, by ONNX op type. */
export const MATH_OPS: Record<string, Converter> = {
  Gemm: gemm,
  MatMul: matmul,
  Add: elementwise,
  Sub: elementwise,
  Mul: elementwise,
  Div: elementwise,
  Pow: elementwise,
  Sum: variadic,
  Mean: variadic,
  Max: variadic,
  Min: variadic,
  ReduceSum: reduce,
  ReduceMean: reduce,
  BatchNormalization: batchNorm,
  ...Object.fromEntries(Object.keys(ACTIVATIONS).map((op) => [op, activation])),
};
