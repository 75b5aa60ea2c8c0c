/**
 * libSVM (`label index:value ...`) and libFM / libFFM (`label field:index:value ...`) click logs read as named
 * columns of text cells, so the rest of the pipeline treats them like any delimited file: sniffing, the layout
 * detected from the first lines, feature maps. The per-line splitting is in sparseSplit.ts. Pure module.
 *
 * Fields: libFM field numbers (columns `field_<f>`, by increasing f); for libSVM, the j-th feature of a line when
 * every line has the same count k (columns `feature_1`..`feature_k`), or the fields of a feature map (columns named
 * after them). Columns: the label, then one categorical column per field whose cell is the feature index as text
 * ('' when the field has no feature on the line; several features of one field give their indices in increasing
 * order joined by '|', e.g. "3|17"), then a numeric `<column>_value` column for each field whose values in the
 * detection sample are not all 0 or 1 (the value; the sum when the field has several features on the line). In a
 * field without a value column a feature with value 0 is absent (libSVM stores no zeros) and a value other than 0
 * or 1 makes the row bad.
 * Labels -1 become 0; '#' starts a comment that runs to the end of the line.
 */
import { StudioError } from '../errors';
import { quoteCell } from './values';
import {
  canonicalIndex,
  columnName,
  dataEnd,
  parseSampleLine,
  skipWs,
  type SampleLine,
  type SparseColumn,
  type SparseLayout,
} from './sparseSplit';

export {
  isCommentLine,
  SPARSE_REASONS,
  splitSparse,
  type SparseColumn,
  type SparseLayout,
  type SparseSplit,
} from './sparseSplit';

/**
 * 'libfm' or 'libsvm' when at least 90% of the sample lines that are not blank or comments are in that layout
 * (space-separated: a line with a tab is never counted, so TSV and Criteo files are not claimed) and at least half
 * of them have features; else null.
 */
export function sniffSparse(lines: string[]): 'libfm' | 'libsvm' | null {
  let considered = 0;
  const seen = { libfm: 0, libsvm: 0 };
  const featured = { libfm: 0, libsvm: 0 };
  for (const text of lines) {
    const n = dataEnd(text);
    if (skipWs(text, 0, n) >= n) continue;
    considered++;
    if (text.lastIndexOf('\t', n) >= 0) continue;
    for (const kind of ['libfm', 'libsvm'] as const) {
      const p = parseSampleLine(text, kind === 'libfm');
      if (!p) continue;
      seen[kind]++;
      if (p.features.length > 0) featured[kind]++;
    }
  }
  for (const kind of ['libfm', 'libsvm'] as const) {
    if (considered > 0 && seen[kind] >= 0.9 * considered && featured[kind] * 2 >= seen[kind]) return kind;
  }
  return null;
}

/**
 * Reads a feature map: lines `index name [type]` (XGBoost's featmap.txt, e.g. `0 C1=68fd1e64 i`) or `index field`;
 * the field is the name up to its first '='. Blank lines and '#' comments are skipped. Returns index → field.
 */
export function parseFeatureMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  const lines = text.split('\n');
  lines.forEach((raw, k) => {
    const line = raw.replace(/(^|\s)#.*$/s, '').trim();
    if (line.length === 0) return;
    const parts = line.split(/\s+/);
    const field = (parts[1] ?? '').split('=')[0];
    if (parts.length > 3 || !/^\d+$/.test(parts[0]) || field.length === 0) {
      throw new StudioError(
        'DATA_SCHEMA',
        `Line ${k + 1} of the feature map is ${quoteCell(raw.trim())}, not "index name [type]"; ` +
          `write one feature per line as its index, a space and its name (such as "0 C1=68fd1e64 i").`,
      );
    }
    const index = canonicalIndex(parts[0]);
    const before = map[index];
    if (before !== undefined && before !== field) {
      throw new StudioError(
        'DATA_SCHEMA',
        `Line ${k + 1} of the feature map gives index ${index} to field "${field}", but an earlier line gives it ` +
          `to "${before}"; give each index one field.`,
      );
    }
    map[index] = field;
  });
  if (Object.keys(map).length === 0) {
    throw new StudioError('DATA_SCHEMA', 'The feature map has no entries; write one "index name" line per feature.');
  }
  return map;
}

/** The field keys of a sample: libFM field numbers in increasing order, map fields by their lowest index. */
function sampleFields(
  parsed: SampleLine[],
  kind: SparseLayout['kind'],
  featureMap: Record<string, string> | undefined,
): Pick<SparseLayout, 'fieldBy' | 'fields'> {
  if (featureMap) {
    const fields = [...new Set(Object.values(featureMap))];
    const all = parsed.flatMap((p) => p.features);
    if (all.length > 0 && !all.some((f) => featureMap[canonicalIndex(f.index)] !== undefined)) {
      throw new StudioError(
        'DATA_SCHEMA',
        `None of the feature indices in the first lines of the file (such as ${all[0].index}) is in the feature ` +
          `map; check that the feature map belongs to this file.`,
      );
    }
    return { fieldBy: 'map', fields };
  }
  if (kind === 'libfm') {
    const nums = new Set(parsed.flatMap((p) => p.features.map((f) => f.field)));
    return { fieldBy: 'field', fields: [...nums].sort((a, b) => a - b).map(String) };
  }
  const counts = new Set(parsed.map((p) => p.features.length));
  if (counts.size > 1) {
    throw new StudioError(
      'DATA_SCHEMA',
      `The libSVM lines carry different numbers of features (${[...counts].sort((a, b) => a - b).join(', ')}) ` +
        `and no field numbers, so their fields cannot be told apart; give a feature map file (CLI --feature-map ` +
        `FILE) or write the file as libFM "label field:index:value".`,
    );
  }
  const k = parsed[0].features.length;
  return { fieldBy: 'position', fields: Array.from({ length: k }, (_, j) => String(j + 1)) };
}

/** Field key of each feature of a sample line (undefined for a feature the layout does not know). */
function featureKeys(p: SampleLine, layout: Pick<SparseLayout, 'fieldBy' | 'map'>): (string | undefined)[] {
  return p.features.map((f, j) => {
    if (layout.fieldBy === 'position') return String(j + 1);
    if (layout.fieldBy === 'field') return String(f.field);
    return layout.map?.[canonicalIndex(f.index)];
  });
}

/**
 * The layout of a sparse file from its first lines (blank, comment and malformed lines are skipped; the reader
 * reports the malformed ones), and its columns: 'label' first, then the field columns, then the value columns.
 * A feature map (see {@link parseFeatureMap}) groups features by its fields instead of libFM field numbers or
 * libSVM positions.
 */
export function sparseLayout(
  lines: string[],
  kind: SparseLayout['kind'],
  featureMap?: Record<string, string>,
): { layout: SparseLayout; columns: SparseColumn[] } {
  const parsed = lines.map((l) => parseSampleLine(l, kind === 'libfm')).filter((p): p is SampleLine => p !== null);
  if (parsed.length === 0) {
    const syntax = kind === 'libfm' ? 'field:index:value' : 'index:value';
    throw new StudioError(
      'DATA_SCHEMA',
      `None of the first lines of the file is a ${kind === 'libfm' ? 'libFM' : 'libSVM'} line (a numeric label ` +
        `then ${syntax} tokens separated by spaces); check the file's format.`,
    );
  }
  const map = featureMap && Object.fromEntries(Object.entries(featureMap).map(([i, f]) => [canonicalIndex(i), f]));
  const { fieldBy, fields } = sampleFields(parsed, kind, map);
  if (fields.length === 0) {
    throw new StudioError('DATA_SCHEMA', 'The first lines of the file have labels but no features; check the file.');
  }
  const varied = new Set<string>();
  for (const p of parsed) {
    featureKeys(p, { fieldBy, map }).forEach((key, j) => {
      const v = p.features[j].value;
      if (key !== undefined && v !== 0 && v !== 1) varied.add(key);
    });
  }
  const layout: SparseLayout = { kind, fieldBy, fields, valued: fields.filter((f) => varied.has(f)) };
  if (map) layout.map = map;
  const columns: SparseColumn[] = [
    { name: 'label', kind: 'label' },
    ...fields.map((f) => ({ name: columnName(layout, f), kind: 'categorical' as const })),
    ...layout.valued.map((f) => ({ name: `${columnName(layout, f)}_value`, kind: 'numeric' as const })),
  ];
  const names = new Set<string>();
  for (const c of columns) {
    if (names.has(c.name)) {
      throw new StudioError(
        'DATA_SCHEMA',
        `The feature map's field names give the column "${c.name}" twice; rename that field in the feature map.`,
      );
    }
    names.add(c.name);
  }
  return { layout, columns };
}
