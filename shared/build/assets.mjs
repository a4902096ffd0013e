// What the widget's and the console's browser builds (widget/build.mjs, console/build.mjs) both do
// with a bundle once esbuild wrote it: compress it for the server, drop earlier builds' files, and
// report and police what went into it.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

/**
 * The esbuild options both browser builds share: one ES module per entry for evergreen browsers,
 * minified, with a metafile for the size report. Source maps and the licences of what is bundled
 * go beside each file (`<file>.map`, `<file>.LEGAL.txt`, served with it) with no comment in the
 * file pointing there: the server names the map in a `SourceMap` header (static-routes.ts). The
 * comments carried the hashed file name, which compressed differently from build to build: the
 * widget's brotli size moved by up to 85 bytes with it, against a budget it keeps within 100.
 */
export const BROWSER_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  treeShaking: true,
  sourcemap: 'external',
  legalComments: 'external',
  metafile: true,
  // Module scripts are always decoded as UTF-8: no need to escape the Chinese strings.
  charset: 'utf8',
};

/**
 * Every browser asset is also written brotli- and gzip-compressed at their highest levels, once
 * here rather than on each request; the server sends whichever the browser accepts.
 */
export function writeCompressed(file) {
  const data = readFileSync(file);
  const br = brotli(data);
  const gz = gzipSync(data, { level: 9 });
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gz);
  return { br: br.length, gzip: gz.length };
}

/** `data` brotli-compressed at the highest level, as the server sends it. */
export function brotli(data) {
  return brotliCompressSync(data, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
}

/** Every file of this bundle from earlier builds (hashed or not), so dist holds only what this build serves. */
export function removeStaleOutputs(dist, name) {
  const earlier = new RegExp(`^${name}(-[A-Z0-9]{8})?\\.`);
  for (const file of readdirSync(dist)) if (earlier.test(file)) rmSync(join(dist, file));
}

/** zod (and the schemas module that imports it) is for the server: it must never ship to a browser. */
export const serverOnlyInputs = (inputs) => inputs.filter((p) => /node_modules\/zod\/|shared\/src\/schemas\.ts$/.test(p));

/** Minified bytes of an output by where they came from: each npm package, the shared workspace, ours. */
export function bytesByPackage(outputInputs) {
  const byPackage = {};
  for (const [path, { bytesInOutput }] of Object.entries(outputInputs)) {
    const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? (path.includes('shared/') ? '@support-chat/shared' : 'support-chat');
    byPackage[pkg] = (byPackage[pkg] ?? 0) + bytesInOutput;
  }
  return byPackage;
}

export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** The size lines every build prints: the file's three sizes, then its minified bytes by package. */
export function printSizes(file, { bytes, gzip, br, budget, byPackage }) {
  const over = br > budget;
  console.log(
    `${over ? '✗' : '✓'} dist/${file}  ${kb(bytes)} minified, ${kb(gzip)} gzip, ${kb(br)} brotli` +
      (Number.isFinite(budget) ? ` (budget ${kb(budget)} brotli)` : ''),
  );
  for (const [pkg, n] of Object.entries(byPackage).sort((a, b) => b[1] - a[1])) {
    console.log(`    ${pkg.padEnd(28)} ${kb(n)} minified`);
  }
}
