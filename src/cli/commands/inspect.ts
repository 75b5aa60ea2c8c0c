/** `ctr-studio inspect`: every layer of a model, and what compression can do with each. */
import { MODEL_OPTION } from '../shared/options';
import type { CommandDef, ParsedArgs, Command } from '../shared/args';
import { describeAsText } from '../../core/layers/describe';
import { loadModelPath, printJson } from '../shared/io';

const def: CommandDef = {
  name: 'inspect',
  summary: 'list every layer of a model (tfjs, Keras .keras/.h5, ONNX) and what compression can do with it',
  usage: 'ctr-studio inspect --model PATH [--json]',
  options: [MODEL_OPTION, { name: 'json', help: 'print the description as JSON' }],
  notes:
    'For each Dense and Embedding layer: whether it can be compressed, its break-even ' +
    'rank (above it the\nfactored layer is larger), and for embeddings where the ' +
    'up-projection folds and which layer blocks it.',
};

async function run(args: ParsedArgs): Promise<void> {
  const { model } = await loadModelPath(String(args.model));
  const d = model.description;
  model.dispose();
  if (args.json) printJson(d);
  else console.log(describeAsText(d));
}

export const inspectCommand: Command = { def, run };
