/** `ctr-studio evaluate`: scores a data file with a saved model and prints rows, AUC, log loss, parameters. */
import type { CommandDef, ParsedArgs } from '../args';
import { encodeBatch, overridesForEncoding } from '../../core/data';
import { auc, aucWithCI, logLoss } from '../../core/metrics';
import { predictProbs } from '../../tf/predict';
import { loadData, loadStudioModel, printJson, round } from '../io';
import type { Command } from '../main';

const def: CommandDef = {
  name: 'evaluate',
  summary: 'score a data file with a saved model: rows, AUC, log loss, parameters (JSON)',
  usage: 'ctr-studio evaluate --model DIR/model.json --data FILE',
  options: [
    { name: 'model', value: 'PATH', help: 'model.json (or its folder) saved by ctr-studio', required: true },
    { name: 'data', value: 'FILE', help: 'rows to score: Criteo TSV, or CSV/TSV with a header', required: true },
  ],
  notes: 'The data is encoded with the feature encoding stored in the model, so raw rows can be scored directly.',
};

async function run(args: ParsedArgs): Promise<void> {
  const { model, meta, params } = await loadStudioModel(String(args.model));
  const data = await loadData(String(args.data), overridesForEncoding(meta.encoding));
  const encoded = encodeBatch(meta.encoding, data.raw, data.schema);
  const probs = await predictProbs(model, meta.encoding, encoded);
  const ci = aucWithCI(encoded.labels, probs);
  printJson({
    rows: encoded.rows,
    auc: round(auc(encoded.labels, probs)),
    aucInterval95: [round(ci.low), round(ci.high)],
    logloss: round(logLoss(encoded.labels, probs)),
    params,
  });
}

export const evaluateCommand: Command = { def, run };
