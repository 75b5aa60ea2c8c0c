/** The studio's export: the plan's model (or its fine-tuned weights) with its recipe, checked by reloading. */
import { SAMPLE_SEED } from './datasets';
import { exportModel } from './export';
import type { RunnableModel } from './runtime';
import type { Studio } from './studio';
import { planKey, type ExportOptions, type ExportResult, type UniformPlan } from './types';
import { StudioError } from '../core/errors';
import { auc } from '../core/metrics';
import type { ModelLoader } from './workspace';

export async function exportPlan(
  s: Studio,
  loader: ModelLoader,
  plan: UniformPlan,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const ws = s.ws;
  ws.requireModel();
  const c = ws.compressor!;
  const dataFree = ws.dataFree;
  const tuned = s.tuned?.key === planKey(plan) && s.tuned.at === ws.generation ? s.tuned : null;
  if (plan.activation && !tuned) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      'An activation between the factors must be fine-tuned before it is exported; ' +
        'run "Fine-tune" for this plan first.',
    );
  }
  if (!s.prepared)
    throw new StudioError('INVALID_ARGUMENT', 'The decompositions are not ready yet; wait for "Preparing" to finish.');
  const base = dataFree ? null : await s.baselineScores();
  const resolved = c.uniformPlan(plan);
  const built = tuned ? null : c.build(resolved);
  const model = tuned?.model ?? (await c.load(built!));
  const score = dataFree
    ? undefined
    : async (m: RunnableModel) => {
        const { meta, rows } = ws.ready();
        return auc(rows.test.labels, await m.probabilities(meta.encoding, rows.test));
      };
  try {
    const train = ws.splits()?.train;
    const out = await exportModel({
      model,
      loader,
      score,
      quantize: options.quantize,
      alsoOtherFormat: true,
      // A binding of columns to a model made elsewhere travels with the export only once rows have fed it.
      keep: ws.ownMeta ?? (dataFree ? null : ws.meta),
      recipe: {
        plan,
        resolved,
        fused: built?.fused.length ?? tuned!.result.fused,
        dataFree,
        ...(dataFree ? { idFrequencies: 'uniform' } : {}),
        calibrationRows: c.statistics?.rows ?? 0,
        seed: train?.data.sampled ? SAMPLE_SEED : null,
        fineTune: tuned ? { ...tunedSettings(s), bestEpoch: tuned.result.bestEpoch } : null,
        aucBefore: base?.auc ?? null,
        aucAfter: null,
        testRows: dataFree ? 0 : ws.ready().rows.test.rows,
        paramsBefore: c.originalParams,
        paramsAfter: model.params,
        source: ws.modelName,
      },
    });
    return {
      files: out.written.files.map((f) => ({ name: f.name, data: f.data.slice().buffer as ArrayBuffer, type: f.type })),
      ...(out.written.alsoError ? { otherFormatError: out.written.alsoError } : {}),
      params: model.params,
      auc: out.auc,
      reloadedAuc: out.reloadedAuc,
      weightBytes: out.written.weightBytes,
      float32Bytes: out.written.float32Bytes,
      maxWeightError: out.written.maxWeightError,
      recipe: out.recipe,
    };
  } finally {
    if (!tuned) model.dispose();
  }
}

function tunedSettings(s: Studio) {
  const t = s.tuned!;
  return { epochs: t.settings.epochs, learningRate: t.settings.learningRate, batchSize: t.settings.batchSize };
}
