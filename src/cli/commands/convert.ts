/**
 * `ctr-studio convert`: a model from one format to another: ONNX (torch.onnx.export) or Keras (.keras/.h5) to
 * a tfjs layers-model folder, and a tfjs layers-model (compressed or not) to ONNX for ONNX Runtime / PyTorch
 * users. The converted model is loaded and, for ONNX output, read back before it is written.
 */
import { writeFileAtomic } from '../../node/atomic';
import type { CommandDef, ParsedArgs, Command } from '../shared/args';
import { StudioError } from '../../core/errors';
import { exportOnnx } from '../../core/onnx/export';
import { importOnnx } from '../../core/onnx/import';
import { writeFilesTo } from '../../node/files';
import { writeLayersModel } from '../../formats/tfjs/write';
import { writeOnnxModel } from '../../formats/onnx/write';
import { loadOnnxNode } from '../../ort/node';
import type { RunnableModel } from '../../app/runtime';
import { loadData, loadModelPath, printJson, printWarnings, round } from '../shared/io';
import { bindEncoding, describeBinding, encodeBatch } from '../../core/data';
import { auc, evaluationWarnings, logLoss } from '../../core/metrics';
import { METADATA_KEY, readMetadata, type StudioMetadata } from '../../core/model/metadata';
import type { ModelArtifacts } from '../../core/layers/artifacts';
import { STUDIO_VERSION } from '../../core/version';

const def: CommandDef = {
  name: 'convert',
  summary: 'convert a model: ONNX or Keras to a tfjs layers-model, or a tfjs layers-model to ONNX',
  usage: 'ctr-studio convert --model PATH --to tfjs|onnx --out PATH',
  options: [
    {
      name: 'model',
      value: 'PATH',
      help: 'model.json (or its folder), a Keras .keras/.h5 file or an ONNX .onnx file',
      required: true,
    },
    { name: 'to', value: 'tfjs|onnx', help: 'output format', required: true },
    { name: 'out', value: 'PATH', help: 'a folder (tfjs), a .zip of one, or a .onnx file', required: true },
    {
      name: 'id-type',
      value: 'int64|int32',
      help: 'ONNX: the dtype of id inputs (PyTorch feeds int64)',
      default: 'int64',
    },
    {
      name: 'data',
      value: 'FILE',
      help:
        "for a model without CTR Studio encoding: bind its inputs to this file's columns " +
        'by name (ids and values as they are) and store that as its encoding, so ' +
        'evaluate, compress and sweep can score rows',
    },
  ],
  notes:
    'ONNX import covers the CTR building blocks (Gather, Gemm/MatMul+Add, ' +
    'Relu/Sigmoid/Tanh, Concat,\nFlatten/Reshape, the FM interaction, ...); other ops ' +
    'are named in the error. The CTR Studio metadata\n(feature encoding, compression ' +
    'recipe) travels in the ONNX metadata and comes back on import.',
};

/** The ONNX bytes of a model: its own graph, or the export of a tfjs layers-model. */
function onnxBytes(
  model: RunnableModel,
  payload: unknown,
  meta: Record<string, unknown> | undefined,
  idType: 'int64' | 'int32',
) {
  if (model.format === 'onnx') return writeOnnxModel(payload as Uint8Array, meta).files[0].data;
  return exportOnnx({ ...(payload as ModelArtifacts), userDefinedMetadata: meta }, { idType });
}

/** The tfjs layers-model of a model: its own, or an ONNX graph converted operator by operator. */
function layersOf(model: RunnableModel, payload: unknown, fileName: string): ModelArtifacts {
  return model.format === 'onnx' ? importOnnx(payload as Uint8Array, fileName) : (payload as ModelArtifacts);
}

async function run(args: ParsedArgs): Promise<void> {
  const to = String(args.to);
  if (to !== 'tfjs' && to !== 'onnx') throw new StudioError('USAGE', `--to must be tfjs or onnx, not "${to}".`);
  const idType = String(args['id-type']);
  if (idType !== 'int64' && idType !== 'int32') {
    throw new StudioError('USAGE', `--id-type must be int64 or int32, not "${idType}".`);
  }
  const { model, opened } = await loadModelPath(String(args.model)); // proves the runtime can run it
  const fileName = opened.name;
  const payload = await model.payload();
  const params = model.params;
  const bound = args.data ? await bindToData(model, fileName, String(args.data)) : null;
  const meta = bound ? { ...(model.userDefinedMetadata ?? {}), [METADATA_KEY]: bound.meta } : model.userDefinedMetadata;
  model.dispose();
  const report = bound ? { binding: bound.report } : {};
  if (to === 'tfjs') {
    const files = writeLayersModel(layersOf(model, payload, fileName), meta).files;
    const path = await writeFilesTo(String(args.out), files);
    return printJson({ model: path, format: 'tfjs layers-model', params, ...report });
  }
  const bytes = onnxBytes(model, payload, meta, idType);
  // What we write, onnxruntime runs: checked before the file is written (a fault here is ours, said so).
  (await loadOnnxNode(bytes, `the ONNX export of ${fileName}`)).dispose();
  await writeFileAtomic(String(args.out), bytes);
  printJson({ model: String(args.out), format: 'onnx', params, bytes: bytes.byteLength, ...report });
}

/**
 * The model's inputs bound to a data file's columns (see bindEncoding), proven by scoring every row of the
 * file: a column the model cannot take fails here, with its line, not later.
 */
async function bindToData(model: RunnableModel, fileName: string, file: string) {
  if (readMetadata(model.userDefinedMetadata)) {
    throw new StudioError(
      'USAGE',
      `${fileName} already carries a CTR Studio feature encoding; --data is for models made elsewhere.`,
    );
  }
  const data = await loadData(file, { asIs: true }); // a model made elsewhere takes its columns as they are
  const encoding = { ...bindEncoding(model.inputs, data.schema), fitRows: data.raw.rows };
  const rows = encodeBatch(encoding, data.raw, data.schema);
  const probs = await model.probabilities(encoding, rows);
  const meta: StudioMetadata = {
    format: 1,
    studioVersion: STUDIO_VERSION,
    encoding,
    evaluation: { file, rows: rows.rows, auc: auc(rows.labels, probs), logloss: logLoss(rows.labels, probs) },
  };
  return {
    meta,
    report: {
      data: file,
      rows: rows.rows,
      auc: round(meta.evaluation!.auc),
      logloss: round(meta.evaluation!.logloss),
      columns: describeBinding(encoding),
      warnings: printWarnings(evaluationWarnings(rows.labels, { name: 'the model', probabilities: probs })),
    },
  };
}

export const convertCommand: Command = { def, run };
