/**
 * A click log as users have it (integer-coded categories, an identifier column, a YYMMDDHH stamp) dropped on
 * the studio while the demo model is open: the studio shows the schema the CLI prints, lets a kind be changed,
 * and trains on the file as the file says (not as the open model's encoding would read it), to the same
 * parameter count and test AUC as `ctr-studio train` with the same settings.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOTS, useStudioPage } from './browser';
import { dropFiles, fileFromText } from './drop';
import { runCli } from '../helpers/cli';
import { DEMO_TEST, DEMO_TRAIN, demoClickLog } from '../unit/data/clickLogFiles';
import { criteoLibfm, criteoParquet, gzipTsv, tsvRows } from '../unit/data/formatFiles';

const studio = useStudioPage();

const baselineAuc = () => studio.page.evaluate(() => window.ctrStudio!.state().baseline?.auc ?? null);

describe('data files as .gz, Parquet and libFM in the browser', () => {
  it('score the demo model exactly as the TSV does (.gz, Parquet test rows); libFM rows are read whole', async () => {
    const tsvAuc = await baselineAuc();
    expect(tsvAuc).not.toBeNull();
    const rows = tsvRows(DEMO_TEST);
    for (const file of [
      { name: 'test.tsv.gz', bytes: gzipTsv(rows) },
      { name: 'test.parquet', bytes: criteoParquet(rows, 500) },
    ]) {
      await dropFiles(studio.page, [file]);
      await expect
        .poll(() => studio.page.getByTestId('data-test').textContent(), { timeout: 60_000 })
        .toContain(file.name);
      await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
      await expect.poll(baselineAuc, { timeout: 60_000 }).toBe(tsvAuc);
      const test = await studio.page.evaluate(() => window.ctrStudio!.state().data.find((d) => d.role === 'test')!);
      expect(test.rows).toBe(rows.length);
      expect(test.format).toBe(file.name.endsWith('.parquet') ? 'parquet' : 'criteo');
    }
    // A libFM file: every row read, fields as columns of the schema a new model would train on.
    const train = tsvRows(DEMO_TRAIN);
    await dropFiles(studio.page, [fileFromText('clicks.libfm', criteoLibfm(train))]);
    await studio.page.getByTestId('schema-row-field_39').waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    const infos = await studio.page.evaluate(() => window.ctrStudio!.state().data);
    expect(infos.map((d) => d.format)).toEqual(['libfm', 'libfm']); // the test split is the file's tail
    expect(infos.reduce((n, d) => n + d.rows, 0)).toBe(train.length);
    expect(infos[0].badRows).toBe(0);
  });
});

describe('a click log with integer codes, an identifier and a time stamp', () => {
  it('gets the same schema, encoding size and AUC in the studio as from the CLI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ctr-clicklog-'));
    const { train } = demoClickLog({ codes: true, names: 'neutral', idAndHour: true });
    const file = join(dir, 'clicks.csv');
    await writeFile(file, train);

    await dropFiles(studio.page, [fileFromText('clicks.csv', train)]);
    await studio.page.getByTestId('schema-row-hour').waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    const shown = await studio.page.evaluate(
      () => window.ctrStudio!.state().data.find((d) => d.role === 'train')!.schema!,
    );
    // The CLI's schema of the same file, as JSON.
    const out = join(dir, 'schema.json');
    const cli = await runCli(['schema', '--data', file, '--out', out]);
    expect(cli.code, cli.err).toBe(0);
    const saved = JSON.parse(await readFile(out, 'utf8'));
    expect(shown.columns).toEqual(
      saved.columns.map((c: { name: string; kind: string; time?: string }) => ({
        name: c.name,
        kind: c.kind,
        ...(c.time ? { time: c.time } : {}),
      })),
    );
    expect(shown.columns.find((c) => c.name === 'id')?.kind).toBe('ignore');
    expect(shown.columns.find((c) => c.name === 'f3')?.kind).toBe('categorical');
    expect(await studio.page.getByTestId('schema-row-hour').textContent()).toMatch(/time stamps \(yymmddhh\)/);

    // A kind changed in the table shows at once, and back.
    await studio.page.getByLabel('Kind of column n2').selectOption('categorical');
    await expect.poll(() => studio.page.getByTestId('schema-row-n2').textContent()).toMatch(/set by you/);
    await studio.page.getByTestId('schema-reset').click();
    await expect.poll(() => studio.page.getByTestId('schema-row-n2').textContent()).not.toMatch(/set by you/);
    await studio.page.screenshot({ path: `${SHOTS}/11-click-log-schema.png`, fullPage: true });

    // Train logistic regression in the studio and from the CLI with the same settings.
    await studio.page.getByTestId('train-kind').selectOption('lr');
    await studio.page.getByTestId('train-epochs').fill('3');
    await studio.page.getByTestId('train').click();
    await expect
      .poll(() => studio.page.getByTestId('model-name').textContent(), { timeout: 170_000 })
      .toMatch(/^lr trained on clicks\.csv/);
    await expect
      .poll(() => studio.page.evaluate(() => window.ctrStudio!.state().baseline?.rows ?? 0), { timeout: 60_000 })
      .toBeGreaterThan(0);
    const inStudio = await studio.page.evaluate(() => {
      const s = window.ctrStudio!.state();
      return { params: s.model!.params, auc: s.baseline!.auc, rows: s.baseline!.rows };
    });
    // No settings but the epochs: the studio trains with the CLI's defaults.
    const trained = await runCli([
      'train',
      '--model',
      'lr',
      '--train',
      file,
      '--test-fraction',
      '0.2',
      '--epochs',
      '3',
      '--out',
      join(dir, 'lr'),
      '--quiet',
    ]);
    expect(trained.code, trained.err).toBe(0);
    expect(trained.err).toMatch(/id\s+ignore\s+\S+\s+\S+\s+a distinct integer in every row/); // the printed schema
    const summary = JSON.parse(trained.out);
    expect(summary.params).toBe(inStudio.params);
    expect(summary.test.rows).toBe(inStudio.rows);
    expect(Math.abs(summary.test.auc - inStudio.auc)).toBeLessThan(0.002);
  });
});
