/**
 * Which weights each converted layer has: their tfjs names, in Keras' `layer.weights` order (trainable, then
 * non-trainable), where Keras 3 stores each one below the layer's group, and the last part of the name a
 * legacy .h5 gives it. Recurrent layers keep their variables in a cell (`lstm/lstm_cell/kernel:0` in tf.keras;
 * `layers/lstm/cell/vars/0` in Keras 3), Bidirectional in two wrapped layers (tfjs: `forward_<inner>/kernel`).
 * Pure.
 */
import { GRU_RESET_AFTER_CLASS } from '../../core/layers/customClasses';
import { MODEL_CLASSES, isObj, type Json } from './config';
import type { RawTensor } from './weights';

/** One weight a layer expects. */
export interface ExpectedWeight {
  /** The layer that holds it in the converted model: the names of the models around it, then its own. */
  path: string[];
  /** Its tfjs name below the layer (`kernel`, `forward_lstm/kernel`). */
  weight: string;
  /** The last part of its name in a legacy .h5 (`kernel` of `lstm/lstm_cell/kernel:0`). */
  last: string;
  /** Where Keras 3 stores it below the layer's group (`vars/0`, `cell/vars/1`). */
  keras3: string;
  trainable: boolean;
  /** Turns the file's array into the tfjs one (a transposed or reshaped kernel), for layers mapped to others. */
  transform?: (t: RawTensor) => RawTensor;
}

const bias = (c: Json) => (c.use_bias === false ? [] : ['bias']);
const gammaBeta = (c: Json) => [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta'])];
const kernelBias = (c: Json) => ['kernel', ...bias(c)];

/** Variable names per class, in Keras' `layer.weights` order; moving statistics are non-trainable. */
const WEIGHT_NAMES: Record<string, (c: Json) => string[]> = {
  Dense: kernelBias,
  Embedding: () => ['embeddings'],
  BatchNormalization: (c) => [...gammaBeta(c), 'moving_mean', 'moving_variance'],
  LayerNormalization: gammaBeta,
  Conv1D: kernelBias,
  Conv2D: kernelBias,
  Conv3D: kernelBias,
  Conv2DTranspose: kernelBias,
  Conv3DTranspose: kernelBias,
  DepthwiseConv2D: (c) => ['depthwise_kernel', ...bias(c)],
  SeparableConv2D: (c) => ['depthwise_kernel', 'pointwise_kernel', ...bias(c)],
  PReLU: () => ['alpha'],
};
const NON_TRAINABLE = new Set(['moving_mean', 'moving_variance']);

/** Recurrent layers: their cell's kernel, recurrent kernel and bias. */
export const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN', GRU_RESET_AFTER_CLASS]);
const recurrentNames = (c: Json) => ['kernel', 'recurrent_kernel', ...bias(c)];

/** Classes holding weights this module does not map (their arrays would be lost). */
const UNMAPPED = new Set(['TimeDistributed', 'ConvLSTM2D', 'RNN', 'MultiHeadAttention']);

const layerNameOf = (l: Json): string => (typeof l.name === 'string' ? l.name : String((l.config as Json).name));

function plain(path: string[], names: string[], prefix: string, trainable: boolean, cell: boolean): ExpectedWeight[] {
  return names.map((w, i) => ({
    path,
    weight: prefix ? `${prefix}/${w}` : w,
    last: w,
    keras3: `${cell ? 'cell/' : ''}vars/${i}`,
    trainable: trainable && !NON_TRAINABLE.has(w),
  }));
}

/**
 * The weights of one non-model layer at `path`, or null for a class whose weights are not mapped. `custom`
 * answers for classes other modules map (DeepCTR's).
 */
export function expectedWeights(layer: Json, path: string[]): ExpectedWeight[] | null {
  const cls = layer.class_name as string;
  const c = (layer.config ?? {}) as Json;
  const trainable = c.trainable !== false;
  if (WEIGHT_NAMES[cls]) return plain(path, WEIGHT_NAMES[cls](c), '', trainable, false);
  if (RECURRENT.has(cls)) return plain(path, recurrentNames(c), '', trainable, true);
  if (cls === 'Bidirectional' && isObj(c.layer) && RECURRENT.has(c.layer.class_name as string)) {
    const inner = c.layer as Json;
    const innerName = String((inner.config as Json).name);
    const names = recurrentNames(inner.config as Json);
    const side = (dir: 'forward' | 'backward') =>
      plain(path, names, `${dir}_${innerName}`, trainable, true).map((w) => ({
        ...w,
        keras3: `${dir}_layer/${w.keras3}`,
      }));
    return [...side('forward'), ...side('backward')];
  }
  if (UNMAPPED.has(cls) || cls === 'Bidirectional') return null;
  return [];
}

/** Custom expectations for converted entries that stand for a layer of another library (DeepCTR's). */
export const CUSTOM_WEIGHTS = new WeakMap<Json, (path: string[]) => ExpectedWeight[]>();

/**
 * Every weight below a layer or nested model at `path`; for a nested model the order of a legacy .h5's
 * group (`model.trainable_weights + model.non_trainable_weights`). Unmapped classes land in `unmapped`.
 */
export function weightsBelow(
  entry: Json,
  path: string[],
  unmapped: { className: string; layer: string }[],
): ExpectedWeight[] {
  const custom = CUSTOM_WEIGHTS.get(entry);
  if (custom) return custom(path);
  const cls = entry.class_name as string;
  if (!MODEL_CLASSES.has(cls)) {
    const w = expectedWeights(entry, path);
    if (w === null) unmapped.push({ className: cls, layer: path.join(' / ') });
    return w ?? [];
  }
  const inner = (((entry.config as Json).layers as Json[]) ?? []).flatMap((l) =>
    weightsBelow(l, [...path, layerNameOf(l)], unmapped),
  );
  return [...inner.filter((w) => w.trainable), ...inner.filter((w) => !w.trainable)];
}
