import { defineConfig } from 'vitest/config';

// Two projects: the fast unit + integration suite (`npm test`) and the real-browser end-to-end
// suite, which also runs in `npm test` but needs Chromium (see .ci/run).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // examples/multi-node: the nginx example's test (three built server processes behind nginx).
          include: ['shared/src/**/*.test.ts', 'server/**/*.test.ts', 'widget/src/**/*.test.ts', 'examples/multi-node/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['examples/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
