/** `ctr-studio inspect`: every layer of a model, and what compression can do with each. */
import { MODEL_OPTION } from '../shared/options';
import type { CommandDef, ParsedArgs, Command } from '../shared/args';
import { describeAsText, type ModelDescription } from '../../core/layers/describe';
import { originalNames, withOriginal } from '../../formats/keras';
import { loadModelPath, printJson } from '../shared/io';

const def: CommandDef = {
  name: 'inspect',
  summary: 'list every layer of a model (tfjs, Keras .keras/.h5, ONNX) and what compression can do with it',
  usage: 'ctr-studio inspect --model PATH [--json]',
  options: [MODEL_OPTION, { name: 'json', help: 'print the description as JSON' }],
  notes:
    "Layers a Keras file named otherwise (names tfjs cannot carry, layers of nested models) show the file's name " +
    'in brackets.\nFor each Dense and Embedding layer: whether it can be compressed, its break-even ' +
    'rank (above it the\nfactored layer is larger), and for embeddings where the ' +
    'up-projection folds and which layer blocks it.',
};

/** The description with each layer the file named otherwise shown as `name (file's name)`. */
function withFileNames(d: ModelDescription, names: Record<string, string>): ModelDescription {
  const show = (n: string) => withOriginal(n, names);
  return {
    ...d,
    layers: d.layers.map((l) => ({ ...l, name: show(l.name), inputs: l.inputs.map(show) })),
    inputs: d.inputs.map(show),
    outputs: d.outputs.map(show),
  };
}

async function run(args: ParsedArgs): Promise<void> {
  const { model } = await loadModelPath(String(args.model));
  const d = model.description;
  const names = originalNames(model.userDefinedMetadata);
  model.dispose();
  if (args.json) printJson(Object.keys(names).length > 0 ? { ...d, originalNames: names } : d);
  else console.log(describeAsText(withFileNames(d, names)));
}

export const inspectCommand: Command = { def, run };
