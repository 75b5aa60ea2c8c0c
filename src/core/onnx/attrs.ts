/** Reading ONNX node attributes, and operator parameters that moved from attributes to inputs across opsets. Pure. */
import type { Const } from './fold';
import { attr, type NodeProto } from './onnx';

/** An int attribute, or its default. */
export function intAttr(node: NodeProto, name: string, def: number): number {
  return attr(node, name)?.i ?? def;
}

/** A float attribute, or its default. */
export function floatAttr(node: NodeProto, name: string, def: number): number {
  return attr(node, name)?.f ?? def;
}

/** An ints attribute, or undefined. */
export function intsAttr(node: NodeProto, name: string): number[] | undefined {
  return attr(node, name)?.ints;
}

/** Parameters of a Reduce* node: axes (null = all axes), keepdims. Undefined when axes are not constant. */
export interface ReduceSpec {
  axes: number[] | null;
  keepDims: boolean;
}

/**
 * ReduceSum takes its axes as an input from opset 13 (other Reduce* ops from 18), as an attribute before.
 * An absent axes input means all axes, unless noop_with_empty_axes says "no reduction" (refused by callers).
 */
export function reduceSpec(
  node: NodeProto,
  opset: number,
  constOf: (name: string) => Const | undefined,
): ReduceSpec | undefined {
  const keepDims = intAttr(node, 'keepdims', 1) === 1;
  const axesAsInput = node.opType === 'ReduceSum' ? opset >= 13 : opset >= 18;
  if (!axesAsInput || !node.input[1]) {
    const axes = intsAttr(node, 'axes');
    if (axes?.length) return { axes, keepDims };
    if (intAttr(node, 'noop_with_empty_axes', 0) === 1) return undefined;
    return { axes: null, keepDims };
  }
  const c = constOf(node.input[1]);
  if (!c) return undefined;
  return { axes: Array.from(c.values), keepDims };
}

/** Opset-dependent int list parameter (Unsqueeze/Squeeze axes: attribute before opset 13, input from 13). */
export function axesParam(
  node: NodeProto,
  opset: number,
  constOf: (name: string) => Const | undefined,
): number[] | null | undefined {
  if (opset < 13) return intsAttr(node, 'axes') ?? null;
  if (!node.input[1]) return null;
  const c = constOf(node.input[1]);
  return c ? Array.from(c.values) : undefined;
}
