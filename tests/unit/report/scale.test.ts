/** The scale report's pure parts: interning, fraction tags, AFM against SVD, verdicts and the Markdown. */
import { describe, expect, it } from 'vitest';
import { internCategorical } from '../../../src/core/report/intern';
import {
  afmVsSvd,
  afmVsSvdSentence,
  fractionTag,
  plural,
  scaleMarkdown,
  type ScaleReport,
  type ScaleSweepPoint,
} from '../../../src/core/report/scale';
import { verdictOf, type ReportRow } from '../../../src/core/report/table';
import type { RawBatch } from '../../../src/core/data';

const raw = (cells: string[][]): RawBatch => ({
  rows: cells[0].length,
  labels: new Float32Array(cells[0].length),
  numeric: new Float64Array(0),
  categorical: cells.map((c) => [...c]),
  lines: new Int32Array(cells[0].length),
});

describe('internCategorical', () => {
  it('gives equal cells of a field one string across batches, without changing any value', () => {
    const pools: Map<string, string>[] = [];
    // Strings built at run time, so that equal texts are distinct objects before interning.
    const mk = (s: string) => [...s].join('');
    const a = internCategorical(
      raw([
        [mk('ab'), mk('cd'), mk('ab')],
        [mk('x'), mk('x'), mk('y')],
      ]),
      pools,
    );
    const b = internCategorical(
      raw([
        [mk('cd'), mk('ef')],
        [mk('y'), mk('x')],
      ]),
      pools,
    );
    expect(a.categorical).toEqual([
      ['ab', 'cd', 'ab'],
      ['x', 'x', 'y'],
    ]);
    expect(b.categorical).toEqual([
      ['cd', 'ef'],
      ['y', 'x'],
    ]);
    expect(pools.map((p) => p.size)).toEqual([3, 2]);
    expect(b.categorical[0][0]).toBe(pools[0].get('cd'));
    expect(a.categorical[0][2]).toBe(a.categorical[0][0]);
  });
});

describe('fractionTag', () => {
  it('names thirds and fifths as fractions, anything else as a percentage', () => {
    expect(fractionTag(0.3333)).toBe('1/3');
    expect(fractionTag(0.2)).toBe('1/5');
    expect(fractionTag(0.25)).toBe('1/4');
    expect(fractionTag(0.3)).toBe('30%');
  });

  it('plural counts words', () => {
    expect(plural(1, 'epoch')).toBe('1 epoch');
    expect(plural(3, 'epoch')).toBe('3 epochs');
    expect(plural(20000, 'row')).toBe('20,000 rows');
  });
});

const sp = (method: string, denseRank: number, auc: number): ScaleSweepPoint => ({
  method,
  denseRank,
  embeddingRank: 4,
  params: denseRank * 1000,
  auc,
  delong: { diff: auc - 0.8, se: 0.001, low: auc - 0.802, high: auc - 0.798, p: 0.1 },
});

describe('afmVsSvd', () => {
  const points = [sp('svd', 8, 0.79), sp('afm', 8, 0.795), sp('afm', 4, 0.7), sp('svd', 4, 0.71), sp('afm', 32, 0.8)];

  it('pairs AFM and SVD at the same ranks, by dense rank, with AFM − SVD', () => {
    const pairs = afmVsSvd(points);
    expect(pairs.map((p) => p.denseRank)).toEqual([4, 8]); // rank 32 has no SVD point
    expect(pairs[0].gap).toBeCloseTo(-0.01, 10);
    expect(pairs[1].gap).toBeCloseTo(0.005, 10);
  });

  it('says where AFM is below SVD, and when it never is', () => {
    expect(afmVsSvdSentence(afmVsSvd(points))).toBe('AFM is below SVD at dense rank 4 (−0.0100); at or above it at 8.');
    expect(afmVsSvdSentence(afmVsSvd(points.slice(0, 2)))).toBe('AFM is at or above SVD at every swept rank (8).');
  });
});

describe('verdictOf', () => {
  it('reads an interval: below zero a loss, above a gain, across zero noise', () => {
    expect(verdictOf({ low: -0.02, high: -0.001 })).toBe('significant loss');
    expect(verdictOf({ low: 0.001, high: 0.02 })).toBe('significant gain');
    expect(verdictOf({ low: -0.001, high: 0.001 })).toBe('within noise');
  });
});

const row = (label: string, params: number, auc: number, diff: number): ReportRow => ({
  label,
  params,
  bytes: params * 4,
  bytesUint8: params,
  auc,
  diff,
  low: diff - 0.002,
  high: diff + 0.002,
  logloss: 0.45,
  rowsPerSec: 20000,
  warnings: label === 'original' ? [] : ['scores nearly constant'],
  seconds: 3,
  teacherGap: 0.84 - auc,
});

describe('scaleMarkdown', () => {
  const report: ScaleReport = {
    command: 'npx ctr-studio report --scale',
    version: '0.0.0',
    date: '2026-01-01',
    data: {
      trainRows: 1000,
      validRows: 100,
      testRows: 500,
      clickRate: 0.22,
      teacherAuc: 0.84,
      strength: 1,
      cardinalityScale: 0.001,
      zipf: 1.15,
      seeds: { train: 1, test: 2 },
    },
    settings: { epochs: 2, calibrationRows: 900, fineTuneRows: 900, fractions: [0.3333, 0.2], embeddingRank: 4 },
    trained: [
      {
        kind: 'deepfm',
        params: 5000,
        auc: 0.8,
        logloss: 0.44,
        teacherGap: 0.04,
        bestEpoch: 2,
        epochsRun: 2,
        seconds: 60,
      },
    ],
    comparisons: [
      { a: 'lr', b: 'deepfm', diff: 0.01, low: 0.005, high: 0.015, p: 1e-4 },
      { a: 'lr', b: 'teacher', diff: 0.05, low: 0.048, high: 0.052, p: 0 },
    ],
    tables: [
      {
        model: 'deepfm',
        rows: [
          row('original', 5000, 0.8, 0),
          row('1/3: AFM', 1650, 0.799, -0.001),
          { ...row('1/3: AFM + fine-tune', 1650, 0.799, -0.001), fineTuneBest: 0 },
          { ...row('1/5: AFM + fine-tune', 1000, 0.798, -0.002), fineTuneBest: 0.75 },
        ],
        note: 'N.',
      },
    ],
    sweeps: [
      {
        model: 'deepfm',
        embeddingRank: 4,
        chart: 'rank-sweep-deepfm.svg',
        points: [sp('afm', 4, 0.7), sp('svd', 4, 0.71)],
      },
    ],
    phases: [{ name: 'train deepfm', seconds: 60, rssMb: 400, peakRssMb: 450 }],
    peakRssMb: 450,
    totalSeconds: 70,
  };
  const md = scaleMarkdown(report);

  it('holds every section with its figures', () => {
    expect(md).toContain('<!-- generated by: npx ctr-studio report --scale (CTR Studio 0.0.0, 2026-01-01) -->');
    expect(md).toContain('is 0.8400.');
    expect(md).toContain('at most 2 training epochs per model');
    expect(md).toContain('| deepfm | 5,000 | 0.8000 | 0.4400 | 0.0400 | 2 / 2 | 60 s |');
    expect(md).toContain('- deepfm − lr: +0.0100 [+0.0050, +0.0150] (p = 0.00010): significant gain.');
    expect(md).toContain('- teacher − lr: +0.0500 [+0.0480, +0.0520] (p < 1e-300): significant gain.');
    expect(md).toContain('| 1/3: AFM | 1,650 (33.0%) | 0.7990 | −0.0010 [−0.0030, +0.0010] within noise |');
    expect(md).toContain('> warning (1/3: AFM): scores nearly constant');
    expect(md).toContain('| 1/3: AFM + fine-tune (no step kept: the compressed start was best) | 1,650 (33.0%) |');
    expect(md).toContain('| 1/5: AFM + fine-tune | 1,000 (20.0%) |');
    expect(md).toContain('![deepfm: test AUC against dense rank, AFM and SVD](rank-sweep-deepfm.svg)');
    expect(md).toContain('AFM is below SVD at dense rank 4 (−0.0100)');
    expect(md).toContain('| train deepfm | 60 | 400 | 450 |');
    expect(md).toContain('peak resident memory of the process 450 MiB');
  });

  it('keeps every table row on one line with as many cells as its header', () => {
    for (const block of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const lines = block.split('\n');
      const cells = (l: string) => l.split(' | ').length;
      for (const l of lines.slice(2)) expect(cells(l)).toBe(cells(lines[0]));
    }
  });
});
