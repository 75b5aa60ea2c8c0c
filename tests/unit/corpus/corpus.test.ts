/**
 * The input corpus (tests/fixtures/corpus/cases.json) through both ways in: the command line, run
 * in-process (exit code, the one line on stderr, the JSON on stdout), and the studio's loader logic in Node
 * (sortDrop, parseModelJson, assembleArtifacts, loadModelFromArtifacts; readDataset from a Blob stream,
 * encodeBatch, scoring). Every case ends in its expected result or its typed error with its sentence. The
 * cases run in a worker thread (runner.ts) with a time limit each: a case that does not return, even one
 * stuck in a synchronous loop, is stopped and fails as a hang instead of stalling the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareGenerated } from '../../fixtures/corpus/generated';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../../../src/core/errors';
import { readDataset, type ByteSource } from '../../../src/core/data';
import {
  caseFiles,
  casePath,
  CORPUS_DIR,
  declaredErrorCodes,
  expectationFor,
  isOk,
  loadCases,
  type CorpusCase,
  type Expect,
  type OkExpect,
} from '../../fixtures/corpus/cases';
import { CorpusRunner } from './runnerClient';

const cases = loadCases();
/** Longest a case may take on one path before it counts as a hang (the first one also starts tfjs). */
const CASE_LIMIT_MS = 20_000;

const runner = new CorpusRunner(CASE_LIMIT_MS);
afterAll(() => runner.close());
beforeAll(() => prepareGenerated(cases.map((c) => c.generate)));

/** What a case's error looks like on every path: its code, one sentence ending in a period, the table's regex. */
function expectError(e: { code: string; message: string }, want: Expect, where: string): void {
  expect(isOk(want), `${where}: expected success, got ${e.code}: ${e.message}`).toBe(false);
  const w = want as { code: string; sentence: string };
  expect(e.code, `${where}: ${e.message}`).toBe(w.code);
  expect(e.message).toMatch(new RegExp(w.sentence));
  expect(e.message).toMatch(/^\S.*[.]$/);
  expect(e.message).not.toMatch(/\n/);
}

/** Stderr without the schema `train` prints (a header line, then its table) before any warning or error. */
function withoutSchema(err: string): string {
  const kept: string[] = [];
  let inSchema = false;
  for (const line of err.split('\n')) {
    if (/: schema \(kinds from the first \d+ rows\):$/.test(line)) inSchema = true;
    else if (/^(error|warning): /.test(line)) inSchema = false;
    if (!inSchema) kept.push(line);
  }
  return kept.join('\n');
}

async function checkCli(c: CorpusCase, want: Expect): Promise<void> {
  const raw = await runner.cli(c);
  // A training run that reads its file says the schema it chose.
  if (raw.argv[0] === 'train' && raw.code === 0)
    expect(raw.err).toMatch(/: schema \(kinds from the first \d+ rows\):\ncolumn/);
  // Notes (how a model made elsewhere takes the data's columns) are information, not warnings or errors.
  const r = {
    ...raw,
    err: withoutSchema(raw.err)
      .split('\n')
      .filter((l) => !l.startsWith('note: '))
      .join('\n'),
  };
  if (!isOk(want)) {
    const lines = r.err.trim().split('\n');
    expect(lines, r.err).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .+[.]$/);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.thrown, 'the command threw nothing').not.toBeNull();
    expect(`error: ${r.thrown!.message}`).toBe(lines[0]);
    expectError(r.thrown!, want, 'cli');
    return;
  }
  expect(r.code, r.err).toBe(0);
  const json = JSON.parse(r.out) as Record<string, number>;
  if (want.warning) {
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: .+[.]$/);
    expect(lines[0]).toMatch(new RegExp(want.warning));
  } else {
    expect(r.err).toBe('');
  }
  if (r.argv[0] === 'train') {
    if (want.rows !== undefined) expect(json.trainRows + json.validRows).toBe(want.rows);
    return;
  }
  if (want.rows !== undefined) expect(json.rows).toBe(want.rows);
  if (want.auc !== undefined) expect(json.auc).toBe(want.auc);
  if (want.params !== undefined) expect(json.params).toBe(want.params);
}

async function checkStudio(c: CorpusCase, want: Expect): Promise<void> {
  const got = await runner.studio(c);
  if (!got.ok) {
    expect(got.studioError, `not a StudioError: ${got.message}`).toBe(true);
    return expectError(got, want, 'studio');
  }
  expect(isOk(want), `expected ${(want as { code?: string }).code}, but the studio's loader succeeded`).toBe(true);
  const w = want as OkExpect;
  if (w.rows !== undefined) expect(got.rows).toBe(w.rows);
  if (w.badRows !== undefined) expect(got.badRows).toBe(w.badRows);
  if (w.auc !== undefined) expect(got.auc).toBe(w.auc);
  if (w.params !== undefined) expect(got.params).toBe(w.params);
  for (const cell of w.cells ?? []) expect(got.cells?.[cell.column]?.[cell.row]).toBe(cell.value);
}

describe('the corpus table', () => {
  it('has unique ids, existing files, declared error codes and sentences that compile', () => {
    const codes = declaredErrorCodes();
    expect(codes.size).toBeGreaterThan(10);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      for (const f of c.files) expect(statSync(casePath(c, f)).isFile(), `${c.id}: ${f}`).toBe(true);
      if (c.data) expect(statSync(join(CORPUS_DIR, c.data)).isFile(), `${c.id}: ${c.data}`).toBe(true);
      for (const path of ['cli', 'studio'] as const) {
        const want = expectationFor(c, path);
        if ('skip' in want || isOk(want)) continue;
        expect(codes.has(want.code), `${c.id}: unknown code ${want.code}`).toBe(true);
        expect(() => new RegExp(want.sentence)).not.toThrow();
      }
      expect(c.issue.length).toBeGreaterThan(10);
    }
  });

  it('stays small (under 1 MB)', () => {
    let total = 0;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const s = statSync(join(dir, name));
        if (s.isDirectory()) walk(join(dir, name));
        else total += s.size;
      }
    };
    walk(CORPUS_DIR);
    expect(total).toBeLessThan(1024 * 1024);
  });
});

describe.each(['cli', 'studio'] as const)('every case through the %s', (path) => {
  for (const c of cases) {
    const want = expectationFor(c, path);
    const title = `${c.id}: ${'skip' in want ? 'skipped' : isOk(want) ? 'ok' : want.code}`;
    if ('skip' in want) {
      it.skip(`${title} (${want.skip})`, () => {});
      continue;
    }
    const check = () => (path === 'cli' ? checkCli(c, want) : checkStudio(c, want));
    if (c.pending?.[path]) it.fails(`${title} [pending: ${c.pending[path]}]`, check, CASE_LIMIT_MS + 5000);
    else it(title, check, CASE_LIMIT_MS + 5000);
  }
});

describe('limits', () => {
  it('a line longer than the reader accepts is one sentence, not a hang or an out-of-memory', async () => {
    const bytes = caseFiles({ ...cases[0], files: ['data/long-line.tsv'] })[0].bytes;
    const e = await readDataset(new Blob([bytes as BlobPart]).stream() as unknown as ByteSource, {
      maxLineChars: 1000,
    }).catch((x) => x);
    expect(describeError(e)).toEqual({
      code: 'DATA_SCHEMA',
      message: expect.stringMatching(
        /^Line 11 is longer than 1000 characters, so this does not look like a line-oriented text data file/,
      ),
    });
  });
});
