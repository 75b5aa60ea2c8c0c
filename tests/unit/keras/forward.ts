/**
 * An independent forward pass of a test model in plain TypeScript (no tfjs): each layer computed from the raw
 * weight arrays the file holds, in Keras' own formulas (LSTM gates i, f, c, o; GRU with reset_after; SimpleRNN;
 * Bidirectional concatenating the forward and backward final states), one row at a time in float64.
 */
import { layerKey, type LayerDesc, type ModelDesc, type RecurrentDesc, type Weights } from '../../fixtures/keras/build';

/** One row's value of a tensor (no batch axis). */
export interface Value {
  shape: number[];
  data: Float64Array;
}

type Arr = { shape: number[]; data: Float32Array };

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const ACT: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  sigmoid,
  tanh: Math.tanh,
};
const act = (name: string) => {
  const f = ACT[name];
  if (!f) throw new Error(`no reference activation ${name}`);
  return f;
};
const value = (shape: number[], data: Float64Array): Value => ({ shape, data });
const map = (v: Value, f: (x: number) => number): Value => value(v.shape, v.data.map(f));

/** x [.., d] · W [d, n] + b over the last axis. */
function dense(x: Value, w: Arr, b: Arr | undefined, f: (x: number) => number): Value {
  const d = w.shape[0];
  const n = w.shape[1];
  const rows = x.data.length / d;
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < n; j++) {
      let s = b ? b.data[j] : 0;
      for (let k = 0; k < d; k++) s += x.data[r * d + k] * w.data[k * n + j];
      out[r * n + j] = f(s);
    }
  return value([...x.shape.slice(0, -1), n], out);
}

/** h ← cell(x_t, h) over the sequence [T, F]; returns every step's h. */
function recurrent(r: RecurrentDesc, x: Value, [w, u, b]: Arr[], backwards: boolean): Float64Array[] {
  const [steps, features] = x.shape;
  const units = r.units;
  const gates = r.cell === 'LSTM' ? 4 : r.cell === 'GRU' ? 3 : 1;
  const width = gates * units;
  let h = new Float64Array(units);
  let c = new Float64Array(units);
  const out: Float64Array[] = [];
  const order = [...Array(steps).keys()];
  if (backwards) order.reverse();
  for (const t of order) {
    const xw = new Float64Array(width);
    const hu = new Float64Array(width);
    for (let j = 0; j < width; j++) {
      let s = r.cell === 'GRU' ? b.data[j] : b.data[j];
      for (let k = 0; k < features; k++) s += x.data[t * features + k] * w.data[k * width + j];
      xw[j] = s;
      let q = r.cell === 'GRU' ? b.data[width + j] : 0;
      for (let k = 0; k < units; k++) q += h[k] * u.data[k * width + j];
      hu[j] = q;
    }
    const next = new Float64Array(units);
    if (r.cell === 'SimpleRNN') for (let j = 0; j < units; j++) next[j] = Math.tanh(xw[j] + hu[j]);
    if (r.cell === 'LSTM') {
      const cNext = new Float64Array(units);
      for (let j = 0; j < units; j++) {
        const z = (g: number) => xw[g * units + j] + hu[g * units + j];
        cNext[j] = sigmoid(z(1)) * c[j] + sigmoid(z(0)) * Math.tanh(z(2));
        next[j] = sigmoid(z(3)) * Math.tanh(cNext[j]);
      }
      c = cNext;
    }
    if (r.cell === 'GRU')
      for (let j = 0; j < units; j++) {
        const z = sigmoid(xw[j] + hu[j]);
        const rr = sigmoid(xw[units + j] + hu[units + j]);
        const hh = Math.tanh(xw[2 * units + j] + rr * hu[2 * units + j]);
        next[j] = z * h[j] + (1 - z) * hh;
      }
    h = next;
    out.push(h);
  }
  return out;
}

function sequenceOut(r: RecurrentDesc, steps: Float64Array[]): Value {
  if (!r.returnSequences) return value([r.units], steps[steps.length - 1]);
  const out = new Float64Array(steps.length * r.units);
  steps.forEach((s, t) => out.set(s, t * r.units));
  return value([steps.length, r.units], out);
}

function normalize(x: Value, gamma: Arr, beta: Arr, eps: number): Value {
  const d = gamma.shape[0];
  const out = new Float64Array(x.data.length);
  for (let r = 0; r < x.data.length / d; r++) {
    const row = x.data.subarray(r * d, (r + 1) * d);
    const mean = row.reduce((a, b) => a + b, 0) / d;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / d;
    for (let j = 0; j < d; j++)
      out[r * d + j] = ((row[j] - mean) / Math.sqrt(variance + eps)) * gamma.data[j] + beta.data[j];
  }
  return value(x.shape, out);
}

function conv1d(x: Value, w: Arr, b: Arr, f: (x: number) => number): Value {
  const [k, channels, filters] = w.shape;
  const steps = x.shape[0] - k + 1;
  const out = new Float64Array(steps * filters);
  for (let t = 0; t < steps; t++)
    for (let o = 0; o < filters; o++) {
      let s = b.data[o];
      for (let i = 0; i < k; i++)
        for (let ch = 0; ch < channels; ch++)
          s += x.data[(t + i) * channels + ch] * w.data[(i * channels + ch) * filters + o];
      out[t * filters + o] = f(s);
    }
  return value([steps, filters], out);
}

/** One layer on its inputs. `run` evaluates a nested model. */
function layer(l: LayerDesc, ins: Value[], w: Arr[], run: (m: LayerDesc, ins: Value[]) => Value): Value {
  const x = ins[0];
  switch (l.kind) {
    case 'Dense':
      return dense(x, w[0], w[1], act(l.activation));
    case 'Embedding': {
      const d = l.outputDim;
      const out = new Float64Array(x.data.length * d);
      x.data.forEach((id, i) => out.set(w[0].data.subarray(id * d, (id + 1) * d), i * d));
      return value([...x.shape, d], out);
    }
    case 'Concatenate': {
      const rows = x.data.length / x.shape[x.shape.length - 1];
      const widths = ins.map((v) => v.shape[v.shape.length - 1]);
      const total = widths.reduce((a, b) => a + b, 0);
      const out = new Float64Array(rows * total);
      for (let r = 0; r < rows; r++) {
        let at = r * total;
        ins.forEach((v, i) => {
          out.set(v.data.subarray(r * widths[i], (r + 1) * widths[i]), at);
          at += widths[i];
        });
      }
      return value([...x.shape.slice(0, -1), total], out);
    }
    case 'Flatten':
      return value([x.data.length], x.data);
    case 'Dot':
      return value([1], Float64Array.of(x.data.reduce((s, a, i) => s + a * ins[1].data[i], 0)));
    case 'Dropout':
      return x;
    case 'Activation':
      return map(x, act(l.activation));
    case 'LayerNormalization':
      return normalize(x, w[0], w[1], l.epsilon);
    case 'Conv1D':
      return conv1d(x, w[0], w[1], act(l.activation));
    case 'GlobalMaxPooling1D': {
      const [steps, d] = x.shape;
      const out = new Float64Array(d).fill(-Infinity);
      for (let t = 0; t < steps; t++) for (let j = 0; j < d; j++) out[j] = Math.max(out[j], x.data[t * d + j]);
      return value([d], out);
    }
    case 'RNN':
      return sequenceOut(l, recurrent(l, x, w, false));
    case 'Bidirectional': {
      const fwd = recurrent(l.layer, x, w.slice(0, 3), false);
      const bwd = recurrent(l.layer, x, w.slice(3), true);
      const u = l.layer.units;
      const out = new Float64Array(2 * u);
      out.set(fwd[fwd.length - 1], 0);
      out.set(bwd[bwd.length - 1], u);
      return value([2 * u], out);
    }
    case 'Sequential':
    case 'Functional':
      return run(l, ins);
    default:
      throw new Error(`no reference for ${l.kind}`);
  }
}

/** The model's first output for one row, given each Input's value. */
export function forwardRow(model: ModelDesc, weights: Weights, inputs: Value[]): Value {
  const evaluate = (layers: LayerDesc[], sequential: boolean, outputs: string[], prefix: string, given: Value[]) => {
    const values = new Map<string, Value>();
    const inputLayers = layers.filter((l) => l.kind === 'Input');
    let prev = given[0];
    for (const l of layers) {
      const key = layerKey(prefix, l.name);
      let v: Value;
      if (l.kind === 'Input') v = given[sequential ? 0 : inputLayers.indexOf(l)];
      else {
        const ins = sequential ? [prev] : (l.inputs ?? []).map((n) => values.get(n)!);
        v = layer(l, ins, weights.get(key) ?? [], (m, mIns) => {
          const nested = m as { layers: LayerDesc[]; outputs?: string[] };
          return evaluate(nested.layers, m.kind === 'Sequential', nested.outputs ?? [], key, mIns);
        });
      }
      values.set(l.name, v);
      prev = v;
    }
    return sequential ? prev : values.get(outputs[0])!;
  };
  return evaluate(model.layers, model.type === 'Sequential', model.outputs, '', inputs);
}

/** Rows of inputs as Values: row r of each input tensor's flat data. */
export function rowsOf(data: (Float32Array | Int32Array)[], shapes: number[][], rows: number): Value[][] {
  return Array.from({ length: rows }, (_, r) =>
    data.map((d, i) => {
      const n = shapes[i].reduce((a, b) => a * b, 1);
      return value(shapes[i], Float64Array.from(d.subarray(r * n, (r + 1) * n)));
    }),
  );
}
