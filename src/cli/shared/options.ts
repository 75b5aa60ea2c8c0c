/** Options several commands share, worded from the registries (formats, methods) so help never goes stale. */
import { allSeries, DEFAULT_METHOD, getMethod, METHODS, seriesOf } from '../../core/compress/methods';
import { StudioError } from '../../core/errors';
import { describeFormats } from '../../formats';
import type { OptionDef, ParsedArgs } from './args';

/** --model: any format the registry opens. */
export const MODEL_OPTION: OptionDef = {
  name: 'model',
  value: 'PATH',
  help:
    `${describeFormats()} (a folder holding model.json works too; a Keras weights file and its architecture ` +
    "are named together: weights.h5,architecture.json); a model without CTR Studio's " +
    'encoding is fed the columns named after its inputs',
  required: true,
};

const methodList = () => METHODS.map((m) => m.id).join('|');

/** --method: one method of the registry. */
export const METHOD_OPTION: OptionDef = {
  name: 'method',
  value: methodList(),
  help: METHODS.map((m) => `${m.id}: ${m.summary}`).join(' '),
  default: DEFAULT_METHOD.id,
};

/** --methods: the sweep's series (a method, or a method with sequential statistics). */
export const SERIES_OPTION: OptionDef = {
  name: 'methods',
  value: 'S,S,...',
  help: `series to compare: ${allSeries()
    .map((s) => `${s.id} (${s.label})`)
    .join(', ')}`,
  default: METHODS.filter((m) => m.needs !== 'gradients')
    .map((m) => m.id)
    .join(','),
};

/** The method --method names (a USAGE error lists the ids). */
export function methodArg(args: ParsedArgs): string {
  const id = String(args.method ?? DEFAULT_METHOD.id);
  try {
    return getMethod(id).id;
  } catch {
    throw new StudioError('USAGE', `--method must be one of ${methodList().replaceAll('|', ', ')}, not "${id}".`);
  }
}

/** The series --methods lists. */
export function seriesArg(args: ParsedArgs): string[] {
  const ids = String(args.methods ?? SERIES_OPTION.default)
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new StudioError('USAGE', '--methods must list at least one series.');
  for (const id of ids) {
    try {
      seriesOf(id);
    } catch (e) {
      throw new StudioError('USAGE', `--methods: ${(e as Error).message}`);
    }
  }
  return ids;
}
