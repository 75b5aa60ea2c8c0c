/** Dropping files onto the studio through a real drop event (a DataTransfer of File objects). */
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export interface DropFile {
  name: string;
  bytes: Uint8Array;
}

export async function fileFromDisk(path: string, name = basename(path)): Promise<DropFile> {
  return { name, bytes: new Uint8Array(await readFile(path)) };
}

export function fileFromText(name: string, text: string): DropFile {
  return { name, bytes: new TextEncoder().encode(text) };
}

/** Drops files, in the given order, on the element with data-testid="dropzone". */
export async function dropFiles(page: Page, files: DropFile[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, b64: Buffer.from(f.bytes).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name));
    }
    return dt;
  }, payload);
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer });
}

/** Waits until the studio shows a compressed AUC (4 decimals) and no job runs. */
export async function waitForScores(page: Page, timeout = 90_000): Promise<void> {
  await page
    .getByTestId('compressed-auc')
    .filter({ hasText: /0\.\d{4}/ })
    .waitFor({ timeout });
  await page.getByTestId('job-idle').waitFor({ timeout });
}

/** The studio's state, read through its console hook. */
export function studioState(page: Page) {
  return page.evaluate(() => {
    const s = window.ctrStudio!.state();
    return {
      model: s.model && { name: s.model.name, params: s.model.params },
      baseline: s.baseline,
      result: s.result && { auc: s.result.auc, params: s.result.params },
      plan: s.plan,
      sweepPoints: s.sweepPoints,
      exported: s.exported && {
        auc: s.exported.auc,
        reloadedAuc: s.exported.reloadedAuc,
        params: s.exported.params,
        files: s.exported.files.map((f) => f.name),
      },
      backend: s.backend,
      error: s.error,
      notice: s.notice,
      data: s.data,
      job: s.job?.label,
      sweepRequest: s.sweepRequest,
    };
  });
}

/** What a settled studio must show (all given conditions). */
export interface SettledWhen {
  modelName?: string;
  /** The open model's parameter count differs from this (a new model replaced one with the same name). */
  paramsNot?: number;
  /** The training rows come from this file. */
  trainName?: string;
}

/**
 * Waits until the studio has settled: no job running, the plan's own result on screen (not an older plan's),
 * and the given conditions true. Use after a drop, when an older model's scores may still be on screen. A model
 * that is itself a compression is only scored as it is (until asked to compress it again): its baseline then.
 */
export async function waitForSettled(page: Page, when: SettledWhen, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    (w: SettledWhen) => {
      const s = window.ctrStudio!.state();
      if (s.job !== null || !s.model) return false;
      const held = s.model.compression !== undefined && !s.compressAgain;
      if (held ? s.data.length > 0 && s.baseline === null : s.result === null || s.resultPlan !== s.plan) return false;
      if (w.modelName !== undefined && s.model.name !== w.modelName) return false;
      if (w.paramsNot !== undefined && s.model.params === w.paramsNot) return false;
      if (w.trainName !== undefined && s.data.find((d) => d.role === 'train')?.name !== w.trainName) return false;
      return true;
    },
    when,
    { timeout, polling: 250 },
  );
}
