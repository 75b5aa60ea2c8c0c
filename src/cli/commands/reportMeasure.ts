/**
 * What `ctr-studio report` measures for one model, shared by the demo report and the scale report
 * (`report --scale`): the variants of a table (every method of the registry at given ranks, the default method
 * fine-tuned, with the activation between its factors, auto-ranked for a budget), each built from the same
 * statistics and scored on the same test rows against the original (paired DeLong), with log loss, weight bytes
 * and inference rows/s.
 */
import type { EncodedBatch } from '../../core/data';
import { delong, logLoss } from '../../core/metrics';
import { baselineOf, comparisonWarnings, type Baseline } from '../../app/sweep';
import type { UniformPlan } from '../../core/compress/plan';
import { quantizeArtifacts } from '../../core/layers/quantize';
import { autoRanks } from '../../app/autoRank';
import type { FineTuneOptions, RunnableModel } from '../../app/runtime';
import { compressModel } from '../../app/pipeline';
import type { ModelCompressor } from '../../app/modelCompressor';
import { DEFAULT_METHOD, METHODS } from '../../core/compress/methods';
import type { ModelArtifacts } from '../../core/layers/artifacts';
import { fmtInt, fmtSigned, type ReportRow } from '../../core/report/table';
import type { CompressionSession } from '../shared/compression';
import { printWarnings } from '../shared/io';

/** One row of a table: its label, the plan, and its fine-tuning (null: none). */
export type Variant = [label: string, plan: UniformPlan, fineTune: Partial<FineTuneOptions> | null];

/** A fine-tuning recipe and how the table names it. */
export interface Recipe {
  label: string;
  options: Partial<FineTuneOptions>;
}

/**
 * The rows of a model's table at one pair of ranks: every method of the registry the runtime can feed, then the
 * default method fine-tuned (one row per recipe) and, where it has one, with the activation between its factors.
 * `tag` starts every label (the scale report's "1/3: ").
 */
export function reportVariants(
  c: { has(k: 'activations' | 'gradients'): boolean },
  ranks: { dense: number; embedding: number },
  tunes: Recipe[],
  activation: Recipe | null,
  tag = '',
): Variant[] {
  const uniform = (method: string, extra: Partial<UniformPlan> = {}): UniformPlan => ({
    method,
    denseRank: ranks.dense,
    embeddingRank: ranks.embedding,
    ...extra,
  });
  const main = DEFAULT_METHOD;
  const rows: Variant[] = METHODS.filter((m) => !m.needs || c.has(m.needs)).map(
    (m): Variant => [`${tag}${m.label} (dense ${ranks.dense}, embedding ${ranks.embedding})`, uniform(m.id), null],
  );
  for (const t of tunes) rows.push([`${tag}${main.label} + fine-tune (${t.label})`, uniform(main.id), t.options]);
  if (main.activation && activation) {
    rows.push([
      `${tag}${main.label} + activation + fine-tune (${activation.label})`,
      uniform(main.id, { activation: true }),
      activation.options,
    ]);
  }
  return rows;
}

export interface MeasureSetup {
  /** How progress lines name the model. */
  id: string;
  /** The table's variants (after the original), from the compressor (its inventory fixes the ranks). */
  variants: (c: ModelCompressor) => Variant[];
  /** Auto-ranked rows: a parameter budget (a count) each, and the tag starting its label. */
  budgets: (c: ModelCompressor) => { tag: string; budget: number }[];
  /** Timed runs behind each throughput median. */
  runs: number;
  /** Told every row with its test scores (the scale report compares them with the teacher's). */
  onRow?: (row: ReportRow, probs: Float32Array) => void;
}

export interface Measured {
  rows: ReportRow[];
  note: string;
  base: Baseline;
  test: EncodedBatch;
}

/** A model's table: the original and every variant, measured on the session's test rows. */
export async function measureVariants(s: CompressionSession, setup: MeasureSetup): Promise<Measured> {
  const { compressor: c, loaded } = s;
  const { id } = setup;
  const encoding = loaded.meta.encoding;
  const test = await s.testRows();
  const calibration = await s.calibration();
  const ftRows = await s.fineTuneRows();
  const gradients = loaded.model.capabilities.gradients && METHODS.some((m) => m.needs === 'gradients');
  await c.collect(encoding, calibration, { gradients });
  const base = baselineOf(c.originalParams, test.labels, await loaded.model.probabilities(encoding, test));
  const rows: ReportRow[] = [];
  const measure = async (label: string, model: RunnableModel, started: number, fineTuneBest?: number) => {
    const probs = await model.probabilities(encoding, test);
    const d = delong(test.labels, base.probs, probs);
    const artifacts = (await model.payload()) as ModelArtifacts;
    const speed = await model.throughput(encoding, test, 2048, { runs: setup.runs });
    const row: ReportRow = {
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
      seconds: (performance.now() - started) / 1000,
      ...(fineTuneBest !== undefined ? { fineTuneBest } : {}),
    };
    setup.onRow?.(row, probs);
    rows.push(row);
    console.error(`report: ${id}: ${label}: AUC ${d.aucB.toFixed(4)} (${fmtSigned(d.diff)})`);
    printWarnings(row.warnings);
  };
  await measure('original', loaded.model, performance.now());
  const rowsIn = { calibration, ...ftRows };
  for (const [label, plan, fineTune] of setup.variants(c)) {
    const t0 = performance.now();
    const out = await compressModel(c, encoding, rowsIn, { plan, fineTune });
    await measure(label, out.model, t0, out.fineTune?.bestEpoch);
    out.model.dispose();
  }
  for (const { tag, budget } of setup.budgets(c)) {
    const t0 = performance.now();
    const auto = await autoRanks(c, DEFAULT_METHOD.id, encoding, ftRows.valid, budget);
    const autoOut = await compressModel(c, encoding, rowsIn, { plan: auto.chosen.plan });
    const label = `${tag}auto-ranked ${DEFAULT_METHOD.label} (budget ${fmtInt(budget)}: ${auto.chosen.label})`;
    await measure(label, autoOut.model, t0);
    autoOut.model.dispose();
  }
  const note =
    `${test.rows} test rows; Δ = AUC change against the original on the same rows. ` +
    `Calibration: ${c.statistics!.rows} training rows; fine-tuning on ${fmtInt(ftRows.train.rows)} rows, best ` +
    `checkpoint by validation AUC on ${fmtInt(ftRows.valid.rows)} later rows.`;
  return { rows, note, base, test };
}
