// What `@support-chat/widget` ships beside the bundles build.mjs writes: its TypeScript
// declarations (dist/types/) and its custom-elements.json, both generated from the source, so
// that they cannot drift from it. Run after build.mjs (`npm run build -w widget` runs both).
import { create as analyzeElements, ts as cemTs } from '@custom-elements-manifest/analyzer';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

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
    const program = ts.createProgram([join(root, 'src/index.ts')], {
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
    const check = ts.createProgram([join(types, 'index.d.ts')], {
      noEmit: true,
      strict: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      types: [],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
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
  module.path = 'dist/support-chat.js';
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
  emitDeclarations();
  await writeManifest();
  const size = readdirSync(types, { recursive: true }).reduce((n, f) => n + (statSync(join(types, f)).isFile() ? 1 : 0), 0);
  if (!size) fail('dist/types is empty');
}
if (failed) process.exit(1);
