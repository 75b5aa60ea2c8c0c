import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { predictProbs } from '../../../src/tf/predict';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import { compressorOf } from '../../helpers/compressor';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { decodeModel } from '../../../src/core/onnx/onnx';
import { quantizeArtifacts } from '../../../src/core/layers/quantize';
import { MODEL_KINDS, type ModelKind } from '../../../src/core/model/spec';
import type { ModelArtifacts } from '../../../src/core/layers/artifacts';
import { isStudioError } from '../../../src/core/errors';
import { smallSpec, syntheticEncoding, syntheticRows } from '../../helpers/synthetic';
import { feedsFromBatch, maxAbsDiff, randomFeeds, runOrt, runTfjs } from './reference';
import { torchDeepFm } from './torch-graphs';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const enc = syntheticEncoding();
const rows = syntheticRows(enc, 96);
const feeds = feedsFromBatch(enc, rows);

/** A zoo model with weights moved off their initial values (so every weight matters to the scores). */
function trainedLike(kind: ModelKind, dropout = 0): LayersModel {
  const model = buildModel({ ...smallSpec(kind, enc), dropout });
  model.setWeights(
    model.getWeights().map((w, i) => tf.tidy(() => tf.add(w, tf.randomNormal(w.shape, 0, 0.2, 'float32', 100 + i)))),
  );
  return model;
}

/** ONNX scores of exported artifacts vs tfjs scores of the same artifacts, and the export → import → tfjs scores. */
async function checkExport(artifacts: ModelArtifacts, idType: 'int64' | 'int32' = 'int64') {
  const model = await loadModelFromArtifacts(artifacts);
  const want = await predictProbs(model, enc, rows);
  const bytes = exportOnnx(artifacts, { idType });
  const onnx = await runOrt(bytes, feeds, idType);
  const back = await loadModelFromArtifacts(importOnnx(bytes, 'exported.onnx'));
  const again = await predictProbs(back, enc, rows);
  return { bytes, ortDiff: maxAbsDiff(onnx, want), roundTripDiff: maxAbsDiff(again, want), back };
}

describe('exportOnnx: zoo models', () => {
  it.each(MODEL_KINDS)('%s scores the same in onnxruntime-web and after import', async (kind) => {
    const artifacts = await saveModelToArtifacts(trainedLike(kind, kind === 'dnn' ? 0.3 : 0), { ctrStudio: { kind } });
    const { bytes, ortDiff, roundTripDiff, back } = await checkExport(artifacts);
    expect(ortDiff).toBeLessThan(1e-4);
    expect(roundTripDiff).toBeLessThan(1e-4);
    const ops = new Set(decodeModel(bytes).graph.node.map((n) => n.opType));
    if (kind !== 'lr') expect(ops).toContain('Gather');
    expect(ops).toContain('MatMul');
    // The way back: FM subgraph → FMInteraction again, metadata (feature encoding etc.) carried along.
    if (kind === 'deepfm') {
      expect(back.layers.some((l) => l.getClassName() === 'FMInteraction')).toBe(true);
      // Node names carry the layer names, so the round trip gives the same layers back (Dense = MatMul+Add+Relu).
      const original = (artifacts.modelTopology.config as { layers: { name: string; class_name: string }[] }).layers;
      expect(back.layers.map((l) => `${l.name}:${l.getClassName()}`).sort()).toEqual(
        original.map((l) => `${l.name}:${l.class_name}`).sort(),
      );
    }
    const meta = importOnnx(bytes, 'm.onnx').userDefinedMetadata as Record<string, unknown>;
    expect(meta.ctrStudio).toEqual({ kind });
  });

  it('writes int32 id inputs on request', async () => {
    const artifacts = await saveModelToArtifacts(trainedLike('deepfm'));
    const { ortDiff } = await checkExport(artifacts, 'int32');
    expect(ortDiff).toBeLessThan(1e-4);
  });

  it('declares inputs with a dynamic batch axis and the tfjs names', async () => {
    const bytes = exportOnnx(await saveModelToArtifacts(trainedLike('widedeep')));
    const g = decodeModel(bytes).graph;
    expect(g.input.map((i) => i.name)).toEqual(['C1', 'C2', 'C3', 'C4', 'numeric']);
    expect(g.input[0].type?.shape).toEqual([{ param: 'batch' }, { value: 1 }]);
    expect(g.output.map((o) => o.name)).toEqual(['prediction']);
  });
});

describe('exportOnnx: compressed and quantized models', () => {
  it.each(['deepfm', 'dcnv2', 'widedeep'] as const)(
    'AFM-compressed %s (factored Dense and embedding up-projections) scores the same',
    async (kind) => {
      const c = await compressorOf(trainedLike(kind));
      await c.collect(enc, rows);
      const built = c.build(c.uniformPlan({ method: 'afm', denseRank: 4, embeddingRank: 2 }));
      const names = (built.payload.modelTopology.config as { layers: { name: string }[] }).layers.map((l) => l.name);
      expect(names.some((n) => n.endsWith('_proj'))).toBe(true);
      // DeepFM's FM branch and DCNv2's cross input keep the embedding up-projections, batched in one
      // FieldProjection (exported as a MatMul and Add per field on [batch, 1, k], then a Concat).
      const classes = (built.payload.modelTopology.config as { layers: { class_name: string }[] }).layers.map(
        (l) => l.class_name,
      );
      if (kind !== 'widedeep') expect(classes).toContain('FieldProjection');
      const { ortDiff, roundTripDiff } = await checkExport(built.payload);
      expect(ortDiff).toBeLessThan(1e-4);
      expect(roundTripDiff).toBeLessThan(1e-4);
    },
  );

  it.each(['uint8', 'float16'] as const)('%s-quantized weights export as the floats tfjs loads', async (mode) => {
    const q = quantizeArtifacts(await saveModelToArtifacts(trainedLike('deepfm')), mode).artifacts;
    const { ortDiff } = await checkExport(q);
    expect(ortDiff).toBeLessThan(1e-4);
  });
});

describe('exportOnnx: imported ONNX models go back out', () => {
  it('a PyTorch-style DeepFM → tfjs → ONNX scores like the original graph', async () => {
    const original = torchDeepFm({ fm: 'fuxictr', linear: 'matmul', opset: 13 });
    const artifacts = importOnnx(original, 'torch.onnx');
    const again = exportOnnx(artifacts, { opset: 13 });
    const f = randomFeeds(50, 4, 21, 6, 8);
    expect(maxAbsDiff(await runOrt(again, f), await runOrt(original, f))).toBeLessThan(1e-5);
    expect(maxAbsDiff(await runTfjs(await loadModelFromArtifacts(artifacts), f), await runOrt(again, f))).toBeLessThan(
      1e-4,
    );
  });
});

describe('exportOnnx: errors', () => {
  it('names the layer classes it cannot write', async () => {
    const artifacts = await saveModelToArtifacts(trainedLike('dnn'));
    const topo = structuredClone(artifacts.modelTopology) as {
      config: { layers: { class_name: string; name: string; config: Record<string, unknown> }[] };
    };
    const deep0 = topo.config.layers.find((l) => l.name === 'deep_0')!;
    deep0.class_name = 'LSTM';
    let message = '';
    try {
      exportOnnx({ ...artifacts, modelTopology: topo as never });
    } catch (e) {
      expect(isStudioError(e) && e.code).toBe('MODEL_UNKNOWN_LAYER');
      message = (e as Error).message;
    }
    expect(message).toMatch(/^The model uses LSTM \(layer deep_0\), which the ONNX export cannot write; /);
  });

  it('names an activation it cannot write, with its layer', async () => {
    const artifacts = await saveModelToArtifacts(trainedLike('dnn'));
    const topo = structuredClone(artifacts.modelTopology) as {
      config: { layers: { name: string; config: Record<string, unknown> }[] };
    };
    topo.config.layers.find((l) => l.name === 'deep_1')!.config.activation = 'swish';
    expect(() => exportOnnx({ ...artifacts, modelTopology: topo as never })).toThrow(
      /Dense \(layer deep_1: its activation swish has no ONNX export here/,
    );
  });
});
