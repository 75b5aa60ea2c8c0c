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
import { budgetFromArg } from '../../core/compress/allocate';
import { STUDIO_VERSION } from '../../core/version';
import type { FineTuneOptions } from '../../app/runtime';
import { openCompression } from '../shared/compression';
import { printJson, round } from '../shared/io';
import { fmtInt, fmtInterval, type ReportRow as Row } from '../../core/report/table';
import { measureVariants, reportVariants, type Recipe } from './reportMeasure';
import { runScaleReport, SCALE_OPTIONS } from './reportScale';

const def: CommandDef = {
  name: 'report',
  summary: 'compare original, SVD, AFM, fine-tuned and auto-ranked AFM on the demo models (Markdown + JSON)',
  usage:
    'ctr-studio report [--models deepfm,dcnv2] [--dense-rank 64 --embedding-rank 4 ' +
    '--budget 0.33] --out report.md [--readme README.md]\n' +
    '       ctr-studio report --scale [--train-rows 1000000 --test-rows 200000] [--out-dir docs/scale]',
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
    ...SCALE_OPTIONS,
  ],
  notes:
    'Fine-tuning uses the last 10% of the training rows as its validation slice. Takes a few minutes.\n' +
    'With --scale: synthetic rows from the deep teacher (synth --teacher deep), LR, DeepFM and DCNv2 trained\n' +
    'on them, then for DeepFM and DCNv2 every variant at each --fractions of the parameters and a rank sweep\n' +
    '(AFM against SVD) drawn as an SVG; Markdown, JSON and the charts go to --out-dir. Takes hours at 1M rows.',
};

function markdown(model: string, rows: Row[], note: string): string {
  const head =
    '| variant | parameters | weights (float32 / uint8) | test AUC | Δ AUC [95% ' +
    'DeLong] | log loss | rows/s (batch 2048) |\n|---|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.label} | ${fmtInt(r.params)} ` +
      `(${((100 * r.params) / rows[0].params).toFixed(1)}%) | ${fmtInt(r.bytes / 1024)} ` +
      `KB / ${fmtInt(r.bytesUint8 / 1024)} KB | ${r.auc.toFixed(4)} | ` +
      `${r.label === 'original' ? '—' : fmtInterval(r)} ` +
      `| ${r.logloss.toFixed(4)} | ${fmtInt(r.rowsPerSec)} |`,
  );
  const warnings = rows.flatMap((r) => r.warnings.map((w) => `> warning (${r.label}): ${w}`));
  return [`#### ${model}`, '', head, ...lines, '', note, ...(warnings.length ? ['', ...warnings] : [])].join('\n');
}

/** One demo model's table rows: the original and every variant, measured on the test rows. */
async function reportModel(
  args: ParsedArgs,
  id: string,
  ranks: { dense: number; embedding: number },
  runs: number,
  lowLr: Partial<FineTuneOptions>,
): Promise<{ rows: Row[]; note: string }> {
  console.error(`report: ${id}`);
  const s = await openCompression({ ...args, model: `${String(args['model-dir'])}/${id}` });
  const low: Recipe = { label: `Adam ${lowLr.learningRate}, ${lowLr.epochs} epochs`, options: lowLr };
  const tunes: Recipe[] = [{ label: 'defaults: Adam 1e-3, 1 epoch', options: {} }, low];
  const { rows, note } = await measureVariants(s, {
    id,
    variants: (c) => reportVariants(c, ranks, tunes, low),
    budgets: (c) => [{ tag: '', budget: budgetFromArg(String(args.budget), c.originalParams) }],
    runs,
  });
  return { rows, note };
}

async function run(args: ParsedArgs): Promise<void> {
  if (args.scale) return runScaleReport(args);
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
    const { rows, note } = await reportModel(args, id, { dense, embedding: emb }, runs, lowLr);
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
