/**
 * The test side of runner.ts: sends requests to the worker thread and waits for each answer at most a time
 * limit; on a hang it terminates the thread (the next request starts a fresh one) and fails with a sentence.
 */
import { Worker } from 'node:worker_threads';
import type { CorpusCase } from '../../fixtures/corpus/cases';
import type { CliAnswer, Reply, Request, StudioAnswer } from './runner';

type Body = Request extends infer R ? (R extends Request ? Omit<R, 'seq'> : never) : never;

export class CorpusRunner {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly waiting = new Map<number, (r: Reply) => void>();

  constructor(private readonly limitMs: number) {}

  private start(): Worker {
    const w = new Worker(new URL('./runner-entry.mjs', import.meta.url));
    w.on('message', (r: Reply) => {
      this.waiting.get(r.seq)?.(r);
      this.waiting.delete(r.seq);
    });
    w.on('error', (e) => {
      for (const done of this.waiting.values()) done({ seq: -1, crash: String(e?.stack ?? e) });
      this.waiting.clear();
      if (this.worker === w) this.worker = null;
    });
    return w;
  }

  private async request(body: Body, what: string): Promise<CliAnswer | StudioAnswer> {
    const worker = (this.worker ??= this.start());
    const seq = ++this.seq;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reply = await new Promise<Reply | 'hang'>((resolve) => {
      this.waiting.set(seq, resolve);
      timer = setTimeout(() => resolve('hang'), this.limitMs);
      worker.postMessage({ ...body, seq } as Request);
    }).finally(() => clearTimeout(timer));
    if (reply === 'hang') {
      this.waiting.delete(seq);
      if (this.worker === worker) this.worker = null;
      await worker.terminate();
      throw new Error(`${what} did not finish within ${this.limitMs} ms (a hang)`);
    }
    if (reply.crash !== undefined) throw new Error(`the corpus runner crashed on ${what}: ${reply.crash}`);
    return reply.answer!;
  }

  /** A case through the command line. */
  cli(c: CorpusCase): Promise<CliAnswer> {
    return this.request({ path: 'cli', c }, `${c.id} on the cli path`) as Promise<CliAnswer>;
  }

  /** A case through the studio's loader logic. */
  studio(c: CorpusCase): Promise<StudioAnswer> {
    return this.request({ path: 'studio', c }, `${c.id} on the studio path`) as Promise<StudioAnswer>;
  }

  /** One model.json and its shard through the studio's checks and tfjs. */
  load(modelJson: string, shard: Uint8Array): Promise<StudioAnswer> {
    return this.request({ path: 'load', modelJson, shard }, 'loading a model') as Promise<StudioAnswer>;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
