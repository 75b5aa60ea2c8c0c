/**
 * An export is offered only after its files open again as a drop would; when they do not, the sentence says
 * the fault is in the files CTR Studio wrote, not in the user's model.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportModel } from '../../../src/app/export';
import { DEFAULT_METHOD } from '../../../src/core/compress/methods';
import { StudioError } from '../../../src/core/errors';
import { loadOnnxNode } from '../../../src/ort/node';

describe('the export check', () => {
  it("blames the project's own files when they do not open again", async () => {
    const file = 'tests/fixtures/onnx/torch/deepctr_torch/WDL.op17.onnx';
    const model = await loadOnnxNode(new Uint8Array(readFileSync(file)), 'WDL.op17.onnx');
    const failing = async () => {
      throw new StudioError('MODEL_NOT_LAYERS', 'model.onnx is not a readable ONNX model (truncated).');
    };
    const job = exportModel({
      model,
      loader: failing,
      keep: null,
      recipe: {
        plan: { method: DEFAULT_METHOD.id, denseRank: null, embeddingRank: null },
        resolved: [],
        fused: 0,
        dataFree: true,
        calibrationRows: 0,
        seed: null,
        aucBefore: null,
        aucAfter: null,
        testRows: 0,
        paramsBefore: model.params,
        paramsAfter: model.params,
        source: 'WDL.op17.onnx',
      },
    });
    await expect(job).rejects.toThrow(
      /^The files CTR Studio wrote for WDL\.op17\.onnx could not be opened again \(model\.onnx is not a readable/,
    );
    model.dispose();
  });
});
