/**
 * Factorization-machine second-order interaction (Rendle 2010), the "FM" of DeepFM.
 * Input: field vectors [batch, fields, dim]. Output: [batch, 1] =
 *   ½ Σ_k ((Σ_f v_fk)² − Σ_f v_fk²), i.e. the sum of all pairwise dot products between fields.
 * No weights. Written against the tfjs namespace passed in, so this file does not import tfjs itself.
 */
import type * as tfType from '@tensorflow/tfjs';

/** Stable serialization name: never derived from constructor.name, which minifiers rename. */
import { FM_CLASS_NAME } from '../../core/layers/customClasses';

export { FM_CLASS_NAME };

export function defineFMInteraction(tf: typeof tfType) {
  class FMInteraction extends tf.layers.Layer {
    static className = FM_CLASS_NAME;

    computeOutputShape(inputShape: tfType.Shape | tfType.Shape[]): tfType.Shape {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfType.Shape;
      return [shape[0], 1];
    }

    call(inputs: tfType.Tensor | tfType.Tensor[]): tfType.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        if (x.rank !== 3) throw new Error(`FMInteraction expects [batch, fields, dim], got rank ${x.rank}`);
        const sumSquared = tf.square(tf.sum(x, 1));
        const squaredSum = tf.sum(tf.square(x), 1);
        return tf.mul(tf.sum(tf.sub(sumSquared, squaredSum), 1, true), 0.5);
      });
    }

    getConfig(): tfType.serialization.ConfigDict {
      return { ...super.getConfig() };
    }
  }
  return FMInteraction;
}
