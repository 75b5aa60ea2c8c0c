/**
 * The reference runtime for the ONNX tests: onnxruntime-web's WebAssembly backend, in Node. Nothing to set up
 * beyond `import * as ort from 'onnxruntime-web'` (Node resolves dist/ort.node.min.mjs, which loads the .wasm
 * from node_modules). numThreads = 1 is not required (the tests pass without it) but keeps the runtime on one
 * thread: no worker threads to outlive a test, and the same summation order on every machine.
 */
import * as ort from 'onnxruntime-web';
import type { EncodedBatch, FeatureEncoding } from '../../../src/core/data';
import { inputNameForField, NUMERIC_INPUT } from '../../../src/core/model/spec';
import { createRng } from '../../../src/core/random';
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel } from '../../../src/tf/tfjs';

ort.env.wasm.numThreads = 1;

/** One input: ids (integers) or float features, row-major with their dims. */
export interface Feed {
  ids: boolean;
  dims: number[];
  data: Float32Array | Int32Array;
}

/**
 * Runs ONNX bytes in onnxruntime-web; ids are fed as `idType` (int64 like PyTorch, or int32). Returns the first
 * output.
 */
export async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, Feed>,
  idType: 'int64' | 'int32' = 'int64',
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) {
      if (!f.ids) ortFeeds[name] = new ort.Tensor('float32', Float32Array.from(f.data), f.dims);
      else if (idType === 'int32') ortFeeds[name] = new ort.Tensor('int32', Int32Array.from(f.data), f.dims);
      else ortFeeds[name] = new ort.Tensor('int64', BigInt64Array.from(Array.from(f.data, (v) => BigInt(v))), f.dims);
    }
    const out = await session.run(ortFeeds);
    return Float32Array.from(out[session.outputNames[0]].data as Float32Array);
  } finally {
    await session.release();
  }
}

/** Runs a tfjs model on the same feeds, matched to its inputs by name. */
export async function runTfjs(model: LayersModel, feeds: Record<string, Feed>): Promise<Float32Array> {
  const inputs = model.inputNames.map((name) => {
    const f = feeds[name];
    if (!f) throw new Error(`no feed for model input ${name}`);
    return f.ids
      ? tf.tensor(Int32Array.from(f.data), f.dims, 'int32')
      : tf.tensor(Float32Array.from(f.data), f.dims, 'float32');
  });
  const y = model.predict(inputs) as tf.Tensor;
  const out = Float32Array.from((await y.data()) as Float32Array);
  tf.dispose([y, ...inputs]);
  return out;
}

/** Random feeds for a torch-style CTR graph: `fields` id inputs C1.. in [0, vocab), `numeric` floats. */
export function randomFeeds(
  rows: number,
  fields: number,
  vocab: number,
  numeric: number,
  seed = 5,
): Record<string, Feed> {
  const rng = createRng(seed);
  const feeds: Record<string, Feed> = {};
  for (let f = 0; f < fields; f++)
    feeds[`C${f + 1}`] = {
      ids: true,
      dims: [rows, 1],
      data: Int32Array.from({ length: rows }, () => Math.floor(rng() * vocab)),
    };
  if (numeric > 0)
    feeds.numeric = {
      ids: false,
      dims: [rows, numeric],
      data: Float32Array.from({ length: rows * numeric }, () => rng() * 4 - 2),
    };
  return feeds;
}

/** Feeds for a zoo model from encoded rows (the studio's input names: field inputs and `numeric`). */
export function feedsFromBatch(enc: FeatureEncoding, batch: EncodedBatch): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  enc.categorical.forEach(
    (f, i) => (feeds[inputNameForField(f.name)] = { ids: true, dims: [batch.rows, 1], data: batch.categorical[i] }),
  );
  const width = batch.numeric.length / batch.rows;
  if (width > 0) feeds[NUMERIC_INPUT] = { ids: false, dims: [batch.rows, width], data: batch.numeric };
  return feeds;
}

/** Largest absolute difference between two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
