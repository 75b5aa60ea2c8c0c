// The built studio served by `vite preview` for the measuring scripts (measure-ui.mjs, measure-latency.mjs):
// built into its own folder, OUT_DIR, so that a concurrent build of dist/ cannot change what is measured
// (SKIP_BUILD=1 reuses it), on 127.0.0.1:PORT.
import { spawn, spawnSync } from 'node:child_process';

/** Builds (unless SKIP_BUILD=1) and serves the studio; resolves once it answers. */
export async function servePreview(defaultPort) {
  const port = Number(process.env.PORT ?? defaultPort);
  const outDir = process.env.OUT_DIR ?? 'node_modules/.cache/measure-ui-dist';
  if (process.env.SKIP_BUILD !== '1') {
    const b = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
      stdio: 'inherit',
    });
    if (b.status !== 0) process.exit(1);
  }
  const args = ['vite', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort', '--host', '127.0.0.1'];
  const server = spawn('npx', args, { stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => process.kill(-server.pid, 'SIGTERM') };
}
