// Times inference only (not a test): a model and its AFM compression at a dense and an embedding rank, rows per
// second at batch 1 and 2048 on tfjs' wasm backend (model.predict as the studio's throughput runs it), with each
// model's layer count. Each round times both models (RUNS timed runs each, medians), alternating which goes
// first, so a burst of load elsewhere hits both alike; the ratio printed is the median of the per-round ratios.
// Rows per second are given by wall clock and by this process's CPU time (steadier on a shared machine).
// Usage: npx tsx scripts/bench-inference.ts [MODEL=public/demo/models/deepfm] [DENSE=64] [EMB=4] [RUNS=5] [ROUNDS=5]
import { ModelCompressor } from '../src/app/modelCompressor';
import type { RunnableModel } from '../src/app/runtime';
import { loadEncoded, loadStudioModel } from '../src/cli/shared/io';
import { DEFAULT_METHOD } from '../src/core/compress/methods';
import type { ModelArtifacts } from '../src/core/layers/artifacts';
import { parseTopology } from '../src/core/layers/topology';
import { makeInputs, planFeed } from '../src/tf/feed';
import { tf, type LayersModel, type Tensor } from '../src/tf/tfjs';

const args = process.argv.slice(2);
const [model = 'public/demo/models/deepfm', dense = '64', emb = '4'] = args;
const runs = Number(args[3] ?? 5);
const rounds = Number(args[4] ?? 5);
const loaded = await loadStudioModel(model, 'public/demo/criteo/train.tsv');
const enc = loaded.meta.encoding;
const train = await loadEncoded('public/demo/criteo/train.tsv', enc);
const test = await loadEncoded('public/demo/criteo/test.tsv', enc);
const c = new ModelCompressor(loaded.model);
await c.collect(enc, train);
const built = c.build(
  c.uniformPlan({ method: DEFAULT_METHOD.id, denseRank: Number(dense), embeddingRank: Number(emb) }),
);
const compressed = await c.load(built);
const layerCount = async (m: RunnableModel) =>
  parseTopology(((await m.payload()) as ModelArtifacts).modelTopology).layers.length;
console.log(`layers: original ${await layerCount(loaded.model)}, compressed ${await layerCount(compressed)}`);
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];

/** Wall-clock and CPU (user + system) rows per second of one timed run of `calls` predictions. */
async function timeRun(m: RunnableModel, batch: number): Promise<{ wall: number; cpu: number }> {
  const net = (m as unknown as { net: LayersModel }).net;
  const calls = batch === 1 ? 200 : 2;
  const plan = planFeed(net, enc);
  const inputs = Array.from({ length: calls }, (_, i) => {
    const start = (i * batch) % Math.max(1, test.rows - batch + 1);
    return makeInputs(plan, test, { start, end: Math.min(test.rows, start + batch) });
  });
  const once = async () => {
    for (const x of inputs) {
      const y = net.predict(x, { batchSize: batch }) as Tensor;
      await y.data();
      y.dispose();
    }
  };
  await once(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await once();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  inputs.forEach((x) => tf.dispose(x));
  const rows = calls * batch;
  return { wall: (rows / med(wall)) * 1000, cpu: (rows / med(cpu)) * 1000 };
}

for (const batch of [1, 2048]) {
  const a: { wall: number; cpu: number }[] = [];
  const b: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      a.push(await timeRun(loaded.model, batch));
      b.push(await timeRun(compressed, batch));
    } else {
      b.push(await timeRun(compressed, batch));
      a.push(await timeRun(loaded.model, batch));
    }
  }
  for (const k of ['wall', 'cpu'] as const) {
    const ratios = a.map((x, i) => b[i][k] / x[k]);
    console.log(
      `batch ${batch} (${k}): original ${med(a.map((x) => x[k])).toFixed(0)} rows/s, compressed ` +
        `${med(b.map((x) => x[k])).toFixed(0)} rows/s, median ratio ${med(ratios).toFixed(2)} ` +
        `(per round: ${ratios.map((x) => x.toFixed(2)).join(' ')})`,
    );
  }
}
compressed.dispose();
