/** `ctr-studio schema`: how a data file's columns are read, and why; saved as JSON to edit and give back. */
import { DATA_FORMATS } from '../../core/data';
import { writeFileAtomic } from '../../node/atomic';
import type { CommandDef, ParsedArgs, Command } from '../shared/args';
import { formatSchemaTable, openDataset, schemaToJson } from '../../core/data';
import { openDataFile } from '../../node/files';
import { SCHEMA_OPTIONS, schemaOverridesArg } from '../shared/schemaOptions';

const def: CommandDef = {
  name: 'schema',
  summary: 'show how the columns of a data file are read (label, categorical, numeric, time, ignored) and why',
  usage: 'ctr-studio schema --data FILE [--out schema.json] [--schema FILE] [--categorical COLS ...]',
  options: [
    { name: 'data', value: 'FILE', help: `data file: ${DATA_FORMATS}`, required: true },
    { name: 'out', value: 'FILE', help: 'write the schema as JSON, to edit and give to train --schema' },
    ...SCHEMA_OPTIONS,
  ],
  notes:
    'Kinds are detected from the first 10,000 rows: integer codes with few values or a categorical name are\n' +
    'categorical, a distinct value per row (an identifier) and constants are ignored, time stamps give hour\n' +
    'of day and day of week. The studio shows the same table and saves the same JSON.',
};

async function run(args: ParsedArgs): Promise<void> {
  const overrides = await schemaOverridesArg(args);
  const { schema, batches } = await openDataset(await openDataFile(String(args.data)), { overrides });
  await batches.return(undefined as never); // the first lines were enough
  console.log(formatSchemaTable(schema));
  if (typeof args.out === 'string') {
    await writeFileAtomic(args.out, schemaToJson(schema));
    console.error(`wrote ${args.out}`);
  }
}

export const schemaCommand: Command = { def, run };
