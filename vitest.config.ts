import { defineConfig } from 'vitest/config';

// Five projects: the fast unit + integration suite (`npm test`), the real-browser end-to-end
// suite, which also runs in `npm test` but needs Chromium (see .ci/run), chaos (`npm run test:chaos`:
// several built server processes on PostgreSQL and Redis, killed and restarted, and one process
// killed, restarted or out of disk), attack
// (`npm run test:attack`: hostile socket events and XSS payloads on the built server) and
// packaging (`npm run test:packaging`: what a developer installs and embeds, in Chromium).

/**
 * Browser suites about what a developer installs and embeds (issue 12): the package packed and
 * installed (npm, tsc), the framework examples, the launcher split, the element's lifecycle in a
 * page and the JS API. Beside `npm test`, which has to stay well under ten minutes.
 */
const PACKAGING = [
  'examples/e2e/npm-package.e2e.test.ts',
  'examples/e2e/framework-examples.e2e.test.ts',
  'examples/e2e/launcher.e2e.test.ts',
  'examples/e2e/lifecycle.e2e.test.ts',
  'examples/e2e/js-api.e2e.test.ts',
];
/** Suites that kill, restart or starve one server process (kill -9, SIGTERM, a full disk): with chaos. */
const PROCESS_FAULTS = [
  'server/test/interrupted-answer.integration.test.ts',
  'server/test/restart.integration.test.ts',
  'server/test/single-process.integration.test.ts',
  'server/test/durability.integration.test.ts',
  'server/test/disk-full.integration.test.ts',
  'examples/e2e/disk-full.e2e.test.ts',
];

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
    // then run beside the browser files, which go one at a time, instead of after them (vitest's
    // part of `npm test` went from 572 s to 493 s on a fresh clone here).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/src/**/*.test.ts', 'server/**/*.test.ts', 'widget/src/**/*.test.ts', 'console/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', ...MULTI_PROCESS, ...PROCESS_FAULTS, '**/*.attack.test.ts'],
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
          include: [...MULTI_PROCESS, ...PROCESS_FAULTS],
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
          exclude: ['**/node_modules/**', '**/*.attack.test.ts', ...PACKAGING, ...PROCESS_FAULTS],
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
