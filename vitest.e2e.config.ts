import { defineConfig } from 'vitest/config';

// End-to-end tests: the built studio served by `vite preview`, driven in Debian's headless Chromium.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    globalSetup: ['tests/e2e/globalSetup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // The studio works in a worker on a shared 2-core machine: give polled expectations time.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    pool: 'forks',
  },
});
