import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Bundles src/ once; the end-to-end tests run that build, never a stale dist/.
    globalSetup: ['test/bundle-once.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The end-to-end tests spawn real processes and interpreters; two cores are all we have.
    maxWorkers: 2,
  },
});
