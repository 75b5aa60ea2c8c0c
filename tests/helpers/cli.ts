/** Running the command line in-process for tests: exit code, and what it printed on stdout and stderr. */
import { vi } from 'vitest';
import { main } from '../../src/cli/main';

export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** Runs the command line in-process, silently; returns the exit code. */
export async function quietCli(argv: string[]): Promise<number> {
  return (await runCli(argv)).code;
}
