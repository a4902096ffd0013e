// What `@support-chat/widget` ships beside the CDN bundles build.mjs writes: the npm build
// (dist/npm/, bare imports), its TypeScript declarations (dist/types/) and its
// custom-elements.json, all generated from the source, so that they cannot drift from it. Run
// after build.mjs (`npm run build -w widget` runs both).
import { create as analyzeElements, ts as cemTs } from '@custom-elements-manifest/analyzer';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { minifyLiterals } from '@support-chat/shared/build/literals.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const repo = join(root, '..');
const dist = join(root, 'dist');
const types = join(dist, 'types');
let failed = false;
const fail = (message) => {
  console.error(`✗ ${message}`);
  failed = true;
};

/**
 * Declarations: TypeScript's own emit of src/index.ts, with the protocol's data types it uses
 * (ChatMessage, VisitorConversation… from the private workspace @support-chat/shared) published
 * beside it under dist/types/protocol/ and imported relatively, so the package depends on nothing.
 * Only the data model (shared/src/model.ts, which imports nothing) goes: the rest of the protocol
 * (event payloads inferred from zod schemas) is the server's business and would need zod's types.
 * Only files reachable from index.d.ts are kept (the chat's internals, and their Lit types, stay
 * out). Then the result is compiled alone as a strict consumer would (exactOptionalPropertyTypes,
 * no skipLibCheck): a name the element's API takes from outside the model fails the build here.
 */
function emitDeclarations() {
  const out = mkdtempSync(join(tmpdir(), 'sc-types-'));
  try {
    const program = ts.createProgram(['index', 'react', 'vue'].map((f) => join(root, `src/${f}.ts`)), {
      declaration: true,
      emitDeclarationOnly: true,
      outDir: out,
      rootDir: repo,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
      strict: true,
      skipLibCheck: true,
      useDefineForClassFields: false,
      verbatimModuleSyntax: true,
      // Resolved through node_modules the workspace's .ts sources would count as a library's and
      // not be emitted: point at them directly.
      paths: { '@support-chat/shared': [join(repo, 'shared/src/index.ts')] },
    });
    const { diagnostics } = program.emit();
    const all = [...ts.getPreEmitDiagnostics(program), ...diagnostics];
    if (all.length) {
      const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => repo, getNewLine: () => '\n' };
      return fail(`declarations:\n${ts.formatDiagnostics(all, host)}`);
    }
    rmSync(types, { recursive: true, force: true });
    const copied = new Set();
    const copy = (from, to) => {
      if (copied.has(from)) return;
      copied.add(from);
      const rewritten = readFileSync(from, 'utf8').replace(/(from |import\()'(@support-chat\/shared)'/g, (_, lead) => {
        const target = posix.relative(dirname(to), join(types, 'protocol/index.js').replaceAll('\\', '/'));
        return `${lead}'${target.startsWith('.') ? target : `./${target}`}'`;
      });
      cpSync(from, to);
      writeFileSync(to, rewritten);
      for (const [, spec] of rewritten.matchAll(/(?:from |import\()'([^']+)'/g)) {
        if (!spec.startsWith('.')) {
          // The framework augmentations are for apps of that framework, which have its types.
          if ((spec === 'react' || spec === 'vue') && to === join(types, `${spec}.d.ts`)) continue;
          fail(`${relative(dist, to)} imports ${spec}: a package the consumer does not have`);
          continue;
        }
        const next = join(dirname(to), spec.replace(/\.js$/, '.d.ts'));
        if (next === protocolIndex) continue;
        const source = next.startsWith(join(types, 'protocol'))
          ? join(out, 'shared/src', relative(join(types, 'protocol'), next))
          : join(out, 'widget/src', relative(types, next));
        if (!existsSync(source)) fail(`${relative(dist, to)} imports ${spec}, which was not emitted`);
        else copy(source, next);
      }
    };
    const protocolIndex = join(types, 'protocol/index.d.ts');
    mkdirSync(dirname(protocolIndex), { recursive: true });
    writeFileSync(protocolIndex, "// The support-chat protocol's data model, as the element's events and methods carry it.\nexport * from './model.js';\n");
    copy(join(out, 'shared/src/model.d.ts'), join(types, 'protocol/model.d.ts'));
    copy(join(out, 'widget/src/index.d.ts'), join(types, 'index.d.ts'));
    for (const framework of ['react', 'vue']) copy(join(out, `widget/src/${framework}.d.ts`), join(types, `${framework}.d.ts`));
    const check = ts.createProgram(['index', 'react', 'vue'].map((f) => join(types, `${f}.d.ts`)), {
      noEmit: true,
      strict: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      types: [],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      jsx: ts.JsxEmit.ReactJSX,
    });
    const problems = ts.getPreEmitDiagnostics(check);
    if (problems.length) {
      const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dist, getNewLine: () => '\n' };
      fail(`dist/types does not compile on its own:\n${ts.formatDiagnostics(problems, host)}`);
    }
    console.log(`✓ dist/types: ${copied.size} declaration files from src/index.ts (protocol types under protocol/)`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The npm build (dist/npm/), beside the CDN build as Shoelace ships both: the same element, but
 * the packages it runs on (`lit`, `@lit/reactive-element`, `socket.io-client`: the package's
 * `dependencies`) stay bare imports, so an app that uses them too bundles them once, at the
 * version npm dedupes to. The protocol's constants the widget needs (limits, locales, event
 * names: a few hundred bytes, no dependency) and the browser code it shares with the console
 * (shared/src/browser/: the message view, Markdown, its words) are bundled in: the workspace
 * @support-chat/shared is private and holds the server's side of the protocol (zod schemas,
 * audit, integrations…) too; published, it would be a second package to version in lockstep with nothing to dedupe
 * (no other package on npm imports it), and its types already ship under dist/types/protocol/.
 * Not minified (the app's bundler does it), but the templates' whitespace is squeezed as in the
 * CDN build. The chat stays a dynamic import, which the app's bundler splits off the first load.
 */
async function buildNpm() {
  const out = join(dist, 'npm');
  rmSync(out, { recursive: true, force: true });
  const { dependencies = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'support-chat': 'src/support-chat.entry.ts' },
    outdir: out,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external: Object.keys(dependencies).flatMap((name) => [name, `${name}/*`]),
    sourcemap: 'linked',
    metafile: true,
    charset: 'utf8',
    plugins: [minifyLiterals({ html: true })],
    logLevel: 'warning',
  });
  // `@support-chat/widget/react` and `/vue` are types only (the frameworks' template typings); an
  // import of one at run time finds an empty module rather than failing the app's build.
  for (const framework of ['react', 'vue']) writeFileSync(join(out, `${framework}.js`), `// Types only: see dist/types/${framework}.d.ts.\nexport {};\n`);
  const inputs = Object.keys(result.metafile.inputs);
  const inlined = inputs.filter((p) => p.includes('node_modules/'));
  if (inlined.length) fail(`dist/npm inlines ${inlined.join(', ')}: an import of a package that is not in dependencies`);
  const serverOnly = inputs.filter((p) => /shared\/src\/schemas\.ts$/.test(p));
  if (serverOnly.length) fail(`dist/npm bundles server-only code: ${serverOnly.join(', ')}`);
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
  const bare = [...new Set(outputs.flatMap(([, o]) => o.imports.filter((i) => i.external).map((i) => i.path)))].sort();
  const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
  console.log(`✓ dist/npm: ${outputs.length} files, ${(bytes / 1024).toFixed(1)} KB unminified; bare imports ${bare.join(', ')}`);
}

/**
 * custom-elements.json, by @custom-elements-manifest/analyzer from the element's JSDoc header
 * (@tag, @attr, @fires, @csspart, @cssproperty) and its class. Then made to describe the package
 * rather than the source: the module is the bundle a user imports, only public members are
 * listed (the analyzer also reports private fields, and counts `launcher.onclick = …` in the
 * constructor as members of the element), and the module exports the element's definition.
 */
async function writeManifest() {
  const path = 'src/support-chat.ts';
  const source = readFileSync(join(root, path), 'utf8');
  const file = cemTs.createSourceFile(path, source, cemTs.ScriptTarget.ES2022, true);
  const manifest = analyzeElements({ modules: [file] });
  const declared = new Set();
  const visit = (node) => {
    if (cemTs.isClassDeclaration(node) && node.name?.text === 'SupportChat') {
      for (const member of node.members) {
        const isPrivate = member.modifiers?.some((m) => m.kind === cemTs.SyntaxKind.PrivateKeyword);
        if (member.name && !isPrivate && !cemTs.isConstructorDeclaration(member)) declared.add(member.name.getText(file));
      }
    }
    cemTs.forEachChild(node, visit);
  };
  visit(file);
  const [module] = manifest.modules;
  const element = module?.declarations?.find((d) => d.name === 'SupportChat');
  if (!element || element.tagName !== 'support-chat') return fail('custom-elements.json: no <support-chat> found in ' + path);
  element.members = element.members.filter((m) => m.privacy !== 'private' && declared.has(m.name) && m.name !== 'observedAttributes');
  for (const [name, what] of [
    ['attributes', 'attributes'],
    ['events', 'events'],
    ['cssParts', 'CSS parts'],
    ['cssProperties', 'CSS custom properties'],
  ]) {
    if (!element[name]?.length) fail(`custom-elements.json lists no ${what}: did the JSDoc header lose its tags?`);
  }
  // The module bundlers import (the npm build); the CDN build defines the same element.
  module.path = 'dist/npm/support-chat.js';
  module.declarations = [element];
  module.exports = [
    { kind: 'js', name: 'SupportChat', declaration: { name: 'SupportChat', module: module.path } },
    { kind: 'custom-element-definition', name: 'support-chat', declaration: { name: 'SupportChat', module: module.path } },
  ];
  writeFileSync(join(dist, 'custom-elements.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.log(
    `✓ dist/custom-elements.json: <support-chat> with ${element.attributes.length} attributes, ${element.members.length} members, ` +
      `${element.events.length} events, ${element.cssParts.length} parts, ${element.cssProperties.length} CSS properties`,
  );
}

if (!existsSync(join(dist, 'support-chat.js'))) fail('dist/support-chat.js is missing: run build.mjs first');
else {
  await buildNpm();
  emitDeclarations();
  await writeManifest();
  const size = readdirSync(types, { recursive: true }).reduce((n, f) => n + (statSync(join(types, f)).isFile() ? 1 : 0), 0);
  if (!size) fail('dist/types is empty');
}
if (failed) process.exit(1);
