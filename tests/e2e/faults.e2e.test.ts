/**
 * Faults in the studio: a long job cancelled, the worker killed mid-session (the studio restarts it and
 * reopens the user's files; results stay), and broken model files dropped (one clear sentence each).
 */
import { describe, expect, it } from 'vitest';
import { SHOTS, useStudioPage } from './browser';
import { dropFiles, fileFromDisk, fileFromText, studioState, waitForScores } from './drop';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quietCli } from '../helpers/cli';

const studio = useStudioPage();

describe('faults', () => {
  it('cancels a long sweep', async () => {
    const ranks = Array.from({ length: 60 }, (_, i) => 2 * i + 2); // 120 points: several seconds of work
    await studio.page.getByTestId('sweep-ranks').fill(ranks.join(','));
    await studio.page.getByTestId('run-sweep').click();
    await studio.page.getByTestId('cancel').click();
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 10_000 });
    const s = await studioState(studio.page);
    expect(s.sweepPoints.length).toBeLessThan(120);
    expect(s.error).toBeNull(); // a cancellation is not an error
    // The studio still works afterwards.
    await studio.page.getByTestId('dense-rank').focus();
    await studio.page.keyboard.press('ArrowLeft');
    await waitForScores(studio.page);
  });

  it('cancels at every stage: reading a large file, statistics, training, fine-tuning', async () => {
    const cancelDuring = async (label: RegExp, start: () => Promise<void>) => {
      await start();
      await studio.page.getByTestId('job').filter({ hasText: label }).waitFor({ timeout: 60_000 });
      await studio.page.getByTestId('cancel').click({ timeout: 60_000 }); // shown once the worker reports progress
      await studio.page.getByTestId('job-idle').waitFor({ timeout: 30_000 });
      expect((await studioState(studio.page)).error).toBeNull();
    };
    const before = await studioState(studio.page);
    // Reading: a 1,000,000-row synthetic file (238 MB) through the file picker, long enough to cancel mid-way.
    const bigDir = await mkdtemp(join(tmpdir(), 'ctr-big-'));
    const big = join(bigDir, 'big-train.tsv');
    expect(await quietCli(['synth', '--rows', '1000000', '--out', big])).toBe(0);
    await cancelDuring(/Opening big-train\.tsv/, () => studio.page.getByTestId('file-input').setInputFiles(big));
    expect((await studioState(studio.page)).data.map((d) => d.rows)).toEqual(before.data.map((d) => d.rows));
    // The worker killed while it opens the file (as a file too large for the tab would): the file is named,
    // not replayed, and what was open before is reopened.
    await studio.page.getByTestId('file-input').setInputFiles(big);
    await studio.page
      .getByTestId('job')
      .filter({ hasText: /Opening big-train\.tsv/ })
      .waitFor({ timeout: 60_000 });
    await studio.page.evaluate(() => window.ctrStudio!.actions.simulateCrash());
    // Settled: everything reopened and analysed (no job), and the refusal said last.
    await studio.page.waitForFunction(
      () => {
        const s = window.ctrStudio!.state();
        return !s.job && s.baseline !== null && /while opening big-train/.test(s.error ?? '');
      },
      undefined,
      { timeout: 90_000 },
    );
    expect(await studio.page.getByTestId('error').locator('span').textContent()).toMatch(
      /worker stopped .* while opening big-train\.tsv, which was not opened; .*reopened unchanged\./,
    );
    expect((await studioState(studio.page)).data.map((d) => d.rows)).toEqual(before.data.map((d) => d.rows));
    await rm(bigDir, { recursive: true });
    // Statistics of another demo model, without the statistics shipped beside it (then they are computed, as
    // when the shipped files are missing or stale: long enough to cancel).
    await studio.page.context().route('**/dcnv2/precomputed.json', (route) => route.abort());
    await cancelDuring(/Collecting statistics/, () => studio.page.getByTestId('demo-dcnv2').click());
    await studio.page.context().unroute('**/dcnv2/precomputed.json');
    await studio.page.getByTestId('demo-deepfm').click();
    await waitForScores(studio.page);
    // Training a zoo model, then fine-tuning.
    await cancelDuring(/Training/, async () => {
      await studio.page.getByTestId('train-kind').selectOption('dnn');
      await studio.page.getByTestId('train').click();
    });
    expect((await studioState(studio.page)).model!.name).toBe(before.model!.name);
    await cancelDuring(/Fine-tuning/, async () => {
      await studio.page.getByTestId('ft-epochs').fill('5');
      await studio.page.getByTestId('fine-tune').click();
    });
    expect((await studioState(studio.page)).model!.name).toBe(before.model!.name);
  });

  it('restarts a killed worker and reopens the files; results stay on screen', async () => {
    const before = await studioState(studio.page);
    const pointsBefore = before.sweepPoints.length;
    const preparedBefore = await studio.page.evaluateHandle(() => window.ctrStudio!.state().prepared);
    await studio.page.evaluate(() => window.ctrStudio!.actions.simulateCrash());
    await studio.page.getByTestId('notice').waitFor({ timeout: 10_000 });
    expect(await studio.page.getByTestId('notice').textContent()).toMatch(/worker stopped .*fresh one was started/);
    await waitForScores(studio.page);
    // The reopen scores the original, then prepares again: the studio is idle for a moment between the two, so
    // wait for the new preparation (a drop during it would be refused, as the drop zone is disabled while busy).
    await studio.page.waitForFunction(
      (old) => {
        const s = window.ctrStudio!.state();
        return s.job === null && s.prepared !== null && s.prepared !== old;
      },
      preparedBefore,
      { timeout: 90_000 },
    );
    const after = await studioState(studio.page);
    expect(after.model!.name).toBe(before.model!.name);
    expect(after.baseline!.auc).toBeCloseTo(before.baseline!.auc, 10);
    expect(after.plan).toEqual(before.plan);
    expect(after.sweepPoints.length).toBe(pointsBefore);
    expect(after.data.map((d) => d.rows)).toEqual(before.data.map((d) => d.rows));
  });

  it('a model.json that is not JSON: one sentence, and the open model stays', async () => {
    const before = await studioState(studio.page);
    await dropFiles(studio.page, [fileFromText('model.json', '{"modelTopology": {"class_name": "Model", "config": ')]);
    await studio.page.getByTestId('error').waitFor({ timeout: 10_000 });
    const sentence = await studio.page.getByTestId('error').locator('span').textContent();
    expect(sentence).toMatch(/model\.json is not valid JSON .*; export the model again/);
    expect(sentence).toMatch(/ model\.json was not opened, and the open model is unchanged\.$/);
    expect((await studioState(studio.page)).model!.name).toBe(before.model!.name);
    await studio.page.screenshot({ path: `${SHOTS}/5-error.png` });
  });

  it('missing and extra weight files, a graph model and an unknown layer are named', async () => {
    const json = await fileFromDisk('public/demo/models/deepfm/model.json');
    const shard = await fileFromDisk('public/demo/models/deepfm/group1-shard1of1.bin');
    const cases: [Parameters<typeof dropFiles>[1], RegExp][] = [
      [[json], /group1-shard1of1\.bin named in model\.json is missing/],
      [
        [json, shard, { name: 'group1-shard2of2.bin', bytes: new Uint8Array(8) }],
        /group1-shard2of2\.bin is not named in model\.json/,
      ],
      [
        [
          fileFromText(
            'model.json',
            JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }),
          ),
        ],
        /graph model/,
      ],
      [
        [
          fileFromText('model.json', new TextDecoder().decode(json.bytes).replace('"FMInteraction"', '"MysteryLayer"')),
          shard,
        ],
        /MysteryLayer/,
      ],
      [[{ name: 'group1-shard1of1.bin', bytes: shard.bytes.subarray(0, 1000) }, json], /1000 bytes/],
    ];
    for (const [files, message] of cases) {
      await studio.page
        .getByTestId('error')
        .locator('button')
        .click()
        .catch(() => {});
      await dropFiles(studio.page, files);
      await studio.page.getByTestId('error').waitFor({ timeout: 10_000 });
      expect(await studio.page.getByTestId('error').locator('span').textContent()).toMatch(message);
    }
  });
});
