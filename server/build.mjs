// Bundles the server into one ESM file: our code and the workspace protocol package (TypeScript
// source) go in; npm dependencies stay external and load from node_modules (better-sqlite3 is native).
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
// Dev dependencies too: the bench's Socket.IO client is CommonJS that an ESM bundle cannot inline.
// esbuild: only the source-mode path of the store's worker threads imports it (worker-url.ts).
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !name.startsWith('@support-chat/'));
external.push('esbuild');

await build({
  // main: the server; kb and eval: the knowledge CLIs (npm run kb / eval); bench: npm run bench,
  // which starts the servers of its relay run as child processes from the two bench-* entries;
  // sqlite-read-worker: the store's reader thread, sqlite-maintenance-worker: its search indexer and
  // WAL checkpoints, sqlite-write-worker: its writer thread (when `SqliteStore.open` is asked for
  // one), which the bundles start from beside themselves.
  entryPoints: {
    main: 'src/main.ts',
    kb: 'src/cli/kb.ts',
    eval: 'src/cli/eval.ts',
    bench: 'bench/run.ts',
    'sqlite-read-worker': 'src/store/sqlite-read-worker.ts',
    'sqlite-maintenance-worker': 'src/store/sqlite-maintenance-worker.ts',
    'sqlite-write-worker': 'src/store/sqlite-write-worker.ts',
    'bench-product-server': 'bench/product-server.ts',
    'bench-raw-relay': 'bench/raw-relay.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external,
  logLevel: 'warning',
});
console.log('server: built dist/main.js, kb.js, eval.js, bench.js (+ bench-product-server.js, bench-raw-relay.js), sqlite-read-worker.js, sqlite-maintenance-worker.js, sqlite-write-worker.js');
