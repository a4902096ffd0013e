// Bundles the agent console for the browser (`node build.mjs` or `npm run build -w console`) into
// console/dist, which only the support-chat server serves (its /console page), and prints its sizes.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROWSER_BUNDLE, bytesByPackage, printSizes, removeStaleOutputs, serverOnlyInputs, writeCompressed } from '@support-chat/shared/build/assets.mjs';
import { minifyLiterals } from '@support-chat/shared/build/literals.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const NAME = 'support-console';

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

mkdirSync(dist, { recursive: true });
removeStaleOutputs(dist, NAME);
// The server's console page loads it by the name in meta.json: a content-hashed name lets browsers
// keep it for a year and still get a new build at once. No property mangling (no size budget to
// meet; the widget's renaming of `_x` names once broke socket.io-client, see widget/build.mjs).
const result = await build({
  absWorkingDir: root,
  entryPoints: { [NAME]: 'src/index.ts' },
  outdir: dist,
  entryNames: '[name]-[hash]',
  ...BROWSER_BUNDLE,
  // Only the css`` literals: the console's html`` keeps its whitespace.
  plugins: [minifyLiterals({ html: false }), noWebTransport],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

let failed = false;
const leaked = serverOnlyInputs(Object.keys(result.metafile.inputs));
if (leaked.length) {
  console.error(`✗ ${NAME}.js bundles server-only code: ${leaked.join(', ')}`);
  failed = true;
}
const [output, { inputs }] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint);
const outfile = join(root, output);
const file = basename(outfile);
const bytes = readFileSync(outfile).length;
const { br, gzip } = writeCompressed(outfile);
const byPackage = bytesByPackage(inputs);
printSizes(file, { bytes, gzip, br, budget: Infinity, byPackage });
const meta = { [NAME]: { file, bytes, gzip, br, budget: null, byPackage, metafile: result.metafile } };
writeFileSync(join(dist, 'meta.json'), JSON.stringify(meta, null, 2));
if (failed) process.exit(1);
