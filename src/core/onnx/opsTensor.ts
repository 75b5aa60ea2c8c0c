/**
 * ONNX → tfjs layers for the structural operators: constants and casts, embedding lookups (Gather on a
 * weight table), and the shape operators (Concat, Reshape, Flatten, Unsqueeze, Squeeze, Slice, Shape).
 * On constant inputs they fold (shape arithmetic); on tensors they emit Embedding / Concatenate / Flatten /
 * Reshape / OnnxSlice layers. Neither ONNX nor tfjs axes skip the batch axis, so axes carry over unchanged;
 * anything that would move or split the batch axis is refused. Pure.
 */
import { axesParam, intAttr, intsAttr } from './attrs';
import type { ImportContext, Shape, TensorValue } from './context';
import { BATCH, concat, count, gather, reshapeTarget, slice1d, withDims, type Const } from './fold';
import { attr, DT, tensorValues, type NodeProto, type TensorProto } from './onnx';

export type Converter = (ctx: ImportContext, node: NodeProto) => void;

const INT_TYPES = new Set<number>([DT.INT64, DT.INT32, DT.INT16, DT.INT8, DT.UINT8, DT.UINT16, DT.UINT32, DT.UINT64]);
const FLOAT_TYPES = new Set<number>([DT.FLOAT, DT.DOUBLE, DT.FLOAT16]);

/** A constant from a TensorProto. */
export function constOf(t: TensorProto): Const {
  return { dims: [...t.dims], values: tensorValues(t), int: INT_TYPES.has(t.dataType) || t.dataType === DT.BOOL };
}

const constFn = (ctx: ImportContext) => (name: string) => ctx.constant(name);

/** Emits a Reshape to `rest` (the non-batch dims), or aliases when the shape does not change. */
export function reshapeTo(ctx: ImportContext, node: NodeProto, x: TensorValue, rest: number[]): void {
  const out = node.output[0];
  if (rest.length === x.shape.length - 1 && rest.every((d, i) => d === x.shape[i + 1])) {
    ctx.setTensor(out, x.ref, x.shape, x.int);
    return;
  }
  const name = ctx.nodeName(node);
  ctx.setTensor(out, ctx.addLayer(name, 'Reshape', { target_shape: rest }, [x.ref]), [null, ...rest], x.int);
}

/** Known non-batch dims of a tensor, or undefined when one is unknown. */
function knownRest(shape: Shape): number[] | undefined {
  const rest = shape.slice(1);
  return rest.every((d): d is number => d !== null) ? rest : undefined;
}

const alias: Converter = (ctx, node) => {
  const v = ctx.value(node.input[0])!;
  if (node.opType === 'Dropout') {
    // Inference: Dropout is the identity; its ratio/training inputs are parameters, its mask must be unused.
    node.input.slice(1).forEach((i) => ctx.constant(i));
    if (node.output[1] && (ctx.consumers.get(node.output[1])?.length || ctx.graphOutputs.has(node.output[1])))
      return ctx.fail(node, 'with its mask output in use');
  }
  if (v.kind === 'const') ctx.constant(node.input[0]);
  ctx.values.set(node.output[0], v);
};

/** The value of a Constant node, or undefined for the forms the importer does not read (sparse, strings). */
export function constantNodeValue(node: NodeProto): Const | undefined {
  const a = node.attribute[0];
  if (a?.name === 'value' && a.t) return constOf(a.t);
  if (a?.name === 'value_float') return { dims: [], values: Float64Array.of(a.f ?? 0), int: false };
  if (a?.name === 'value_floats')
    return { dims: [a.floats?.length ?? 0], values: Float64Array.from(a.floats ?? []), int: false };
  if (a?.name === 'value_int') return { dims: [], values: Float64Array.of(a.i ?? 0), int: true };
  if (a?.name === 'value_ints')
    return { dims: [a.ints?.length ?? 0], values: Float64Array.from(a.ints ?? []), int: true };
  return undefined;
}

const constant: Converter = (ctx, node) => {
  let c: Const | undefined;
  try {
    c = constantNodeValue(node);
  } catch (e) {
    return ctx.fail(node, `whose value cannot be read (${(e as Error).message})`);
  }
  if (!c) return ctx.fail(node, `with a ${node.attribute[0]?.name ?? 'missing'} value`);
  ctx.setConst(node.output[0], c);
};

const cast: Converter = (ctx, node) => {
  const to = intAttr(node, 'to', DT.FLOAT);
  const toInt = INT_TYPES.has(to);
  if (!toInt && !FLOAT_TYPES.has(to)) return ctx.fail(node, `to data type ${to}`);
  const c = ctx.constant(node.input[0]);
  if (c) {
    const values = toInt ? c.values.map(Math.trunc) : c.values.map((v) => (to === DT.FLOAT ? Math.fround(v) : v));
    return ctx.setConst(node.output[0], { dims: c.dims, values, int: toInt });
  }
  const x = ctx.tensor(node.input[0])!;
  // Ids: int64 → int32 needs nothing (tfjs inputs are int32); float → int only feeds embeddings, which cast
  // (and truncate, like torch's .long()) themselves. Integers never become float features in a CTR model.
  if (x.int && !toInt) return ctx.fail(node, 'from integers to floats');
  ctx.setTensor(node.output[0], x.ref, x.shape, toInt);
};

const shapeOp: Converter = (ctx, node) => {
  const v = ctx.value(node.input[0])!;
  let dims: number[];
  if (v.kind === 'const') {
    ctx.constant(node.input[0]);
    dims = v.c.dims;
  } else {
    if (v.shape.slice(1).some((d) => d === null)) return ctx.fail(node, 'of a tensor with unknown dimensions');
    dims = [BATCH, ...(v.shape.slice(1) as number[])];
  }
  const start = intAttr(node, 'start', 0);
  const end = attr(node, 'end')?.i ?? dims.length;
  const full: Const = { dims: [dims.length], values: Float64Array.from(dims), int: true };
  ctx.setConst(node.output[0], slice1d(full, start, end, 1)!);
};

const gatherOp: Converter = (ctx, node) => {
  const axis = intAttr(node, 'axis', 0);
  const data = ctx.value(node.input[0])!;
  const idx = ctx.value(node.input[1])!;
  if (data.kind === 'const' && idx.kind === 'const') {
    const c = gather(ctx.constant(node.input[0])!, ctx.constant(node.input[1])!, axis);
    return c ? ctx.setConst(node.output[0], c) : ctx.fail(node, 'with indices out of range');
  }
  if (data.kind !== 'const' || idx.kind !== 'tensor') return ctx.fail(node, 'on a computed tensor');
  if (data.c.dims.length !== 2 || axis !== 0)
    return ctx.fail(node, `on a rank-${data.c.dims.length} table along axis ${axis}`);
  const [vocab, dim] = data.c.dims;
  // Gathers of one table share one Embedding layer (a shared layer: one inbound node per call).
  const shared = ctx.embeddings.get(data.source);
  let ref: [string, number, number];
  if (shared) {
    const layer = ctx.layers.find((l) => l.name === shared.layer)!;
    layer.inbound_nodes.push([[...idx.ref, {}]]);
    ref = [shared.layer, shared.calls++, 0];
    ctx.used.add(data.source);
  } else {
    const table = ctx.constant(node.input[0])!;
    const name = ctx.nodeName(node);
    ref = ctx.addLayer(
      name,
      'Embedding',
      {
        input_dim: vocab,
        output_dim: dim,
        embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
        embeddings_regularizer: null,
        activity_regularizer: null,
        embeddings_constraint: null,
        mask_zero: null,
        input_length: null,
      },
      [idx.ref],
    );
    ctx.addWeight(`${name}/embeddings`, [vocab, dim], Float32Array.from(table.values));
    ctx.embeddings.set(data.source, { layer: name, calls: 1 });
  }
  ctx.setTensor(node.output[0], ref, [...idx.shape, dim]);
};

const concatOp: Converter = (ctx, node) => {
  const vals = node.input.map((i) => ctx.value(i)!);
  const axis = intAttr(node, 'axis', 0);
  if (vals.every((v) => v.kind === 'const')) {
    const c = concat(
      node.input.map((i) => ctx.constant(i)!),
      axis,
    );
    return c ? ctx.setConst(node.output[0], c) : ctx.fail(node, 'of constants whose shapes disagree');
  }
  if (!vals.every((v) => v.kind === 'tensor')) return ctx.fail(node, 'of constants and computed tensors');
  const xs = vals as TensorValue[];
  const rank = xs[0].shape.length;
  const ax = axis < 0 ? axis + rank : axis;
  if (ax <= 0 || ax >= rank || xs.some((x) => x.shape.length !== rank))
    return ctx.fail(node, ax === 0 ? 'along the batch axis' : 'of tensors of different ranks');
  const shape: Shape = [...xs[0].shape];
  shape[ax] = xs.some((x) => x.shape[ax] === null) ? null : xs.reduce((s, x) => s + (x.shape[ax] as number), 0);
  if (xs.length === 1) return ctx.setTensor(node.output[0], xs[0].ref, xs[0].shape, xs[0].int);
  const ref = ctx.addLayer(
    ctx.nodeName(node),
    'Concatenate',
    { axis: ax },
    xs.map((x) => x.ref),
  );
  ctx.setTensor(
    node.output[0],
    ref,
    shape,
    xs.every((x) => x.int),
  );
};

/**
 * Non-batch target dims of a Reshape of `x` to the ONNX target `t`, or a reason it cannot be done. The
 * first target entry must stand for the batch: 0 (copy), the folded batch size, -1, or the static batch
 * size the graph was exported with.
 */
function reshapeRest(ctx: ImportContext, x: TensorValue, t: number[], allowZero: boolean): number[] | string {
  const rest = knownRest(x.shape);
  if (!rest) return 'of a tensor with unknown dimensions';
  const first = t[0];
  const batchFirst =
    Number.isNaN(first) ||
    (first === 0 && !allowZero) ||
    first === -1 ||
    (ctx.staticBatch !== null && first === ctx.staticBatch);
  if (!batchFirst || t.slice(1).some((d) => Number.isNaN(d))) return 'that changes the batch axis';
  const tail = t.slice(1).map((d, i) => (d === 0 && !allowZero ? rest[i] : d));
  if (first === -1 && tail.includes(-1)) return 'with two inferred dimensions';
  // reshapeTarget also checks that the per-row size is kept, i.e. that the batch axis is untouched.
  const resolved = reshapeTarget(rest, tail, allowZero);
  if (!resolved) return 'that changes the batch axis';
  return resolved;
}

const reshapeOp: Converter = (ctx, node) => {
  const target = ctx.constant(node.input[1]);
  if (!target) return ctx.fail(node, 'to a computed shape');
  const allowZero = intAttr(node, 'allowzero', 0) === 1;
  const t = Array.from(target.values);
  const data = ctx.value(node.input[0])!;
  if (data.kind === 'const') {
    const dims = reshapeTarget(data.c.dims, t, allowZero);
    const c = dims && withDims(ctx.constant(node.input[0])!, dims);
    return c ? ctx.setConst(node.output[0], c) : ctx.fail(node, 'of a constant to an incompatible shape');
  }
  const rest = reshapeRest(ctx, data, t, allowZero);
  if (typeof rest === 'string') return ctx.fail(node, rest);
  reshapeTo(ctx, node, data, rest);
};

const flattenOp: Converter = (ctx, node) => {
  const x = ctx.tensor(node.input[0]);
  if (!x) return ctx.fail(node, 'of a constant');
  const rank = x.shape.length;
  const axis = intAttr(node, 'axis', 1) < 0 ? intAttr(node, 'axis', 1) + rank : intAttr(node, 'axis', 1);
  if (axis === 0) return ctx.fail(node, 'at axis 0 (it would merge the batch axis)');
  if (axis === 1 && rank > 2) {
    const rest = knownRest(x.shape);
    const ref = ctx.addLayer(ctx.nodeName(node), 'Flatten', {}, [x.ref]);
    return ctx.setTensor(node.output[0], ref, [null, rest ? count(rest) : null], x.int);
  }
  const rest = knownRest(x.shape);
  if (!rest) return ctx.fail(node, 'of a tensor with unknown dimensions');
  const outer = count(rest.slice(0, axis - 1));
  const inner = count(rest.slice(axis - 1));
  reshapeTo(ctx, node, x, axis === 1 ? [inner] : [outer, inner]);
};

const unsqueezeOp: Converter = (ctx, node) => {
  const axes = axesParam(node, ctx.opset, constFn(ctx));
  if (!axes) return ctx.fail(node, 'with computed axes');
  const data = ctx.value(node.input[0])!;
  const dims: Shape = data.kind === 'const' ? [...data.c.dims] : [...data.shape];
  const rank = dims.length + axes.length;
  const norm = axes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  for (const a of norm) dims.splice(a, 0, 1);
  if (data.kind === 'const')
    return ctx.setConst(node.output[0], withDims(ctx.constant(node.input[0])!, dims as number[])!);
  if (norm.includes(0)) return ctx.fail(node, 'in front of the batch axis');
  const rest = knownRest(dims);
  if (!rest) return ctx.fail(node, 'of a tensor with unknown dimensions');
  reshapeTo(ctx, node, data, rest);
};

const squeezeOp: Converter = (ctx, node) => {
  const axes = axesParam(node, ctx.opset, constFn(ctx));
  if (axes === undefined) return ctx.fail(node, 'with computed axes');
  const data = ctx.value(node.input[0])!;
  const dims: Shape = data.kind === 'const' ? [...data.c.dims] : [...data.shape];
  // Without axes every size-1 axis goes; the batch axis is never squeezed here (its size is unknown).
  const drop = axes
    ? axes.map((a) => (a < 0 ? a + dims.length : a))
    : dims.map((d, i) => (d === 1 && (data.kind === 'const' || i > 0) ? i : -1)).filter((i) => i >= 0);
  const kept = dims.filter((_, i) => !drop.includes(i));
  if (data.kind === 'const')
    return ctx.setConst(node.output[0], withDims(ctx.constant(node.input[0])!, kept as number[])!);
  if (drop.includes(0)) return ctx.fail(node, 'of the batch axis');
  const rest = knownRest(kept);
  if (!rest || drop.some((a) => dims[a] !== 1)) return ctx.fail(node, 'of an axis whose size is not 1');
  reshapeTo(ctx, node, data, rest);
};

const BIG = 2 ** 31 - 1;

const sliceOp: Converter = (ctx, node) => {
  // Opset 10+: starts, ends, axes, steps are inputs; before: attributes (no steps).
  const param = (i: number, key: string): number[] | null | undefined => {
    if (ctx.opset < 10) return intsAttr(node, key) ?? null;
    if (!node.input[i]) return null;
    const c = ctx.constant(node.input[i]);
    return c ? Array.from(c.values) : undefined;
  };
  const starts = param(1, 'starts');
  const ends = param(2, 'ends');
  const axesIn = param(3, 'axes');
  const steps = param(4, 'steps');
  if (!starts || !ends || axesIn === undefined || steps === undefined) return ctx.fail(node, 'with computed bounds');
  const axes = axesIn ?? starts.map((_, i) => i);
  const data = ctx.value(node.input[0])!;
  if (data.kind === 'const') {
    const c =
      axes.length === 1 && axes[0] === 0
        ? slice1d(ctx.constant(node.input[0])!, starts[0], ends[0], steps?.[0] ?? 1)
        : null;
    return c ? ctx.setConst(node.output[0], c) : ctx.fail(node, 'of a constant with rank above 1');
  }
  if (steps?.some((s) => s !== 1)) return ctx.fail(node, 'with a step other than 1');
  const spec = { axes: [] as number[], starts: [] as number[], ends: [] as number[] };
  const shape = [...data.shape];
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i] < 0 ? axes[i] + shape.length : axes[i];
    if (a === 0) {
      if (starts[i] === 0 && ends[i] >= BIG) continue; // x[:, ...]: the whole batch axis
      return ctx.fail(node, 'along the batch axis');
    }
    const size = shape[a];
    if (size === null) return ctx.fail(node, 'of an axis of unknown size');
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    const [s, e] = [clamp(starts[i]), clamp(ends[i])];
    if (e <= s) return ctx.fail(node, 'to an empty tensor');
    spec.axes.push(a);
    spec.starts.push(s);
    spec.ends.push(e);
    shape[a] = e - s;
  }
  if (spec.axes.length === 0) return ctx.setTensor(node.output[0], data.ref, data.shape, data.int);
  const ref = ctx.addLayer(ctx.nodeName(node), 'OnnxSlice', spec, [data.ref]);
  ctx.setTensor(node.output[0], ref, shape, data.int);
};

/** Converters of the structural operators, by ONNX op type. */
export const TENSOR_OPS: Record<string, Converter> = {
  Constant: constant,
  Identity: alias,
  Dropout: alias,
  Cast: cast,
  Shape: shapeOp,
  Gather: gatherOp,
  Concat: concatOp,
  Reshape: reshapeOp,
  Flatten: flattenOp,
  Unsqueeze: unsqueezeOp,
  Squeeze: squeezeOp,
  Slice: sliceOp,
};
