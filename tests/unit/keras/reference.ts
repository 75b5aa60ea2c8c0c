/** The same models built directly with the tfjs layers API (no Keras import involved), for parity checks. */
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel, SymbolicTensor, Tensor } from '../../../src/tf/tfjs';
import { createRng } from '../../../src/core/random';
import type { LayerDesc, ModelDesc, Weights } from '../../fixtures/keras/build';

type Act = NonNullable<Parameters<typeof tf.layers.dense>[0]['activation']>;

function layerOf(l: LayerDesc, first?: number[]): { apply(x: SymbolicTensor | SymbolicTensor[]): unknown } {
  const inputShape = first ? { inputShape: first } : {};
  switch (l.kind) {
    case 'Dense':
      return tf.layers.dense({
        units: l.units,
        activation: l.activation as Act,
        useBias: l.useBias !== false,
        name: l.name,
        ...inputShape,
      });
    case 'Embedding':
      return tf.layers.embedding({ inputDim: l.inputDim, outputDim: l.outputDim, name: l.name, ...inputShape });
    case 'Concatenate':
      return tf.layers.concatenate({ axis: l.axis, name: l.name });
    case 'Flatten':
      return tf.layers.flatten({ name: l.name, ...inputShape });
    case 'BatchNormalization':
      return tf.layers.batchNormalization({ epsilon: l.epsilon, momentum: l.momentum, name: l.name, ...inputShape });
    case 'Dropout':
      return tf.layers.dropout({ rate: l.rate, name: l.name, ...inputShape });
    case 'Activation':
      return tf.layers.activation({ activation: l.activation as Act, name: l.name, ...inputShape });
    case 'Sequential':
      return sequentialOf(l.name, l.layers);
    default:
      throw new Error(`no tfjs reference for ${l.kind}`);
  }
}

function sequentialOf(name: string, layers: LayerDesc[]): LayersModel {
  const input = layers[0] as { shape: number[] };
  return tf.sequential({
    name,
    layers: layers.slice(1).map((l, i) => layerOf(l, i === 0 ? input.shape : undefined) as never),
  });
}

/** The desc as a tfjs model with the given weights set layer by layer. */
export function referenceModel(desc: ModelDesc, weights: Weights): LayersModel {
  let model: LayersModel;
  if (desc.type === 'Sequential') model = sequentialOf(desc.name, desc.layers);
  else {
    const out = new Map<string, SymbolicTensor>();
    const inputs: SymbolicTensor[] = [];
    for (const l of desc.layers) {
      if (l.kind === 'Input') {
        const t = tf.input({ shape: l.shape, dtype: l.dtype, name: l.name });
        inputs.push(t);
        out.set(l.name, t);
      } else {
        const ins = (l.inputs ?? []).map((n) => out.get(n)!);
        out.set(l.name, layerOf(l).apply(ins.length === 1 ? ins[0] : ins) as SymbolicTensor);
      }
    }
    model = tf.model({ inputs, outputs: desc.outputs.map((n) => out.get(n)!), name: desc.name });
  }
  const find = (m: LayersModel, name: string): { setWeights(w: Tensor[]): void } | null => {
    for (const l of m.layers) {
      if (l.name === name) return l;
      if (l instanceof tf.LayersModel) {
        const inner = find(l, name);
        if (inner) return inner;
      }
    }
    return null;
  };
  for (const [key, arrays] of weights)
    find(model, key.split('/').pop()!)!.setWeights(arrays.map((a) => tf.tensor(a.data, a.shape)));
  return model;
}

/** Seeded inputs for a model: ints in [0, 5) for int32 inputs, uniform(-1, 1) floats otherwise. */
export function sampleInputs(desc: ModelDesc, rows: number, seed = 99): Tensor[] {
  const rng = createRng(seed);
  return desc.layers
    .filter((l): l is Extract<LayerDesc, { kind: 'Input' }> => l.kind === 'Input')
    .map((l) => {
      const n = rows * l.shape.reduce((a, b) => a * b, 1);
      return l.dtype === 'int32'
        ? tf.tensor(
            Int32Array.from({ length: n }, () => Math.floor(rng() * 5)),
            [rows, ...l.shape],
            'int32',
          )
        : tf.tensor(
            Float32Array.from({ length: n }, () => rng() * 2 - 1),
            [rows, ...l.shape],
            'float32',
          );
    });
}

/** Predictions of a model as a flat Float32Array (inputs not disposed). */
export async function predictFlat(model: LayersModel, inputs: Tensor[]): Promise<Float32Array> {
  const y = model.predict(inputs.length === 1 ? inputs[0] : inputs) as Tensor;
  const data = (await y.data()) as Float32Array;
  y.dispose();
  return data;
}
