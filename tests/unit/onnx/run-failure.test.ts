/**
 * When onnxruntime cannot run a graph, the sentence names the node, the PyTorch module it comes from and what
 * to do; when the graph is one CTR Studio wrote, the sentence says so instead of blaming the user's file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isStudioError } from '../../../src/core/errors';
import { decodeModel, encodeModel } from '../../../src/core/onnx/onnx';
import { WRITTEN_BY } from '../../../src/core/onnx/native/graph';
import { loadOnnxNode } from '../../../src/ort/node';

const bytes = new Uint8Array(readFileSync('tests/fixtures/onnx/torch/deepctr_torch/DeepFM.op17.onnx'));

/** The model with its first Relu turned into an operator onnxruntime does not have. */
function broken(producer?: string): Uint8Array {
  const m = decodeModel(bytes);
  const relu = m.graph.node.find((n) => n.opType === 'Relu')!;
  relu.opType = 'NoSuchOperator';
  return encodeModel({ ...m, ...(producer ? { producerName: producer } : {}) });
}

async function failure(data: Uint8Array) {
  try {
    await loadOnnxNode(data, 'DeepFM.op17.onnx');
  } catch (e) {
    return e;
  }
  throw new Error('expected onnxruntime to refuse the graph');
}

describe('onnxruntime refusals', () => {
  it("name the user's node, its module and what to do", async () => {
    const e = await failure(broken());
    expect(isStudioError(e) && e.code).toBe('MODEL_UNKNOWN_LAYER');
    expect((e as Error).message).toMatch(
      /^onnxruntime-web cannot run DeepFM\.op17\.onnx at node \/dnn\/activation_layers\.0\/Relu/,
    );
    expect((e as Error).message).toMatch(/from the module dnn\.activation_layers\.0.*; export the model again/);
  });

  it('say when the graph is one CTR Studio wrote', async () => {
    const e = await failure(broken(WRITTEN_BY));
    expect(isStudioError(e) && e.code).toBe('INTERNAL');
    expect((e as Error).message).toMatch(/^The graph CTR Studio wrote from DeepFM\.op17\.onnx cannot run/);
  });
});
