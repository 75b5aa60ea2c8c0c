/**
 * A small command-line parser: each command declares its options once, and the same declaration drives
 * parsing, validation and --help. Pure (no process access), so it is tested directly.
 */
import { StudioError } from '../../core/errors';

export interface OptionDef {
  /** Long name without dashes, e.g. 'train' for --train. */
  name: string;
  /** Placeholder in help, e.g. 'FILE'; absent for boolean flags. */
  value?: string;
  help: string;
  required?: boolean;
  default?: string;
}

export interface CommandDef {
  name: string;
  summary: string;
  usage: string;
  options: OptionDef[];
  /** Extra help text shown after the options (examples, notes). */
  notes?: string;
}

export type ParsedArgs = Record<string, string | boolean | undefined>;

/** Parses argv (after the command name) against a command's options. --help is returned as help: true. */
export function parseArgs(def: CommandDef, argv: string[]): ParsedArgs {
  const out: ParsedArgs = {};
  const byName = new Map(def.options.map((o) => [o.name, o]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (!arg.startsWith('--')) {
      throw new StudioError(
        'USAGE',
        `Unexpected argument "${arg}" for ${def.name}; options start with --, see ctr-studio ${def.name} --help.`,
      );
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const opt = byName.get(name);
    if (!opt)
      throw new StudioError('USAGE', `Unknown option --${name} for ${def.name}; see ctr-studio ${def.name} --help.`);
    if (!opt.value) {
      out[name] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) {
      throw new StudioError(
        'USAGE',
        `Option --${name} needs a value (${opt.value}); see ctr-studio ${def.name} --help.`,
      );
    }
    out[name] = value;
  }
  for (const opt of def.options) {
    if (out[opt.name] === undefined && opt.default !== undefined) out[opt.name] = opt.default;
    if (opt.required && out[opt.name] === undefined) {
      throw new StudioError(
        'USAGE',
        `${def.name} needs --${opt.name} ${opt.value ?? ''}`.trimEnd() + `; see ctr-studio ${def.name} --help.`,
      );
    }
  }
  return out;
}

/** The help text of one command. */
export function commandHelp(def: CommandDef): string {
  const rows = def.options.map((o) => {
    const left = `  --${o.name}${o.value ? ` ${o.value}` : ''}`;
    const extra = o.required ? ' (required)' : o.default !== undefined ? ` (default ${o.default})` : '';
    return `${left.padEnd(30)} ${o.help}${extra}`;
  });
  return [
    `ctr-studio ${def.name}: ${def.summary}`,
    '',
    `Usage: ${def.usage}`,
    '',
    'Options:',
    ...rows,
    '  --help                       show this help',
    def.notes ? `\n${def.notes}` : '',
  ]
    .join('\n')
    .trimEnd();
}

/** Reads a number option, with bounds; a bad value is a USAGE error naming the option. */
export function numberArg(
  args: ParsedArgs,
  name: string,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const raw = args[name];
  if (raw === undefined || raw === true) return undefined;
  const v = Number(raw);
  const ok =
    Number.isFinite(v) &&
    (!opts.integer || Number.isInteger(v)) &&
    (opts.min === undefined || v >= opts.min) &&
    (opts.max === undefined || v <= opts.max);
  if (!ok) {
    const range = [opts.min !== undefined ? `≥ ${opts.min}` : '', opts.max !== undefined ? `≤ ${opts.max}` : '']
      .filter(Boolean)
      .join(' and ');
    throw new StudioError(
      'USAGE',
      `--${name} must be ${opts.integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}, not "${raw}".`,
    );
  }
  return v;
}

/** Reads a comma-separated list of integers, e.g. --tower 400,400,400. */
export function intListArg(args: ParsedArgs, name: string): number[] | undefined {
  const raw = args[name];
  if (raw === undefined || raw === true) return undefined;
  const parts = String(raw)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const values = parts.map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new StudioError(
      'USAGE',
      `--${name} must be a comma-separated list of positive integers, such as 400,400,400, not "${raw}".`,
    );
  }
  return values;
}

/** A command: its declared options and what it does with them. */
export interface Command {
  def: CommandDef;
  run(args: ParsedArgs): Promise<void>;
}
