/**
 * Click logs as users have them, made from the demo's Criteo rows: categorical hex values replaced by integer
 * codes (numbered in order of first appearance over the training and test rows together, as a log's own
 * dictionary would number them), written as CSV with a header; optionally with an identifier column holding a
 * distinct 19-digit number per row and a YYMMDDHH time stamp that advances through ten days of rows.
 */
import { readFileSync } from 'node:fs';
import { createRng } from '../../../src/core/random';

export const DEMO_TRAIN = new URL('../../../public/demo/criteo/train.tsv', import.meta.url).pathname;
export const DEMO_TEST = new URL('../../../public/demo/criteo/test.tsv', import.meta.url).pathname;

/** Header names that say nothing about kinds (so detection must go by the values), or Criteo's own. */
export function columnNames(style: 'neutral' | 'criteo'): string[] {
  if (style === 'criteo') {
    return [
      'label',
      ...Array.from({ length: 13 }, (_, i) => `I${i + 1}`),
      ...Array.from({ length: 26 }, (_, i) => `C${i + 1}`),
    ];
  }
  return [
    'click',
    ...Array.from({ length: 13 }, (_, i) => `n${i + 1}`),
    ...Array.from({ length: 26 }, (_, i) => `f${i + 1}`),
  ];
}

export interface ClickLogOptions {
  /** Replace the 26 hex columns by integer codes. */
  codes: boolean;
  names: 'neutral' | 'criteo';
  /** Add an `id` column (distinct per row) and an `hour` column (YYMMDDHH) in front. */
  idAndHour?: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The demo's training and test rows in that layout, as CSV texts. */
export function demoClickLog(opts: ClickLogOptions): { train: string; test: string } {
  const parts = [DEMO_TRAIN, DEMO_TEST].map((p) =>
    readFileSync(p, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => l.split('\t')),
  );
  const total = parts[0].length + parts[1].length;
  const codes = Array.from({ length: 40 }, () => new Map<string, string>());
  const rng = createRng(5);
  let row = 0;
  const head = [...(opts.idAndHour ? ['id', 'hour'] : []), ...columnNames(opts.names)].join(',');
  const [train, test] = parts.map((rows) => {
    const lines = rows.map((cells) => {
      const out = cells.map((v, j) => {
        if (!opts.codes || j < 14 || v === '') return v;
        const m = codes[j];
        if (!m.has(v)) m.set(v, String(m.size + 1));
        return m.get(v)!;
      });
      if (opts.idAndHour) {
        const t = new Date(Date.UTC(2014, 9, 21) + Math.floor((row * 240) / total) * 3600_000);
        const stamp = [t.getUTCFullYear() % 100, t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours()]
          .map(pad)
          .join('');
        const noise = String(Math.floor(rng() * 1e9)).padStart(9, '0');
        const id = `${1 + Math.floor(rng() * 9)}${noise}${String(row).padStart(9, '0')}`;
        out.unshift(id, stamp);
      }
      row++;
      return out.join(',');
    });
    return `${head}\n${lines.join('\n')}\n`;
  });
  return { train, test };
}
