/**
 * Models from elsewhere in the studio: a Keras .keras file dropped on the page is converted, its layers are
 * listed, it is compressed data-free (it carries no feature encoding, so the rows cannot feed it: SVD for
 * Dense layers, AFM with uniform id weights for tables, reconstruction error instead of AUC) and exported;
 * PyTorch models from ONNX, data-free and then with rows bound to their inputs (one input per field, and
 * DeepCTR-Torch's single X tensor).
 */
import { describe, expect, it } from 'vitest';
import { SHOTS, useStudioPage } from './browser';
import { readFile } from 'node:fs/promises';
import { dropFiles, fileFromDisk, fileFromText, studioState, waitForSettled } from './drop';
import { foreignRows, singleInputRows } from '../helpers/foreignRows';
import { auc } from '../../src/core/metrics';
import { assembleArtifacts, parseModelJson } from '../../src/core/layers/artifacts';
import { exportOnnx } from '../../src/core/onnx/export';
import { runOrt } from '../unit/onnx/reference';
import { torchDeepFm } from '../unit/onnx/torch-graphs';

const studio = useStudioPage();

describe('a Keras model, data-free', () => {
  it('is converted, its layers listed, compressed without data and exported', async () => {
    await dropFiles(studio.page, [await fileFromDisk('tests/fixtures/keras/ctr_keras3.h5py.keras')]);
    await expect
      .poll(() => studio.page.getByTestId('model-name').textContent(), { timeout: 60_000 })
      .toBe('ctr_keras3.h5py.keras');
    // The architecture: every layer with its class; Dense and Embedding layers with what compression can do.
    await studio.page.getByTestId('architecture').waitFor();
    expect(await studio.page.getByTestId('arch-emb_C1').textContent()).toMatch(/Embedding.*folds into hidden/);
    expect(await studio.page.getByTestId('arch-concatenate').textContent()).toContain('Concatenate');
    // Data-free: no AUC, a reconstruction error.
    await studio.page.getByTestId('data-free').waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('reconstruction-mean').filter({ hasText: /%$/ }).waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    const s = await studio.page.evaluate(() => window.ctrStudio!.state());
    expect(s.prepared!.dataFree).toBe(true);
    expect(s.result!.reconstruction!.mean).toBeGreaterThanOrEqual(0);
    // The demo rows were open before this model came: that they cannot feed it is a notice, not an error.
    expect(s.error).toBeNull();
    expect(s.notice).toMatch(/^Column "C1" holds "[0-9a-f]+" on line 1, but the model's input "C1" takes integer ids/);
    await studio.page.screenshot({ path: `${SHOTS}/8-keras-data-free.png` });
    await studio.page.getByTestId('export').click();
    await studio.page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    expect(await studio.page.getByTestId('export-check').textContent()).toMatch(/the same weights \(data-free/);
    const exported = await studio.page.evaluate(() => window.ctrStudio!.state().exported);
    expect(exported!.params).toBeLessThan(317);
    expect(exported!.recipe).toMatchObject({ dataFree: true });
  });
});

describe('a PyTorch model exported to ONNX, data-free', () => {
  it('runs as it is: its layers listed, compressed data-free, exported as ONNX and as tfjs', async () => {
    await dropFiles(studio.page, [await fileFromDisk('tests/fixtures/onnx/deepfm-deepctr-gemm-opset13.onnx')]);
    await expect
      .poll(() => studio.page.getByTestId('model-name').textContent(), { timeout: 60_000 })
      .toBe('deepfm-deepctr-gemm-opset13.onnx');
    await studio.page.getByTestId('architecture').waitFor();
    const architecture = await studio.page.getByTestId('architecture').textContent();
    expect(architecture).toContain('ONNX graph (opset 13)');
    expect(architecture).toMatch(/dnn\.linears\.0Gemm/);
    // What the columns of rows for it must be called and hold.
    expect(await studio.page.getByTestId('model-inputs').textContent()).toBe(
      'C1 (ids 0–20), C2 (ids 0–20), C3 (ids 0–20), C4 (ids 0–20), numeric (6 values)',
    );
    await studio.page.getByTestId('reconstruction-mean').filter({ hasText: /%$/ }).waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    await studio.page.getByTestId('export').click();
    await studio.page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    const exported = await studio.page.evaluate(() => {
      const e = window.ctrStudio!.state().exported!;
      return {
        names: e.files.map((f) => f.name),
        onnxBytes: e.files.find((f) => f.name === 'model.onnx')?.data.byteLength ?? 0,
        params: e.params,
      };
    });
    expect(exported.names).toEqual(['model.onnx', 'model.json', 'group1-shard1of1.bin']);
    expect(exported.onnxBytes).toBeGreaterThan(1000);
    expect(await studio.page.getByTestId('download-model.onnx').isVisible()).toBe(true);
  });
});

describe('a PyTorch model exported to ONNX, with rows named after its inputs', () => {
  it('binds the columns, scores and compresses data-aware, and the export carries the binding', async () => {
    const page = studio.page;
    // The ONNX model from the test before is open, data-free: the demo's Criteo columns do not fit it.
    expect((await page.evaluate(() => window.ctrStudio!.state().notice)) ?? '').toMatch(
      new RegExp(
        /The model input "numeric" takes 6 values per row, but the data has 13 numeric columns /.source +
          /not named after another input, .* until then it is compressed data-free\./.source,
      ),
    );
    // Labels drawn from the ONNX model's own scores (onnxruntime-web), so that its AUC means something.
    const bytes = new Uint8Array(await readFile('tests/fixtures/onnx/deepfm-deepctr-gemm-opset13.onnx'));
    const ort = await runOrt(bytes, foreignRows(3000, 5).feeds);
    const rows = foreignRows(3000, 5, ort);
    await dropFiles(page, [fileFromText('torch-rows.csv', rows.csv)]);
    await waitForSettled(page, { modelName: 'deepfm-deepctr-gemm-opset13.onnx', trainName: 'torch-rows.csv' });
    const s = await page.evaluate(() => window.ctrStudio!.state());
    expect(s.prepared!.dataFree).toBe(false);
    expect(s.notice).toBe(
      "The model carries no CTR Studio encoding, so the data's columns feed its inputs " +
        'by name, as they are: C1, C2, C3, C4 as ids; n1 … n6 (6 columns) into "numeric".',
    );
    // The baseline AUC is the ONNX model's own, on the test split (the last 20% of the rows).
    expect(s.baseline!.rows).toBe(600);
    expect(Math.abs(s.baseline!.auc - auc(rows.labels.subarray(2400), ort.subarray(2400)))).toBeLessThan(1e-5);
    expect(s.baseline!.auc).toBeGreaterThan(0.5); // its scores vary little, so even its own labels give a modest AUC
    expect(await page.getByTestId('compressed-auc').textContent()).toMatch(/0\.\d{4}/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/9-onnx-bound-rows.png` });
    // A sweep at the model's own scale (its Dense layers break even at ranks 9 and 5): AFM and SVD charted.
    expect(await page.getByTestId('sweep-ranks').inputValue()).toBe('1,2,4,8');
    await page.getByTestId('run-sweep').click();
    await expect
      .poll(async () => await page.evaluate(() => window.ctrStudio!.state().sweepPoints.length), { timeout: 60_000 })
      .toBe(8);
    await page.getByTestId('job-idle').waitFor({ timeout: 60_000 });
    // The charts redraw in a background render, a moment after the job ends.
    await expect.poll(() => page.getByTestId('chart-rank-auc').textContent()).toMatch(/AFM[\s\S]*SVD/);
    await page.getByTestId('export').click();
    await page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    const exported = await page.evaluate(() => {
      const e = window.ctrStudio!.state().exported!;
      return {
        auc: e.auc,
        reloadedAuc: e.reloadedAuc,
        recipe: e.recipe,
        files: e.files.map((f) => ({ name: f.name, data: Array.from(new Uint8Array(f.data)) })),
      };
    });
    expect(exported.recipe).toMatchObject({ dataFree: false });
    expect(Math.abs(exported.reloadedAuc! - exported.auc!)).toBeLessThan(1e-6);
    // Dropped back, the export scores the rows with the binding it carries.
    const back = exported.files
      .filter((f) => f.name !== 'model.onnx')
      .map((f) => ({ name: f.name, bytes: Uint8Array.from(f.data) }));
    await dropFiles(page, back);
    await waitForSettled(page, { modelName: 'model.json' });
    const again = await page.evaluate(() => window.ctrStudio!.state());
    expect(again.model!.hasEncoding).toBe(true);
    expect(Math.abs(again.baseline!.auc - exported.auc!)).toBeLessThan(1e-6);
  });
});

describe("DeepCTR-Torch's forward(X): one tensor of ids and values", () => {
  it(
    'is bound column by column in file order and scores as onnxruntime-web; an id ' + 'past its table is refused',
    async () => {
      const page = studio.page;
      const bytes = torchDeepFm({ singleInput: true, seed: 9 });
      const ort = await runOrt(bytes, { X: singleInputRows(2000, 6).x });
      const rows = singleInputRows(2000, 6, ort); // labels drawn from the model's own scores
      await dropFiles(page, [{ name: 'deepctr-x.onnx', bytes }, fileFromText('x-rows.csv', rows.csv)]);
      await waitForSettled(page, { modelName: 'deepctr-x.onnx', trainName: 'x-rows.csv' });
      expect(await page.getByTestId('model-inputs').textContent()).toBe('X (10 values, 4 of them ids)');
      const s = await page.evaluate(() => window.ctrStudio!.state());
      expect(s.prepared!.dataFree).toBe(false);
      expect(s.notice).toContain('C1 … n6 (10 columns) into "X" (4 of them ids for embedding tables)');
      expect(s.baseline!.rows).toBe(400);
      expect(Math.abs(s.baseline!.auc - auc(rows.labels.subarray(1600), ort.subarray(1600)))).toBeLessThan(1e-5);
      // An id past its table (C2 = 21 on line 4; the tables have 21 rows) is refused with its column and line.
      const lines = rows.csv.split('\n');
      lines[3] = lines[3]
        .split(',')
        .map((v, i) => (i === 2 ? '21' : v))
        .join(',');
      await dropFiles(page, [fileFromText('x-bad.csv', lines.join('\n'))]);
      await page.getByTestId('error').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('error').textContent()).toContain(
        'Column "C2" holds 21 on line 4, but the model\'s input "X" takes integer ids from 0 to 20 in its place',
      );
    },
  );
});

describe('a real DeepCTR-Torch xDeepFM (torch.onnx.export, opset 17) with its rows', () => {
  it('runs as it is: a slider, a sweep, an ONNX export that, dropped back, scores the same AUC', async () => {
    const page = studio.page;
    const dir = 'tests/fixtures/onnx/torch/deepctr_torch';
    await dropFiles(page, [await fileFromDisk(`${dir}/xDeepFM.op17.onnx`), await fileFromDisk(`${dir}/rows.csv`)]);
    await waitForSettled(page, { modelName: 'xDeepFM.op17.onnx', trainName: 'rows.csv' });
    const first = await page.evaluate(() => window.ctrStudio!.state());
    expect(first.model!.format).toBe('onnx');
    expect(first.prepared!.dataFree).toBe(false);
    expect(first.baseline!.auc).toBeGreaterThan(0.65);
    // onnxruntime-web cannot train: fine-tuning (and the activation variant, which needs it) are off, with why.
    expect(await page.getByTestId('fine-tune').isDisabled()).toBe(true);
    expect(await page.getByTestId('activation').isDisabled()).toBe(true);
    // A slider step: the parameter count follows at once, then the AUC of the new plan.
    await page.getByTestId('dense-rank').focus();
    await page.keyboard.press('ArrowLeft');
    await waitForSettled(page, { modelName: 'xDeepFM.op17.onnx' });
    const planned = Number((await page.getByTestId('planned-params').textContent())!.replace(/\D/g, ''));
    expect((await studioState(page)).result!.params).toBe(planned);
    await page.getByTestId('run-sweep').click();
    await expect.poll(async () => (await studioState(page)).sweepPoints.length, { timeout: 90_000 }).toBeGreaterThan(3);
    await page.getByTestId('job-idle').waitFor({ timeout: 90_000 });
    await page.getByTestId('export').click();
    await page.getByTestId('export-check').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('export-result').textContent()).toMatch(/No tfjs copy: its graph uses .*Conv/);
    await page.getByTestId('export-result').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/10-onnx-export.png` });
    const exported = await page.evaluate(() => {
      const e = window.ctrStudio!.state().exported!;
      const onnx = e.files.find((f) => f.name === 'model.onnx')!;
      return { auc: e.auc, data: Array.from(new Uint8Array(onnx.data)) };
    });
    await dropFiles(page, [{ name: 'model.onnx', bytes: Uint8Array.from(exported.data) }]);
    await waitForSettled(page, { modelName: 'model.onnx' });
    const again = await page.evaluate(() => window.ctrStudio!.state());
    expect(again.model!.compression).toMatchObject({ dataFree: false });
    expect(Math.abs(again.baseline!.auc - exported.auc)).toBeLessThan(1e-6);
  });
});

describe('the demo DeepFM as an ONNX graph run as it is in the browser', () => {
  it('scores the demo rows like tfjs does; its statistics time is logged against the tfjs path', async () => {
    const page = studio.page;
    await page.getByTestId('demo-deepfm').click();
    await waitForSettled(page, { modelName: 'deepfm/model.json', trainName: 'train.tsv' });
    const tfjs = await page.evaluate(() => window.ctrStudio!.state());
    const dir = 'public/demo/models/deepfm';
    const json = await readFile(`${dir}/model.json`, 'utf8');
    const shard = await readFile(`${dir}/group1-shard1of1.bin`);
    const weights = new Map([
      ['group1-shard1of1.bin', shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength)],
    ]);
    const bytes = exportOnnx(assembleArtifacts(parseModelJson(json), weights as Map<string, ArrayBuffer>));
    await dropFiles(page, [{ name: 'deepfm.onnx', bytes }]);
    await waitForSettled(page, { modelName: 'deepfm.onnx', trainName: 'train.tsv' });
    const onnx = await page.evaluate(() => window.ctrStudio!.state());
    expect(onnx.model!.format).toBe('onnx');
    expect(Math.abs(onnx.baseline!.auc - tfjs.baseline!.auc)).toBeLessThan(1e-5);
    const [a, b] = [tfjs.prepared!.statisticsMs, onnx.prepared!.statisticsMs];
    const rows = onnx.prepared!.calibrationRows;
    // The demo's tfjs statistics are shipped beside it (read, not computed): said so in the log.
    const tfjsMs = `${a.toFixed(0)} ms${tfjs.prepared!.precomputed ? ' (shipped, read)' : ''}`;
    console.log(`statistics over ${rows} rows: tfjs ${tfjsMs}, onnx ${b.toFixed(0)} ms (×${(b / a).toFixed(2)})`);
  });
});
