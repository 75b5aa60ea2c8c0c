/**
 * `ctr-studio compress --data-free`: compression with no rows at all, for any model (tfjs, Keras, ONNX):
 * Dense layers from their weights, embedding tables with every id weighted alike (or by the id frequencies
 * given). Reports reconstruction errors instead of AUC.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../node/atomic';
import type { ParsedArgs } from '../shared/args';
import { StudioError } from '../../core/errors';
import type { UniformPlan } from '../../core/compress/plan';
import { readMetadata } from '../../core/model/metadata';
import { STUDIO_VERSION } from '../../core/version';
import { exportModel } from '../../app/export';
import { ModelCompressor } from '../../app/modelCompressor';
import type { Compressor } from '../../core/compress/compressor';
import { requireFile, writeFilesTo } from '../../node/files';
import { loadModelPath, NODE_LOADER, printJson, printWarnings, round } from '../shared/io';
import { layerRows, nothingFactoredWarning } from '../shared/compression';
import { originalNames } from '../../formats/keras';

/** Reads `layer,id,count` lines (a header line is allowed) into per-table id counts. */
export async function readIdFrequencies(path: string, c: Compressor): Promise<Map<string, Float64Array>> {
  const text = await readFile(await requireFile(path, 'id-frequency file'), 'utf8');
  const out = new Map<string, Float64Array>();
  text.split(/\r?\n/).forEach((line, i) => {
    const cells = line.split(',').map((x) => x.trim());
    if (cells.length < 3 || (i === 0 && Number.isNaN(Number(cells[1])))) return;
    const [layer, id, count] = [cells[0], Number(cells[1]), Number(cells[2])];
    const info = c.inventory.find((l) => l.name === layer);
    if (info?.kind !== 'embedding')
      throw new StudioError(
        'INVALID_ARGUMENT',
        `Line ${i + 1} of ${path} names ${layer}, which is not an embedding table of the ` +
          `model; use the table names ctr-studio inspect lists.`,
      );
    if (!Number.isInteger(id) || id < 0 || id >= info.shape.vocab || !(count >= 0))
      throw new StudioError(
        'INVALID_ARGUMENT',
        `Line ${i + 1} of ${path} has id ${cells[1]} or count ${cells[2]} outside the ` +
          `table (0..${info.shape.vocab - 1}, count ≥ 0); fix that line.`,
      );
    if (!out.has(layer)) out.set(layer, new Float64Array(info.shape.vocab));
    out.get(layer)![id] += count;
  });
  return out;
}

export async function runDataFree(args: ParsedArgs, plan: UniformPlan): Promise<void> {
  const t0 = performance.now();
  const { model, opened } = await loadModelPath(String(args.model));
  const c = new ModelCompressor(model);
  c.setDataFree(args['id-frequencies'] ? await readIdFrequencies(String(args['id-frequencies']), c) : undefined);
  const resolved = c.uniformPlan(plan);
  const built = c.build(resolved, { fuse: !args['no-fuse'] });
  const errors = c.reconstructionErrors(resolved);
  const layers = layerRows(c, resolved, built.layerParams, originalNames(model.userDefinedMetadata)).map((row) => ({
    ...row,
    reconstructionError: errors.get(row.name) ?? 0,
  }));
  const compressed = await c.load(built);
  // A CTR Studio model keeps its feature encoding, so `evaluate` can score the result on rows later.
  const exported = await exportModel({
    model: compressed,
    loader: NODE_LOADER,
    keep: readMetadata(model.userDefinedMetadata),
    recipe: {
      plan,
      resolved,
      fused: built.fused.length,
      dataFree: true,
      idFrequencies: args['id-frequencies'] ? String(args['id-frequencies']) : 'uniform',
      calibrationRows: 0,
      seed: null,
      aucBefore: null,
      aucAfter: null,
      testRows: 0,
      paramsBefore: c.originalParams,
      paramsAfter: built.params,
      source: opened.name,
    },
  });
  compressed.dispose();
  const path = await writeFilesTo(String(args.out), exported.written.files);
  const values = [...errors.values()];
  const nothing = nothingFactoredWarning(resolved);
  const warnings = nothing ? [nothing] : [];
  const report = {
    tool: 'ctr-studio compress --data-free',
    version: STUDIO_VERSION,
    model: String(args.model),
    dataFree: true,
    original: { params: c.originalParams },
    compressed: { params: built.params },
    paramRatio: built.params / c.originalParams,
    reconstructionError: {
      mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0,
      worst: values.reduce((a, b) => Math.max(a, b), 0),
    },
    layers,
    fused: built.fused,
    timingsMs: { decomposition: c.timings.decompositionMs, total: performance.now() - t0 },
    warnings,
  };
  if (args.report) await writeFileAtomic(String(args.report), JSON.stringify(report, null, 2));
  model.dispose();
  printWarnings(warnings);
  printJson({
    model: path,
    report: args.report ?? null,
    dataFree: true,
    params: { original: c.originalParams, compressed: built.params, ratio: round(report.paramRatio, 4) },
    reconstructionError: {
      mean: round(report.reconstructionError.mean, 6),
      worst: round(report.reconstructionError.worst, 6),
    },
    seconds: round(report.timingsMs.total / 1000, 2),
    warnings,
  });
}
