import { defineConfig } from 'vitest/config';

// Two projects: fast unit/integration tests (colocated *.test.ts, test/conformance, test/interop)
// and browser end-to-end tests that need a built server and web client (test/e2e).
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
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
