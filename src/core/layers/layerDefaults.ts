/** Keras/tfjs config keys a Dense layer written by CTR Studio carries besides units/activation/bias (plain JSON). */
export const DENSE_DEFAULTS = {
  kernel_initializer: {
    class_name: 'VarianceScaling',
    config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null },
  },
  bias_initializer: { class_name: 'Zeros', config: {} },
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
  trainable: true,
};
