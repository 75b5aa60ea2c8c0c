/**
 * `ctr-studio <command>`: the engine behind a command line, on the wasm backend in Node. Each command lives
 * in its own module under commands/ and declares its options once (see args.ts).
 */
import { describeError } from '../core/errors';
import { commandHelp, parseArgs, type Command } from './shared/args';
import { trainCommand } from './commands/train';
import { schemaCommand } from './commands/schema';
import { evaluateCommand } from './commands/evaluate';
import { compareCommand } from './commands/compare';
import { compressCommand } from './commands/compress';
import { sweepCommand } from './commands/sweep';
import { benchCommand } from './commands/bench';
import { reportCommand } from './commands/report';
import { statsCommand } from './commands/stats';
import { synthCommand } from './commands/synth';
import { inspectCommand } from './commands/inspect';
import { convertCommand } from './commands/convert';

export type { Command };

const COMMANDS: Command[] = [
  inspectCommand,
  schemaCommand,
  trainCommand,
  evaluateCommand,
  compareCommand,
  compressCommand,
  sweepCommand,
  benchCommand,
  reportCommand,
  statsCommand,
  synthCommand,
  convertCommand,
];

function mainHelp(): string {
  const rows = COMMANDS.map((c) => `  ${c.def.name.padEnd(10)} ${c.def.summary}`);
  return [
    'CTR Studio: low-rank compression of click-through-rate models.',
    '',
    'Usage: ctr-studio <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run ctr-studio <command> --help for the options of a command.',
  ].join('\n');
}

/** Runs the command line; returns the process exit code (0 ok, 1 failed, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(mainHelp());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.def.name === name);
  if (!command) {
    console.error(
      `error: unknown command "${name}"; the commands are ` +
        `${COMMANDS.map((c) => c.def.name).join(', ')} (ctr-studio --help).`,
    );
    return 2;
  }
  try {
    const args = parseArgs(command.def, rest);
    if (args.help) {
      console.log(commandHelp(command.def));
      return 0;
    }
    await command.run(args);
    return 0;
  } catch (e) {
    const { code, message } = describeError(e);
    console.error(`error: ${message}`);
    if (code === 'INTERNAL' && process.env.CTR_STUDIO_DEBUG) console.error(e);
    return code === 'USAGE' ? 2 : 1;
  }
}
