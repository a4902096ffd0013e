// Bundles the visitor widget for the browser (the launcher, the chat and the attachments code, each
// its own file), prints their sizes and holds them to their budgets: `node build.mjs` (or
// `npm run build -w widget`). The agent console is its own workspace (console/build.mjs).
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROWSER_BUNDLE, brotli, bytesByPackage, kb, printSizes, removeStaleOutputs, serverOnlyInputs, writeCompressed } from '@support-chat/shared/build/assets.mjs';
import { minifyLiterals } from '@support-chat/shared/build/literals.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
/**
 * The visitor widget loads on every page of a customer's site: it must stay small. Held on the
 * bytes a browser receives: the server sends the brotli copy to every browser that accepts it
 * (all current ones). The budget was 28 KB gzip while bundles went out as written, then 26 KB
 * brotli for the one file every page downloaded. Since issue 12 a page downloads only the
 * launcher (`support-chat.js`) before the visitor shows interest, and the chat
 * (`support-chat-panel-<hash>.js`) when wanted: the launcher has its own budget, and the two
 * together are held to the total.
 */
const LAUNCHER_BUDGET_BROTLI = 8 * 1024;
// 27 KB until 2026-12-07, then 27.5 KB for what a visitor must not lose (a session kept per
// signed-in user, a message re-sent after a stalled connection, a message left or a hand-off
// asked for while offline, sent once back online): ~130 bytes that no cut found elsewhere paid for.
// Then 27.75 KB, the same day: the page's CSS kept off the element (* { all: unset }, RTL pages),
// a late setUser, define(tag) and send() filled the 27.5 KB to the byte, and a fresh clone's
// build came out 3 bytes over (the names the build gives vary by a few bytes from one checkout
// to the next): a budget met to the byte fails a new user's `npm start`.
const WIDGET_TOTAL_BUDGET_BROTLI = 27.75 * 1024;
/**
 * Attachments (issue 13) did not fit in the chat's file: their code is a third file
 * (`support-chat-files-<hash>.js`) the chat loads only when the visitor attaches a file or a
 * message with one is shown, held to its own budget, outside the two above.
 */
const FILES_BUDGET_BROTLI = 6 * 1024;

/**
 * The visitor widget's Socket.IO client without what it never uses (~3 KB gzip): the JSON-only
 * parser of src/internal/slim-socket/ instead of socket.io-parser (no binary attachments), the
 * browser's URL parser instead of parseuri's regular expression, `atob` instead of a base64
 * table, and HTTP long-polling over `fetch()` (engine.io-client's own Fetch transport) instead of
 * XMLHttpRequest; WebTransport goes too. The wire format and the polling fallback stay the same;
 * the unit tests run the connection through these modules and the browser tests run the bundle.
 */
const SLIM = join(root, 'src/internal/slim-socket');
const slimSocketIo = {
  name: 'slim-socket-io',
  setup(b) {
    const from = (pkg, result) => (args) => (args.importer.includes(`/node_modules/${pkg}/`) ? result(args) : undefined);
    b.onResolve({ filter: /^socket\.io-parser$/ }, () => ({ path: join(SLIM, 'json-parser.ts') }));
    b.onResolve({ filter: /\/contrib\/parseuri\.js$/ }, from('engine.io-client', () => ({ path: join(SLIM, 'parse-uri.ts') })));
    b.onResolve({ filter: /\/contrib\/base64-arraybuffer\.js$/ }, from('engine.io-parser', () => ({ path: join(SLIM, 'base64.ts') })));
    b.onResolve(
      { filter: /\/transports\/index\.js$/ },
      from('engine.io-client', (args) => ({ path: join(dirname(args.importer), 'transports'), namespace: 'slim-transports' })),
    );
    b.onResolve({ filter: /\/(polling-xhr(\.node)?|webtransport)\.js$/ }, from('engine.io-client', () => ({ path: 'none', namespace: 'stub' })));
    b.onLoad({ filter: /.*/, namespace: 'slim-transports' }, (args) => ({
      contents:
        'import { WS } from "./websocket.js"; import { Fetch } from "./polling-fetch.js";' +
        'export const transports = { websocket: WS, polling: Fetch };',
      resolveDir: args.path,
    }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export const XHR = undefined, WT = undefined;' }));
  },
};
/** Files a slim widget bundle must not contain: a Socket.IO upgrade that moved them shows here. */
const SLIMMED = /node_modules\/(socket\.io-parser\/|engine\.io-client\/.*(parseuri|polling-xhr|webtransport)\.js|engine\.io-parser\/.*base64-arraybuffer)/;

/**
 * esbuild's `mangleProps` renames `obj._x` but not `obj["_x"]` or `"_x" in obj` (unless told to
 * mangle quoted names too, which could rename a name that crosses the wire). socket.io-client
 * calls `this.io["_destroy"](this)` when a socket disconnects: once `_destroy` was renamed that
 * threw, so removing the element left its WebSocket open. So every name that matches the pattern
 * and is written quoted anywhere in the bundle's inputs is kept as it is.
 */
async function quotedNamesIn(entry, plugins, pattern) {
  const probe = await build({ absWorkingDir: root, entryPoints: [entry], bundle: true, write: false, metafile: true, plugins, logLevel: 'silent' });
  const names = new Set();
  for (const input of Object.keys(probe.metafile.inputs)) {
    if (!existsSync(join(root, input))) continue;
    for (const [, name] of readFileSync(join(root, input), 'utf8').matchAll(/["'`](_[a-zA-Z]\w*)["'`]/g)) {
      if (pattern.test(name)) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * The launcher's `import('./chat-panel.js')` becomes an import of the chat's built, hashed file
 * beside it: left for the browser, which resolves it against the launcher's own URL (the chat
 * server's, on a customer's page), so no code is shared between the two files and nothing but
 * the launcher loads before it is wanted.
 */
const lazyChunk = (specifier, file) => ({
  name: 'lazy-chunk',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^${specifier.replace(/[.\/]/g, '\\$&')}$`) }, () => ({ path: `./${file}`, external: true }));
  },
});

// Socket.IO's internals are named `_x` and never leave the bundle: shorten them. (Lit's
// cross-version names start with `_$` and are left alone; names written quoted anywhere are
// kept, see quotedNamesIn.) The launcher and the chat share one renaming (mangleCache), so a
// `_name` means the same in both files.
const MANGLE = /^_[a-zA-Z]/;

const entries = [
  // Built first: the chat's build needs its file name. It takes Lit from the chat (no package code).
  {
    name: 'support-chat-files',
    entry: 'src/internal/visitor-files.ts',
    budget: FILES_BUDGET_BROTLI,
    hashed: true,
    plain: true,
    plugins: () => [minifyLiterals({ html: true })],
    mangleProps: MANGLE,
  },
  // Then the chat: the launcher's build needs its file name.
  {
    name: 'support-chat-panel',
    entry: 'src/chat-panel.ts',
    budget: Infinity,
    hashed: true,
    lazy: { './internal/visitor-files.js': 'support-chat-files' },
    plugins: () => [minifyLiterals({ html: true }), slimSocketIo, lazyChunk('./internal/visitor-files.js', meta['support-chat-files'].file)],
    mangleProps: MANGLE,
  },
  {
    name: 'support-chat',
    entry: 'src/support-chat.entry.ts',
    budget: LAUNCHER_BUDGET_BROTLI,
    // Plain DOM: no package code, no static import (a second request before any interaction).
    launcher: 'support-chat-panel',
    lazy: { './chat-panel.js': 'support-chat-panel' },
    plugins: () => [minifyLiterals({ html: true }), lazyChunk('./chat-panel.js', meta['support-chat-panel'].file)],
    mangleProps: MANGLE,
  },
];

mkdirSync(dist, { recursive: true });
// Builds before the console had its own workspace wrote it here: the widget's dist (which the
// server serves to any site) holds the widget only.
removeStaleOutputs(dist, 'support-console');
const meta = {};
let failed = false;
const widgetMangleCache = {};

for (const { name, entry, budget, plugins: makePlugins, hashed, launcher, lazy, plain, ...options } of entries) {
  removeStaleOutputs(dist, name);
  const plugins = makePlugins();
  if (options.mangleProps) {
    options.mangleCache = widgetMangleCache;
    const quoted = await quotedNamesIn(entry, plugins, options.mangleProps);
    if (quoted.length) {
      options.reserveProps = new RegExp(`^(${quoted.join('|')})$`);
      console.log(`  ${name}: keeping ${quoted.join(', ')} unmangled (written quoted in its inputs)`);
    }
  }
  const result = await build({
    absWorkingDir: root,
    entryPoints: { [name]: entry },
    outdir: dist,
    entryNames: hashed ? '[name]-[hash]' : '[name]',
    ...BROWSER_BUNDLE,
    plugins,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    ...options,
  });
  if (result.mangleCache) Object.assign(widgetMangleCache, result.mangleCache);
  const inputs = Object.keys(result.metafile.inputs);
  const leaked = serverOnlyInputs(inputs);
  if (leaked.length) {
    console.error(`✗ ${name}.js bundles server-only code: ${leaked.join(', ')}`);
    failed = true;
  }
  const unslimmed = plugins.includes(slimSocketIo) ? inputs.filter((p) => SLIMMED.test(p)) : [];
  if (unslimmed.length) {
    console.error(`✗ ${name}.js: slim-socket-io no longer replaces ${unslimmed.join(', ')} (socket.io-client upgraded?)`);
    failed = true;
  }
  const [output, { inputs: outputInputs, imports }] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint);
  // Each lazy file is imported only dynamically, by its built name, and never bundled in.
  const dynamic = imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path);
  for (const chunk of Object.values(lazy ?? {})) {
    if (!dynamic.includes(`./${meta[chunk].file}`) || imports.some((i) => i.path === `./${meta[chunk].file}` && i.kind !== 'dynamic-import')) {
      console.error(`✗ ${name}.js must import ./${meta[chunk].file} lazily; it imports ${imports.map((i) => `${i.path} (${i.kind})`).join(', ')}`);
      failed = true;
    }
  }
  const bundledLazy = Object.keys(lazy ?? {}).filter((spec) => inputs.some((p) => p.endsWith(spec.replace(/^\.\//, 'src/').replace(/\.js$/, '.ts'))));
  if (bundledLazy.length) {
    console.error(`✗ ${name}.js bundles what it should load lazily: ${bundledLazy.join(', ')}`);
    failed = true;
  }
  if (launcher || plain) {
    // The launcher is plain DOM; the files module takes Lit from the chat: no package code in either.
    const packages = inputs.filter((p) => p.includes('node_modules/'));
    const statics = imports.filter((i) => i.kind !== 'dynamic-import');
    if (packages.length || statics.length || dynamic.length !== Object.keys(lazy ?? {}).length) {
      console.error(
        `✗ ${name}.js must bundle no package and import nothing but its lazy files; ` +
          `it bundles ${packages.join(', ') || 'no package'} and imports ${imports.map((i) => `${i.path} (${i.kind})`).join(', ') || 'nothing'}`,
      );
      failed = true;
    }
  }
  const outfile = join(root, output);
  const file = basename(outfile);
  const code = readFileSync(outfile);
  const { br, gzip } = writeCompressed(outfile);
  const byPackage = bytesByPackage(outputInputs);
  meta[name] = { file, bytes: code.length, gzip, br, budget: Number.isFinite(budget) ? budget : null, byPackage, metafile: result.metafile };
  printSizes(file, { bytes: code.length, gzip, br, budget, byPackage });
  if (br > budget) {
    console.error(`✗ ${name}.js is ${kb(br - budget)} over its brotli budget`);
    failed = true;
  }
  if (launcher) {
    // Held to the total with the chat's file name written as one fixed name of its length: its
    // hash depends on where the checkout is (three clones of one commit, three hashes of the same
    // code), and compressed differently from one to the next, by up to 14 bytes (a fresh clone's
    // build came out 1 byte over while the code had not changed). What is served may differ by as much.
    const chatFile = meta[launcher].file;
    const fixedName = chatFile.replace(/-[A-Z0-9]+\.js$/, (hash) => `-${'0'.repeat(hash.length - 4)}.js`);
    const launcherBr = brotli(Buffer.from(code.toString('utf8').replaceAll(chatFile, fixedName))).length;
    const total = launcherBr + meta[launcher].br;
    const overTotal = total > WIDGET_TOTAL_BUDGET_BROTLI;
    console.log(
      `${overTotal ? '✗' : '✓'} widget: ${kb(br)} brotli before any interaction (budget ${kb(budget)}), ` +
        `${kb(total)} brotli in all once the chat is wanted (budget ${kb(WIDGET_TOTAL_BUDGET_BROTLI)})`,
    );
    meta[name].total = { br: total, gzip: gzip + meta[launcher].gzip, budget: WIDGET_TOTAL_BUDGET_BROTLI };
    if (overTotal) {
      console.error(`✗ the widget is ${kb(total - WIDGET_TOTAL_BUDGET_BROTLI)} over its total brotli budget`);
      failed = true;
    }
  }
}

writeFileSync(join(dist, 'meta.json'), JSON.stringify(meta, null, 2));
if (failed) process.exit(1);
