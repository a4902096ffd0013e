// Bundles the widget (and the agent console, once it exists) for the browser, prints gzipped
// sizes and holds the widget to its budget: `node build.mjs` (or `npm run build -w widget`).
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
/** The visitor widget loads on every page of a customer's site: it must stay small. */
const WIDGET_BUDGET_GZIP = 28 * 1024;

/**
 * Lit's css`` literals reach the bundle verbatim; squeeze the whitespace out of ours. Only
 * spaces that cannot matter go: around { } ; , > and after a colon (never before one, which
 * would turn `a :hover` into `a:hover`).
 */
const minifyCss = (source) =>
  source.replace(
    /\bcss`([^`]*)`/g,
    (_, body) =>
      'css`' +
      body
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\s+/g, ' ')
        .replace(/\s*([{};,>])\s*/g, '$1')
        .replace(/:\s+/g, ':')
        .replace(/;}/g, '}')
        .trim() +
      '`',
  );

/**
 * So are the html`` and svg`` ones, indentation included. In their static text (found with
 * TypeScript's parser, so that strings, regular expressions and `${}` are never touched) a run of
 * whitespace with a line break becomes one space, or nothing between two tags: what HTML would
 * have rendered the same (none of our templates holds preformatted text).
 */
function minifyHtml(source, path) {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const ranges = [];
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && /^(html|svg)$/.test(node.tag.text)) {
      const t = node.template;
      for (const part of ts.isNoSubstitutionTemplateLiteral(t) ? [t] : [t.head, ...t.templateSpans.map((s) => s.literal)]) {
        // Between ` or } and ` or ${.
        const opens = part.kind === ts.SyntaxKind.TemplateHead || part.kind === ts.SyntaxKind.TemplateMiddle;
        ranges.push([part.getStart(file) + 1, part.end - (opens ? 2 : 1)]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const [start, end] of ranges.sort((a, b) => b[0] - a[0])) {
    const text = out.slice(start, end).replace(/>\s*\n\s*</g, '><').replace(/\s*\n\s*/g, ' ');
    out = out.slice(0, start) + text + out.slice(end);
  }
  return out;
}

const minifyLiterals = ({ html }) => ({
  name: 'minify-literals',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return { contents: minifyCss(html ? minifyHtml(source, args.path) : source), loader: 'ts' };
    });
  },
});

/**
 * engine.io-client bundles a WebTransport transport we never use (`transports` is websocket and
 * polling, and upgrades are filtered to those): leave it out (~1 KB).
 */
const noWebTransport = {
  name: 'no-webtransport',
  setup(b) {
    b.onResolve({ filter: /\/webtransport\.js$/ }, (args) =>
      args.importer.includes('engine.io-client') ? { path: 'webtransport', namespace: 'stub' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export const WT = undefined;' }));
  },
};

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

const entries = [
  {
    name: 'support-chat',
    entry: 'src/support-chat.entry.ts',
    budget: WIDGET_BUDGET_GZIP,
    plugins: [minifyLiterals({ html: true }), slimSocketIo],
    // Socket.IO's internals are named `_x` and never leave the bundle: shorten them. (Lit's
    // cross-version names start with `_$` and are left alone.) Quoted ones too: socket.io-client
    // calls `this.io["_destroy"](this)` when the server refuses a handshake, which otherwise
    // threw in the bundle, so the widget never heard why (issue 11).
    mangleProps: /^_[a-zA-Z]/,
    mangleQuoted: true,
  },
  { name: 'support-console', entry: 'src/console/index.ts', budget: Infinity, plugins: [minifyLiterals({ html: false }), noWebTransport] },
].filter((e) => existsSync(join(root, e.entry)));

mkdirSync(dist, { recursive: true });
const meta = {};
let failed = false;

for (const { name, entry, budget, plugins, ...options } of entries) {
  const outfile = join(dist, `${name}.js`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    treeShaking: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    // Module scripts are always decoded as UTF-8: no need to escape the Chinese strings.
    charset: 'utf8',
    plugins,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    ...options,
  });
  const inputs = Object.keys(result.metafile.inputs);
  // zod (and the schemas module that imports it) is for the server: it must never ship here.
  const leaked = inputs.filter((p) => /node_modules\/zod\/|shared\/src\/schemas\.ts$/.test(p));
  if (leaked.length) {
    console.error(`✗ ${name}.js bundles server-only code: ${leaked.join(', ')}`);
    failed = true;
  }
  const unslimmed = plugins.includes(slimSocketIo) ? inputs.filter((p) => SLIMMED.test(p)) : [];
  if (unslimmed.length) {
    console.error(`✗ ${name}.js: slim-socket-io no longer replaces ${unslimmed.join(', ')} (socket.io-client upgraded?)`);
    failed = true;
  }
  const code = readFileSync(outfile);
  const gzip = gzipSync(code, { level: 9 }).length;
  const byPackage = {};
  for (const [path, { bytesInOutput }] of Object.entries(result.metafile.outputs[`dist/${name}.js`].inputs)) {
    const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? (path.includes('shared/') ? '@support-chat/shared' : 'support-chat');
    byPackage[pkg] = (byPackage[pkg] ?? 0) + bytesInOutput;
  }
  meta[name] = { bytes: code.length, gzip, budget: Number.isFinite(budget) ? budget : null, byPackage, metafile: result.metafile };
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const over = gzip > budget;
  console.log(
    `${over ? '✗' : '✓'} dist/${name}.js  ${kb(code.length)} minified, ${kb(gzip)} gzip` +
      (Number.isFinite(budget) ? ` (budget ${kb(budget)})` : ''),
  );
  for (const [pkg, bytes] of Object.entries(byPackage).sort((a, b) => b[1] - a[1])) {
    console.log(`    ${pkg.padEnd(28)} ${kb(bytes)} minified`);
  }
  if (over) {
    console.error(`✗ ${name}.js is ${kb(gzip - budget)} over its gzip budget`);
    failed = true;
  }
}

writeFileSync(join(dist, 'meta.json'), JSON.stringify(meta, null, 2));
if (failed) process.exit(1);
