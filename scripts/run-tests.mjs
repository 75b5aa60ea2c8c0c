#!/usr/bin/env node
// `npm test`: every check the project has, in order: format and lint, structure, type check, unit tests (Node),
// then end-to-end tests in Debian's headless Chromium against the built studio. Installs Chromium first when it
// is missing and this user may (root with apt-get), so a fresh machine needs nothing else.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function step(title, cmd, args) {
  console.log(`\n▶ ${title}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || spawnSync('which', ['apt-get']).status !== 0) {
    console.error(
      `Chromium is not at ${CHROMIUM}; install Debian's chromium package (apt-get ` +
        `install chromium) or set CHROMIUM_PATH, then run npm test again.`,
    );
    process.exit(1);
  }
  step('Installing Debian chromium for the browser tests', 'sh', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium',
  ]);
}

const only = process.argv[2];
if (only !== 'e2e') {
  step('Format and lint (Biome)', 'npx', ['biome', 'check', '.']);
  step('Structure: sizes, folder cycles, layer boundaries', 'node', ['scripts/check-structure.mjs']);
  step('Type check', 'npx', ['tsc', '--noEmit', '-p', '.']);
  step('Unit tests', 'npx', ['vitest', 'run']);
}
if (only !== 'unit') {
  ensureChromium();
  step('End-to-end tests (headless Chromium)', 'npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts']);
}
console.log('\n✔ all tests passed');
