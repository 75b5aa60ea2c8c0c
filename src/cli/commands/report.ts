/**
 * `ctr-studio report`: the paper's headline on the demo models, measured here: original, SVD, AFM, AFM +
 * fine-tune, AFM + activation + fine-tune and auto-ranked AFM at about a third of the parameters, with
 * parameters, bytes, test AUC and its DeLong interval against the original, log loss and inference rows/s.
 * Writes a Markdown table (optionally into the README between report markers) and a JSON file.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../node/atomic';
import { numberArg, type CommandDef, type ParsedArgs, type Command } from '../shared/args';
import { StudioError } from '../../core/errors';
import { delong, logLoss } from '../../core/metrics';
import { baselineOf, comparisonWarnings } from '../../app/sweep';
import { budgetFromArg } from '../../core/compress/allocate';
import type { UniformPlan } from '../../core/compress/plan';
import { quantizeArtifacts } from '../../core/layers/quantize';
import { STUDIO_VERSION } from '../../core/version';
import { autoRanks } from '../../app/autoRank';
import type { FineTuneOptions, RunnableModel } from '../../app/runtime';
import { compressModel } from '../../app/pipeline';
import { DEFAULT_METHOD, METHODS } from '../../core/compress/methods';
import type { ModelArtifacts } from '../../core/layers/artifacts';
import { openCompression } from '../shared/compression';
import { printJson, printWarnings, round } from '../shared/io';

const def: CommandDef = {
  name: 'report',
  summary: 'compare original, SVD, AFM, fine-tuned and auto-ranked AFM on the demo models (Markdown + JSON)',
  usage:
    'ctr-studio report [--models deepfm,dcnv2] [--dense-rank 64 --embedding-rank 4 ' +
    '--budget 0.33] --out report.md [--readme README.md]',
  options: [
    {
      name: 'models',
      value: 'IDS',
      help: 'models to report (folders under --model-dir)',
      default: 'deepfm,dcnv2',
    },
    { name: 'model-dir', value: 'DIR', help: 'folder holding the model folders', default: 'public/demo/models' },
    { name: 'train', value: 'FILE', help: 'training rows', default: 'public/demo/criteo/train.tsv' },
    { name: 'test', value: 'FILE', help: 'test rows', default: 'public/demo/criteo/test.tsv' },
    { name: 'dense-rank', value: 'K', help: 'Dense rank of the SVD/AFM rows', default: '64' },
    { name: 'embedding-rank', value: 'K', help: 'embedding rank of the SVD/AFM rows', default: '4' },
    {
      name: 'budget',
      value: 'B',
      help: 'parameter budget of the auto-ranked row (fraction or count)',
      default: '0.33',
    },
    { name: 'fine-tune-lr', value: 'LR', help: 'learning rate of the lower-rate fine-tuning rows', default: '0.0001' },
    { name: 'fine-tune-epochs', value: 'N', help: 'epochs of the lower-rate fine-tuning rows', default: '3' },
    { name: 'runs', value: 'N', help: 'timed runs behind each throughput median', default: '5' },
    { name: 'out', value: 'FILE', help: 'Markdown output', default: 'docs/report.md' },
    { name: 'json', value: 'FILE', help: 'JSON output' },
    {
      name: 'readme',
      value: 'FILE',
      help: 'also write the tables into this file between <!-- report:start --> and <!-- report:end -->',
    },
  ],
  notes: 'Fine-tuning uses the last 10% of the training rows as its validation slice. Takes a few minutes.',
};

interface Row {
  label: string;
  params: number;
  bytes: number;
  bytesUint8: number;
  auc: number;
  diff: number;
  low: number;
  high: number;
  logloss: number;
  rowsPerSec: number;
  /** Sentences about degenerate scores or a comparison that cannot tell anything; empty when healthy. */
  warnings: string[];
}

const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');
const fmtSigned = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;

function markdown(model: string, rows: Row[], note: string): string {
  const head =
    '| variant | parameters | weights (float32 / uint8) | test AUC | Δ AUC [95% ' +
    'DeLong] | log loss | rows/s (batch 2048) |\n|---|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.label} | ${fmtInt(r.params)} ` +
      `(${((100 * r.params) / rows[0].params).toFixed(1)}%) | ${fmtInt(r.bytes / 1024)} ` +
      `KB / ${fmtInt(r.bytesUint8 / 1024)} KB | ${r.auc.toFixed(4)} | ` +
      `${r.label === 'original' ? '—' : `${fmtSigned(r.diff)} [${fmtSigned(r.low)}, ${fmtSigned(r.high)}]`} ` +
      `| ${r.logloss.toFixed(4)} | ${fmtInt(r.rowsPerSec)} |`,
  );
  const warnings = rows.flatMap((r) => r.warnings.map((w) => `> warning (${r.label}): ${w}`));
  return [`#### ${model}`, '', head, ...lines, '', note, ...(warnings.length ? ['', ...warnings] : [])].join('\n');
}

/**
 * The rows of a model's table: every method of the registry the runtime can feed at the given ranks, then the
 * default method fine-tuned (two recipes) and, where it has one, with the activation between its factors.
 */
function reportVariants(
  c: { has(k: 'activations' | 'gradients'): boolean },
  dense: number,
  emb: number,
  lowLr: Partial<FineTuneOptions>,
): [string, UniformPlan, Partial<FineTuneOptions> | null][] {
  const uniform = (method: string, extra: Partial<UniformPlan> = {}): UniformPlan => ({
    method,
    denseRank: dense,
    embeddingRank: emb,
    ...extra,
  });
  const main = DEFAULT_METHOD;
  const low = `Adam ${lowLr.learningRate}, ${lowLr.epochs} epochs`;
  return [
    ...METHODS.filter((m) => !m.needs || c.has(m.needs)).map((m): [string, UniformPlan, null] => [
      `${m.label} (dense ${dense}, embedding ${emb})`,
      uniform(m.id),
      null,
    ]),
    [`${main.label} + fine-tune (defaults: Adam 1e-3, 1 epoch)`, uniform(main.id), {}],
    [`${main.label} + fine-tune (${low})`, uniform(main.id), lowLr],
    ...(main.activation
      ? [
          [`${main.label} + activation + fine-tune (${low})`, uniform(main.id, { activation: true }), lowLr] as [
            string,
            UniformPlan,
            Partial<FineTuneOptions>,
          ],
        ]
      : []),
  ];
}

/** One demo model's table rows: the original and every variant, measured on the test rows. */
async function reportModel(
  args: ParsedArgs,
  id: string,
  dense: number,
  emb: number,
  runs: number,
  lowLr: Partial<FineTuneOptions>,
): Promise<{ rows: Row[]; note: string }> {
  console.error(`report: ${id}`);
  const s = await openCompression({ ...args, model: `${String(args['model-dir'])}/${id}` });
  const { compressor: c, loaded } = s;
  const encoding = loaded.meta.encoding;
  const test = await s.testRows();
  const calibration = await s.calibration();
  const ftRows = await s.fineTuneRows();
  const gradients = loaded.model.capabilities.gradients && METHODS.some((m) => m.needs === 'gradients');
  await c.collect(encoding, calibration, { gradients });
  const base = baselineOf(c.originalParams, test.labels, await loaded.model.probabilities(encoding, test));
  const baseProbs = base.probs;
  const rows: Row[] = [];
  const measure = async (label: string, model: RunnableModel) => {
    const probs = await model.probabilities(encoding, test);
    const d = delong(test.labels, baseProbs, probs);
    const artifacts = (await model.payload()) as ModelArtifacts;
    const speed = await model.throughput(encoding, test, 2048, { runs });
    rows.push({
      label,
      params: model.params,
      bytes: artifacts.weightData.byteLength,
      bytesUint8: quantizeArtifacts(artifacts, 'uint8').bytes,
      auc: d.aucB,
      diff: d.diff,
      low: d.low,
      high: d.high,
      logloss: logLoss(test.labels, probs),
      rowsPerSec: speed.rowsPerSec,
      warnings: model === loaded.model ? base.warnings : comparisonWarnings(test.labels, base, probs, d),
    });
    console.error(`report: ${id}: ${label}: AUC ${d.aucB.toFixed(4)} (${fmtSigned(d.diff)})`);
    printWarnings(rows[rows.length - 1].warnings);
  };
  await measure('original', loaded.model);
  const rowsIn = { calibration, ...ftRows };
  const variants = reportVariants(c, dense, emb, lowLr);
  for (const [label, plan, fineTune] of variants) {
    const out = await compressModel(c, encoding, rowsIn, { plan, fineTune });
    await measure(label, out.model);
    out.model.dispose();
  }
  const budget = budgetFromArg(String(args.budget), c.originalParams);
  const auto = await autoRanks(c, DEFAULT_METHOD.id, encoding, ftRows.valid, budget);
  const autoOut = await compressModel(c, encoding, rowsIn, { plan: auto.chosen.plan });
  await measure(`auto-ranked ${DEFAULT_METHOD.label} (budget ${fmtInt(budget)}: ${auto.chosen.label})`, autoOut.model);
  autoOut.model.dispose();
  const note =
    `${test.rows} test rows; Δ = AUC change against the original on the same rows. ` +
    `Calibration: ${c.statistics!.rows} training rows; fine-tuning on the first 90% ` +
    `of them, best checkpoint by validation AUC on the last 10%.`;
  return { rows, note };
}

async function run(args: ParsedArgs): Promise<void> {
  const dense = numberArg(args, 'dense-rank', { integer: true, min: 1 })!;
  const emb = numberArg(args, 'embedding-rank', { integer: true, min: 1 })!;
  const runs = numberArg(args, 'runs', { integer: true, min: 1 })!;
  const lowLr: Partial<FineTuneOptions> = {
    learningRate: numberArg(args, 'fine-tune-lr', { min: 0 })!,
    epochs: numberArg(args, 'fine-tune-epochs', { integer: true, min: 1 })!,
  };
  const sections: string[] = [];
  const json: Record<string, Row[]> = {};
  for (const id of String(args.models)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!/^[\w-]+$/.test(id))
      throw new StudioError('USAGE', `--models takes model folder names such as deepfm,dcnv2, not "${id}".`);
    const { rows, note } = await reportModel(args, id, dense, emb, runs, lowLr);
    json[id] = rows;
    sections.push(markdown(id, rows, note));
  }
  const header =
    `<!-- generated by: npx ctr-studio report ${process.argv.slice(3).join(' ')} (CTR ` +
    `Studio ${STUDIO_VERSION}, ${new Date().toISOString().slice(0, 10)}) -->`;
  const text = [header, ...sections].join('\n\n') + '\n';
  await writeFileAtomic(String(args.out), text);
  // Every row's warnings, named by model and variant.
  const warnings = Object.entries(json).flatMap(([id, rows]) =>
    rows.flatMap((r) => r.warnings.map((w) => `${id}, ${r.label}: ${w}`)),
  );
  if (args.json) {
    await writeFileAtomic(
      String(args.json),
      JSON.stringify({ version: STUDIO_VERSION, models: json, warnings }, null, 2),
    );
  }
  if (args.readme) {
    const path = String(args.readme);
    const readme = await readFile(path, 'utf8');
    const start = readme.indexOf('<!-- report:start -->');
    const end = readme.indexOf('<!-- report:end -->');
    if (start < 0 || end < start)
      throw new StudioError(
        'USAGE',
        `${path} has no <!-- report:start --> ... <!-- report:end --> markers to write the report between.`,
      );
    await writeFileAtomic(
      path,
      `${readme.slice(0, start + '<!-- report:start -->'.length)}\n${text}${readme.slice(end)}`,
    );
  }
  printJson({
    ...Object.fromEntries(
      Object.entries(json).map(([k, rows]) => [
        k,
        rows.map((r) => ({ variant: r.label, params: r.params, auc: round(r.auc, 4), diff: round(r.diff, 4) })),
      ]),
    ),
    warnings,
  });
}

export const reportCommand: Command = { def, run };
