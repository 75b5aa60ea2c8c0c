/**
 * Keras' GRU with `reset_after=True` (the default of tf.keras 2 and Keras 3; tfjs' GRU has only the other
 * convention): the reset gate multiplies the recurrent part after its matrix product, and the bias has two
 * rows, one for the input part and one for the recurrent part:
 *   z = σ(x Wz + bz + h Uz + b'z), r = σ(x Wr + br + h Ur + b'r), ĥ = act(x Wh + bh + r ⊙ (h Uh + b'h)),
 *   h ← z ⊙ h + (1 − z) ⊙ ĥ
 * Weights `kernel` [in, 3u], `recurrent_kernel` [u, 3u], `bias` [2, 3u], gates in Keras' order z, r, h.
 * Written against the tfjs namespace passed in, so this file does not import tfjs itself.
 */
import type * as tfType from '@tensorflow/tfjs';
import { GRU_RESET_AFTER_CLASS } from '../../core/layers/customClasses';

type Shape = tfType.Shape;
type Tensor = tfType.Tensor;

interface GruArgs {
  units: number;
  activation?: string;
  recurrentActivation?: string;
  useBias?: boolean;
  returnSequences?: boolean;
  goBackwards?: boolean;
  name?: string;
}

/** Activation names as tfjs configs carry them (camel or snake case). */
function activate(tf: typeof tfType, name: string, x: Tensor): Tensor {
  switch (name.replace(/_/g, '').toLowerCase()) {
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'relu':
      return tf.relu(x);
    case 'hardsigmoid':
      return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
    case 'linear':
      return x;
    default:
      throw new Error(`${GRU_RESET_AFTER_CLASS} has no activation ${name}`);
  }
}

interface GruOptions {
  units: number;
  activation: string;
  recurrentActivation: string;
  returnSequences: boolean;
  goBackwards: boolean;
}

/** The recurrence over [batch, steps, features]: every step's input part at once, then one step at a time. */
function runGru(
  tf: typeof tfType,
  x: tfType.Tensor3D,
  w: { kernel: Tensor; recurrent: Tensor; bias?: Tensor },
  o: GruOptions,
): Tensor {
  const [batch, steps, features] = x.shape;
  const u = o.units;
  const [bIn, bRec] = w.bias ? tf.unstack(w.bias, 0) : [tf.zeros([3 * u]), tf.zeros([3 * u])];
  const xw = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [batch * steps, features]), w.kernel), bIn), [
    batch,
    steps,
    3 * u,
  ]);
  const order = [...Array(steps).keys()];
  if (o.goBackwards) order.reverse();
  let h: Tensor = tf.zeros([batch, u]);
  const outputs: Tensor[] = [];
  for (const t of order) {
    const [xz, xr, xh] = tf.split(tf.squeeze(tf.slice(xw, [0, t, 0], [batch, 1, 3 * u]), [1]), 3, 1);
    const [rz, rr, rh] = tf.split(tf.add(tf.matMul(h, w.recurrent), bRec), 3, 1);
    const z = activate(tf, o.recurrentActivation, tf.add(xz, rz));
    const r = activate(tf, o.recurrentActivation, tf.add(xr, rr));
    const hh = activate(tf, o.activation, tf.add(xh, tf.mul(r, rh)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    outputs.push(h);
  }
  return o.returnSequences ? tf.stack(outputs, 1) : h;
}

export function defineGruResetAfter(tf: typeof tfType) {
  class GRUResetAfter extends tf.layers.Layer {
    static className = GRU_RESET_AFTER_CLASS;
    readonly units: number;
    readonly activation: string;
    readonly recurrentActivation: string;
    readonly useBias: boolean;
    readonly returnSequences: boolean;
    readonly goBackwards: boolean;
    readonly returnState = false;
    private kernel: tfType.LayerVariable | null = null;
    private recurrentKernel: tfType.LayerVariable | null = null;
    private bias: tfType.LayerVariable | null = null;

    constructor(args: GruArgs & tfType.serialization.ConfigDict) {
      super(args as never);
      this.units = args.units;
      this.activation = args.activation ?? 'tanh';
      this.recurrentActivation = args.recurrentActivation ?? 'sigmoid';
      this.useBias = args.useBias !== false;
      this.returnSequences = args.returnSequences === true;
      this.goBackwards = args.goBackwards === true;
    }

    build(inputShape: Shape | Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      const u = this.units;
      const init = tf.initializers.zeros();
      this.kernel = this.addWeight('kernel', [shape[shape.length - 1]!, 3 * u], 'float32', init);
      this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', init);
      if (this.useBias) this.bias = this.addWeight('bias', [2, 3 * u], 'float32', init);
      this.built = true;
    }

    computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      return this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
    }

    call(inputs: Tensor | Tensor[]): Tensor {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tfType.Tensor3D;
      const weights = { kernel: this.kernel!.read(), recurrent: this.recurrentKernel!.read(), bias: this.bias?.read() };
      return tf.tidy(() => runGru(tf, x, weights, this));
    }

    getConfig(): tfType.serialization.ConfigDict {
      return {
        ...super.getConfig(),
        units: this.units,
        activation: this.activation,
        recurrentActivation: this.recurrentActivation,
        useBias: this.useBias,
        returnSequences: this.returnSequences,
        goBackwards: this.goBackwards,
      };
    }
  }
  return GRUResetAfter;
}
