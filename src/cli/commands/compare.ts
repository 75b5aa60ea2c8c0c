/** `ctr-studio compare`: two models on the same rows, with DeLong's paired test of their AUC difference. */
import { StudioError } from '../../core/errors';
import type { CommandDef, ParsedArgs, Command } from '../shared/args';
import { encodeBatch, overridesForEncoding } from '../../core/data';
import { delong, evaluationWarnings, logLoss } from '../../core/metrics';
import { loadData, loadStudioModel, printJson, printWarnings, round } from '../shared/io';

const def: CommandDef = {
  name: 'compare',
  summary: 'compare two models on the same rows: AUCs and DeLong 95% interval of their difference (JSON)',
  usage: 'ctr-studio compare --baseline A/model.json --model B/model.json --data FILE',
  options: [
    {
      name: 'baseline',
      value: 'PATH',
      help: 'model A (model.json or its folder, .keras/.h5 or .onnx)',
      required: true,
    },
    { name: 'model', value: 'PATH', help: 'model B, compared against A', required: true },
    { name: 'data', value: 'FILE', help: 'rows both models score', required: true },
  ],
  notes: "diff = AUC(B) - AUC(A); the interval is DeLong's paired 95% interval of that difference.",
};

async function run(args: ParsedArgs): Promise<void> {
  const a = await loadStudioModel(String(args.baseline), String(args.data));
  const b = await loadStudioModel(String(args.model), String(args.data));
  if (a.meta.encoding.label !== b.meta.encoding.label) {
    throw new StudioError(
      'DATA_SCHEMA',
      `The two models predict different labels (${a.meta.encoding.label} and ` +
        `${b.meta.encoding.label}); compare models trained on the same kind of data.`,
    );
  }
  const data = await loadData(String(args.data), overridesForEncoding(a.meta.encoding));
  const rowsA = encodeBatch(a.meta.encoding, data.raw, data.schema);
  const rowsB = encodeBatch(b.meta.encoding, data.raw, data.schema);
  const pa = await a.model.probabilities(a.meta.encoding, rowsA);
  const pb = await b.model.probabilities(b.meta.encoding, rowsB);
  const d = delong(rowsA.labels, pa, pb);
  const warnings = printWarnings(
    evaluationWarnings(
      rowsA.labels,
      { name: 'model A (--baseline)', probabilities: pa },
      { name: 'model B (--model)', probabilities: pb },
      d,
    ),
  );
  printJson({
    rows: rowsA.rows,
    baseline: { params: a.params, auc: round(d.aucA), logloss: round(logLoss(rowsA.labels, pa)) },
    model: { params: b.params, auc: round(d.aucB), logloss: round(logLoss(rowsB.labels, pb)) },
    delong: { diff: round(d.diff), se: round(d.se), low: round(d.low), high: round(d.high), p: round(d.p, 4) },
    warnings,
  });
}

export const compareCommand: Command = { def, run };
