/**
 * Small layers for ONNX operators that have no standard tfjs layer, used by the ONNX importer when a graph
 * does not match a known pattern (FM interaction, Dense): reductions, element-wise operations with a constant,
 * element-wise subtraction/division of two tensors, and slicing. Each has a stable static className (tfjs
 * finds a custom layer only by its registered className; minifiers rename constructor.name) and a config of
 * plain numbers and lowercase words (tfjs snake/camel-cases string values when it saves and loads, so `op`
 * values never contain capitals or underscores). Axes count the batch axis as 0, as ONNX and tfjs both do;
 * none of these layers may touch axis 0. Written against the tfjs namespace passed in, so this file does not
 * import tfjs itself.
 */
import type * as tfType from '@tensorflow/tfjs';

import { ONNX_LAYER_CLASS_NAMES } from '../../core/layers/customClasses';

export { ONNX_LAYER_CLASS_NAMES };

/** Operations of OnnxConstantOp: x op c, or c op x for the r-forms. */
export type ConstantOpKind = 'add' | 'sub' | 'rsub' | 'mul' | 'div' | 'rdiv' | 'pow';

type Shape = tfType.Shape;
type Kwargs = tfType.serialization.ConfigDict;

function firstShape(inputShape: Shape | Shape[]): Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
}

/** Normalises axes against a rank (negative axes count from the end). */
function positiveAxes(axes: number[], rank: number): number[] {
  return axes.map((a) => (a < 0 ? a + rank : a));
}

/** Numpy-style broadcast of two shapes (trailing axes aligned); null dims stay null. */
function broadcastShapes(a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    out.push(x === 1 ? y : y === 1 ? x : (x ?? y));
  }
  return out;
}

/** Defines the ONNX helper layer classes on a tfjs namespace. */
export function defineOnnxLayers(tf: typeof tfType) {
  return {
    OnnxReduce: defineOnnxReduce(tf),
    OnnxConstantOp: defineOnnxConstantOp(tf),
    OnnxBinary: defineOnnxBinary(tf),
    OnnxSlice: defineOnnxSlice(tf),
  };
}

/** Defines OnnxReduce on a tfjs namespace. */
function defineOnnxReduce(tf: typeof tfType) {
  /** ReduceSum / ReduceMean over non-batch axes. Config: op ('sum' | 'mean'), axes, keepDims. */
  class OnnxReduce extends tf.layers.Layer {
    static className = ONNX_LAYER_CLASS_NAMES.reduce;
    readonly op: 'sum' | 'mean';
    readonly axes: number[];
    readonly keepDims: boolean;
    constructor(
      args: tfType.serialization.ConfigDict & {
        op?: 'sum' | 'mean';
        axes: number[];
        keepDims?: boolean;
        name?: string;
      },
    ) {
      super(args as never);
      this.op = args.op ?? 'sum';
      this.axes = [...args.axes];
      this.keepDims = args.keepDims ?? true;
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = firstShape(inputShape);
      const axes = positiveAxes(this.axes, shape.length);
      return this.keepDims
        ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
        : shape.filter((_, i) => !axes.includes(i));
    }
    call(inputs: tfType.Tensor | tfType.Tensor[]): tfType.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const axes = positiveAxes(this.axes, x.rank);
        return this.op === 'mean' ? tf.mean(x, axes, this.keepDims) : tf.sum(x, axes, this.keepDims);
      });
    }
    getConfig(): tfType.serialization.ConfigDict {
      return { ...super.getConfig(), op: this.op, axes: [...this.axes], keepDims: this.keepDims };
    }
  }
  return OnnxReduce;
}

/** Defines OnnxConstantOp on a tfjs namespace. */
function defineOnnxConstantOp(tf: typeof tfType) {
  /**
   * x op c with a constant c held as a non-trainable weight `value` (shape valueShape, broadcast against x's
   * non-batch axes, trailing axes aligned). Config: op, valueShape.
   */
  class OnnxConstantOp extends tf.layers.Layer {
    static className = ONNX_LAYER_CLASS_NAMES.constantOp;
    readonly op: ConstantOpKind;
    readonly valueShape: number[];
    private value: tfType.LayerVariable | null = null;
    constructor(args: tfType.serialization.ConfigDict & { op: ConstantOpKind; valueShape: number[]; name?: string }) {
      super(args as never);
      this.op = args.op;
      this.valueShape = [...args.valueShape];
    }
    build(): void {
      this.value = this.addWeight('value', this.valueShape, 'float32', tf.initializers.zeros(), undefined, false);
      this.built = true;
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = firstShape(inputShape);
      return [shape[0], ...broadcastShapes(shape.slice(1), this.valueShape)];
    }
    call(inputs: tfType.Tensor | tfType.Tensor[]): tfType.Tensor {
      return tf.tidy(() => {
        const input = Array.isArray(inputs) ? inputs[0] : inputs;
        // Ids plus offsets (int32) are computed as floats, exact below 2^24; an Embedding reads them as ids.
        const x = input.dtype === 'int32' ? tf.cast(input, 'float32') : input;
        const c = this.value!.read();
        switch (this.op) {
          case 'add':
            return tf.add(x, c);
          case 'sub':
            return tf.sub(x, c);
          case 'rsub':
            return tf.sub(c, x);
          case 'mul':
            return tf.mul(x, c);
          case 'div':
            return tf.div(x, c);
          case 'rdiv':
            return tf.div(c, x);
          case 'pow':
            return tf.pow(x, c);
        }
      });
    }
    getConfig(): tfType.serialization.ConfigDict {
      return { ...super.getConfig(), op: this.op, valueShape: [...this.valueShape] };
    }
  }
  return OnnxConstantOp;
}

/** Defines OnnxBinary on a tfjs namespace. */
function defineOnnxBinary(tf: typeof tfType) {
  /** a - b or a / b of two tensors with the same batch axis (tfjs has Add and Multiply layers, not these). */
  class OnnxBinary extends tf.layers.Layer {
    static className = ONNX_LAYER_CLASS_NAMES.binary;
    readonly op: 'sub' | 'div';
    constructor(args: tfType.serialization.ConfigDict & { op: 'sub' | 'div'; name?: string }) {
      super(args as never);
      this.op = args.op;
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const [a, b] = inputShape as Shape[];
      return [a[0] ?? b[0], ...broadcastShapes(a.slice(1), b.slice(1))];
    }
    call(inputs: tfType.Tensor | tfType.Tensor[], _kwargs?: Kwargs): tfType.Tensor {
      return tf.tidy(() => {
        const [a, b] = inputs as tfType.Tensor[];
        return this.op === 'div' ? tf.div(a, b) : tf.sub(a, b);
      });
    }
    getConfig(): tfType.serialization.ConfigDict {
      return { ...super.getConfig(), op: this.op };
    }
  }
  return OnnxBinary;
}

/** Defines OnnxSlice on a tfjs namespace. */
function defineOnnxSlice(tf: typeof tfType) {
  /** ONNX Slice with constant starts/ends (already clamped to the axis sizes) and step 1 on non-batch axes. */
  class OnnxSlice extends tf.layers.Layer {
    static className = ONNX_LAYER_CLASS_NAMES.slice;
    readonly axes: number[];
    readonly starts: number[];
    readonly ends: number[];
    constructor(
      args: tfType.serialization.ConfigDict & { axes: number[]; starts: number[]; ends: number[]; name?: string },
    ) {
      super(args as never);
      this.axes = [...args.axes];
      this.starts = [...args.starts];
      this.ends = [...args.ends];
    }
    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = [...firstShape(inputShape)];
      positiveAxes(this.axes, shape.length).forEach((a, i) => (shape[a] = this.ends[i] - this.starts[i]));
      return shape;
    }
    call(inputs: tfType.Tensor | tfType.Tensor[]): tfType.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const begin = new Array<number>(x.rank).fill(0);
        const size = new Array<number>(x.rank).fill(-1);
        positiveAxes(this.axes, x.rank).forEach((a, i) => {
          begin[a] = this.starts[i];
          size[a] = this.ends[i] - this.starts[i];
        });
        return tf.slice(x, begin, size);
      });
    }
    getConfig(): tfType.serialization.ConfigDict {
      return { ...super.getConfig(), axes: [...this.axes], starts: [...this.starts], ends: [...this.ends] };
    }
  }
  return OnnxSlice;
}
