/** `ctr-studio inspect`: every layer of a model, and what compression can do with each. */
import type { CommandDef, ParsedArgs } from '../args';
import { describeAsText, describeModel } from '../../core/model/describe';
import { useBackend } from '../../tf/backend';
import { Compressor } from '../../tf/compressor';
import { loadModelFromArtifacts } from '../../tf/modelio';
import { printJson, readAnyModel } from '../io';
import type { Command } from '../main';

const def: CommandDef = {
  name: 'inspect',
  summary: 'list every layer of a model (tfjs, Keras .keras/.h5, ONNX) and what compression can do with it',
  usage: 'ctr-studio inspect --model PATH [--json]',
  options: [
    {
      name: 'model',
      value: 'PATH',
      help: 'model.json (or its folder), a Keras .keras/.h5 file or an ONNX .onnx file',
      required: true,
    },
    { name: 'json', help: 'print the description as JSON' },
  ],
  notes:
    'For each Dense and Embedding layer: whether it can be compressed, its break-even ' +
    'rank (above it the\nfactored layer is larger), and for embeddings where the ' +
    'up-projection folds and which layer blocks it.',
};

async function run(args: ParsedArgs): Promise<void> {
  await useBackend('wasm');
  const { artifacts, fileName } = await readAnyModel(String(args.model));
  const model = await loadModelFromArtifacts(artifacts, fileName);
  const c = await Compressor.create(model);
  const d = describeModel(artifacts, c.shapes, c.inventory);
  if (args.json) printJson(d);
  else console.log(describeAsText(d));
}

export const inspectCommand: Command = { def, run };
