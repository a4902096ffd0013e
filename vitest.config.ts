import { defineConfig } from 'vitest/config';

// Five projects: the fast unit + integration suite (`npm test`), the real-browser end-to-end
// suite, which also runs in `npm test` but needs Chromium (see .ci/run), chaos (`npm run test:chaos`:
// several built server processes on PostgreSQL and Redis, killed and restarted), attack
// (`npm run test:attack`: hostile socket events and XSS payloads on the built server) and
// packaging (`npm run test:packaging`: the npm package packed, installed offline, type-checked and
// bundled into apps, and the framework examples, each in Chromium: a minute or two of npm and tsc).

/** Browser suites about the package a developer installs: slow (npm, tsc), so beside `npm test`. */
const PACKAGING = ['examples/e2e/npm-package.e2e.test.ts', 'examples/e2e/framework-examples.e2e.test.ts'];

/** Suites that run several built server processes at once: slow, so beside `npm test`, in chaos. */
const MULTI_PROCESS = [
  'server/test/chaos.integration.test.ts',
  'server/test/multi-node.integration.test.ts',
  'server/test/sessions-multi-node.integration.test.ts',
  'server/test/webhooks-processes.integration.test.ts',
  'examples/multi-node/**/*.test.ts',
];
export default defineConfig({
  test: {
    // Two files at once even on a 2-core machine (vitest's default there is one): the unit files
    // then run beside the browser files, which go one at a time, instead of after them. `npm test`
    // went from about 9.5 to N minutes of vitest this way on the CI machine.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/src/**/*.test.ts', 'server/**/*.test.ts', 'widget/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', ...MULTI_PROCESS, '**/*.attack.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        // Kills and restarts nodes and Redis for over a minute, and the other suites of several
        // processes (examples/multi-node: three built servers behind nginx): `npm run test:chaos`,
        // run by CI beside `npm test` rather than inside it, one file at a time.
        test: {
          name: 'chaos',
          include: MULTI_PROCESS,
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // Issue 11's attacks kept as tests: thousands of hostile socket events on both namespaces and
        // an XSS corpus rendered in Chromium, each bounded to under a minute (`npm run test:attack`).
        test: {
          name: 'attack',
          include: ['**/*.attack.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['examples/e2e/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.attack.test.ts', ...PACKAGING],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'packaging',
          include: PACKAGING,
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
