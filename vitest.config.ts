import { defineConfig } from 'vitest/config';

// Three projects: fast unit/integration tests (colocated *.test.ts, test/conformance, test/interop),
// the real-mail corpus tests (test/corpus: slow, CPU-bound) and browser end-to-end tests that need a
// built server and web client (test/e2e).
export default defineConfig({
  test: {
    sequence: { shuffle: { files: false, tests: true } },
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'common/**/*.test.ts',
            'web/src/**/*.test.ts',
            'test/conformance/**/*.test.ts',
            'test/interop/**/*.test.ts',
          ],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'corpus',
          include: ['test/corpus/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // A browser on a loaded two-core machine can take seconds to show what a poll waits for.
          expect: { poll: { timeout: 10_000, interval: 100 } },
        },
      },
    ],
  },
});
