/**
 * onnxruntime's refusals in one sentence: which node failed, the PyTorch module it likely comes from (the
 * scope in torch.onnx.export's node names), and what to do. The user's file is named only when the fault is
 * in it; a graph CTR Studio wrote says so.
 */
import { StudioError } from '../core/errors';
import { WRITTEN_BY, type OnnxGraph } from '../core/onnx/native/graph';

/** The first line of an error message, without onnxruntime's boilerplate. */
function firstClause(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text
    .split('\n')[0]
    .replace(/^\[[^\]]*\]\s*/, '')
    .slice(0, 300);
}

/** A PyTorch module path from a node name such as "/dnn/linears.0/Gemm" (dnn.linears.0). */
export function moduleOf(nodeName: string): string | null {
  const parts = nodeName.replace(/^\//, '').split('/').slice(0, -1);
  return parts.length > 0 ? parts.join('.') : null;
}

export function runFailure(e: unknown, g: OnnxGraph, fileName: string): StudioError {
  if (e instanceof StudioError) return e;
  const why = firstClause(e);
  // onnxruntime names the node when it fails running one, and only the operator when it has none for it.
  const missingOp = why.match(/registered for (\w+)/)?.[1];
  const node =
    g.graph.node.find((n) => n.name && why.includes(n.name)) ?? g.graph.node.find((n) => n.opType === missingOp);
  const written = g.model.producerName === WRITTEN_BY;
  const where = node
    ? ` at node ${node.name} (${node.opType}${moduleOf(node.name) ? `, from the module ${moduleOf(node.name)}` : ''})`
    : '';
  const whose = written
    ? `The graph CTR Studio wrote from ${fileName} cannot run in onnxruntime-web${where} (${why}); ` +
      'please report it with the original file.'
    : `onnxruntime-web cannot run ${fileName}${where} (${why}); export the model again ` +
      '(torch.onnx.export with opset 13 to 17), or replace that layer with standard operators before exporting.';
  return new StudioError(written ? 'INTERNAL' : 'MODEL_UNKNOWN_LAYER', whose);
}
