/** `ctr-studio synth`: seeded synthetic click logs in Criteo's TSV layout, of any size, for benchmarks. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { numberArg, type CommandDef, type ParsedArgs, type Command } from '../shared/args';
import { synthCriteo, type SynthOptions } from '../../core/synth/criteo';
import { printJson, round } from '../shared/io';
import { StudioError } from '../../core/errors';
import { auc } from '../../core/metrics';
import { TEACHER_KINDS, type TeacherKind } from '../../core/synth/teacher';

const def: CommandDef = {
  name: 'synth',
  summary: 'write seeded synthetic click logs in Criteo TSV layout (Zipf ids, planted teacher labels)',
  usage: 'ctr-studio synth --rows N --out FILE [--seed S]',
  options: [
    { name: 'rows', value: 'N', help: 'number of rows', required: true },
    { name: 'out', value: 'FILE', help: 'where to write the TSV', required: true },
    { name: 'seed', value: 'S', help: 'seed (same seed, same file)', default: '1' },
    { name: 'zipf', value: 'S', help: 'Zipf exponent of the categorical ids (> 1)', default: '1.15' },
    {
      name: 'cardinality-scale',
      value: 'F',
      help: 'multiplies the real Criteo cardinalities (up to 10M ids per field)',
      default: '1',
    },
    { name: 'click-rate', value: 'P', help: 'target share of clicks', default: '0.22' },
    {
      name: 'teacher',
      value: 'KIND',
      help: 'the planted teacher: logistic (a weight per id) or deep (linear + FM + MLP over id vectors)',
      default: 'logistic',
    },
    { name: 'strength', value: 'F', help: "multiplies the deep teacher's logit (its signal)", default: '1' },
  ],
  notes:
    'Ids are drawn from Zipf distributions over the Criteo Kaggle cardinalities and ' +
    'hashed to 8 hex digits;\nlabels come from a planted teacher: logistic (a weight per id), or deep (pairwise ' +
    'and higher-order\ninteractions of 8-dimensional id vectors, which logistic regression cannot reach). The ' +
    "teacher's own AUC on\nthe file (teacherAuc: the best any model can score on it) is printed. The demo models " +
    'can score the rows.',
};

/** A synthetic file written as it is made; every row's teacher probability and label are kept (5 bytes a row). */
export interface SynthFile {
  rows: number;
  clicks: number;
  probabilities: Float32Array;
  labels: Uint8Array;
  seconds: number;
}

/** Writes `opts.rows` synthetic lines to `path`, streamed (one chunk of lines in memory at a time). */
export async function writeSynthFile(path: string, opts: Omit<SynthOptions, 'onLabel'>): Promise<SynthFile> {
  const t0 = performance.now();
  const out = createWriteStream(path);
  const probabilities = new Float32Array(opts.rows);
  const labels = new Uint8Array(opts.rows);
  let at = 0;
  let clicks = 0;
  const onLabel = (p: number, label: 0 | 1) => {
    probabilities[at] = p;
    labels[at++] = label;
    clicks += label;
  };
  for (const lines of synthCriteo({ ...opts, onLabel })) {
    if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { rows: opts.rows, clicks, probabilities, labels, seconds: (performance.now() - t0) / 1000 };
}

async function run(args: ParsedArgs): Promise<void> {
  const rows = numberArg(args, 'rows', { integer: true, min: 1 })!;
  const teacher = String(args.teacher ?? 'logistic') as TeacherKind;
  if (!TEACHER_KINDS.includes(teacher))
    throw new StudioError('INVALID_ARGUMENT', `--teacher takes ${TEACHER_KINDS.join(' or ')}, not ${teacher}.`);
  const { clicks, probabilities, labels, seconds } = await writeSynthFile(String(args.out), {
    rows,
    seed: numberArg(args, 'seed', { integer: true, min: 0 })!,
    zipf: numberArg(args, 'zipf', { min: 1.0001 })!,
    cardinalityScale: numberArg(args, 'cardinality-scale', { min: 1e-9 })!,
    clickRate: numberArg(args, 'click-rate', { min: 0.001, max: 0.999 })!,
    teacher,
    strength: numberArg(args, 'strength', { min: 0 })!,
  });
  printJson({
    out: String(args.out),
    rows,
    clickRate: round(clicks / rows, 4),
    teacher,
    teacherAuc: clicks > 0 && clicks < rows ? round(auc(labels, probabilities), 4) : null,
    seconds: round(seconds, 1),
    rowsPerSec: round(rows / seconds, 0),
  });
}

export const synthCommand: Command = { def, run };
