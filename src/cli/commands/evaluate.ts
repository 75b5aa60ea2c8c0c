/** `ctr-studio evaluate`: scores a data file with a saved model and prints rows, AUC, log loss, parameters. */
import { DATA_FORMATS } from '../../core/data';
import { MODEL_OPTION } from '../shared/options';
import type { CommandDef, ParsedArgs, Command } from '../shared/args';
import { auc, aucWithCI, evaluationWarnings, logLossFromLogits } from '../../core/metrics';
import { scoreStream } from '../../app/scoring';
import { loadStudioModel, printJson, printWarnings, round, streamEncoded } from '../shared/io';

const def: CommandDef = {
  name: 'evaluate',
  summary: 'score a data file with a saved model: rows, AUC, log loss, parameters (JSON)',
  usage: 'ctr-studio evaluate --model DIR/model.json --data FILE',
  options: [MODEL_OPTION, { name: 'data', value: 'FILE', help: `rows to score: ${DATA_FORMATS}`, required: true }],
  notes:
    'The data is encoded with the feature encoding stored in the model, so raw rows ' +
    'can be scored directly.\nThe file is streamed: memory holds one chunk of rows ' +
    'plus one score per row, whatever its size.',
};

async function run(args: ParsedArgs): Promise<void> {
  const t0 = performance.now();
  const { model, meta, params } = await loadStudioModel(String(args.model), String(args.data));
  const { labels, logits } = await scoreStream([model], meta.encoding, () =>
    streamEncoded(String(args.data), meta.encoding),
  );
  const scores = logits[0];
  const ci = aucWithCI(labels, scores);
  const seconds = (performance.now() - t0) / 1000;
  const warnings = printWarnings(evaluationWarnings(labels, { name: 'the model', logits: scores }));
  printJson({
    rows: labels.length,
    auc: round(auc(labels, scores)),
    aucInterval95: [round(ci.low), round(ci.high)],
    logloss: round(logLossFromLogits(labels, scores)),
    params,
    seconds: round(seconds, 2),
    rowsPerSec: round(labels.length / seconds, 0),
    warnings,
  });
}

export const evaluateCommand: Command = { def, run };
