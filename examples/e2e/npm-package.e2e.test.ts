/**
 * `@support-chat/widget` as a developer gets it (issue 12): `npm pack` the workspace, install the
 * tarball into a fresh app with no registry, type-check the app's code against the installed
 * declarations under `strict` + `exactOptionalPropertyTypes` (no skipLibCheck), a TSX file too
 * (React 19's JSX typing through the package's `@support-chat/widget/react` augmentation), bundle
 * it with esbuild, and run it in Chromium against the built server: the chat opens and answers.
 *
 * The package's default build keeps `lit` and `socket.io-client` as bare imports (its
 * `dependencies`), so the app's bundler shares them with the app: this app uses Lit itself, and
 * its bundle must hold one Lit. With no registry here, those dependencies come as tarballs packed
 * from the workspace's own node_modules and installed beside the package (`npm install --offline`);
 * `npm ls` then proves the tree complete, as a registry install would have made it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium } from './browser.js';
import { serveFolder } from './static-site.js';

const missing = chromiumMissing();
const WIDGET = path.join(REPO_ROOT, 'widget');
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** What the package's build may import bare: its `dependencies`, which the app's bundler dedupes. */
const RUNTIME_DEPENDENCIES = ['@lit/reactive-element', 'lit', 'socket.io-client'];
/** Types-only packages the app's TSX check needs (React's runtime is not run here: examples/react is). */
const APP_DEV_DEPENDENCIES = ['@types/react'];

/** The app's code: what the README tells a TypeScript developer to write, plus what must not compile. */
const APP = `
import { define, type ChatMessage, type SupportChat } from '@support-chat/widget';
import type { SupportChat as CdnSupportChat } from '@support-chat/widget/cdn/support-chat.js';
import { html, render } from 'lit';

// The app's own UI in Lit: the same Lit the widget's chat uses once bundled.
render(html\`<h1>A fresh app</h1>\`, document.getElementById('app')!);

define(); // the import registered the element already: a second call is harmless
const server: string = (window as unknown as { SUPPORT_CHAT_SERVER: string }).SUPPORT_CHAT_SERVER;
const chat = document.createElement('support-chat'); // typed through HTMLElementTagNameMap
chat.server = server;
chat.position = 'bottom-left';
document.body.append(chat);

const found: SupportChat | null = document.querySelector('support-chat');
const sameClass: CdnSupportChat | null = found;
const answers: string[] = [];
found?.addEventListener('support-chat-message', (e) => {
  const message: ChatMessage = e.detail.message;
  if (message.author !== 'visitor') answers.push(message.text);
});
found?.addEventListener('support-chat-unread', (e) => console.log('unread', e.detail.count.toFixed(0)));
// The README listens on the document: the events bubble there, typed too.
document.addEventListener('support-chat-unread', (e) => console.log('badge', e.detail.count.toFixed(0)));
(window as unknown as { answers: string[] }).answers = answers;
(window.supportChat = window.supportChat || []).push(['identify', { plan: 'pro' }]);
const unread: number = chat.unreadCount;
console.log('ready to chat', unread, sameClass === found);

// The typings are strict, not \`any\`: each of these must be refused (never run).
export function refusedByTheTypes(): void {
  // @ts-expect-error position is 'bottom-right' | 'bottom-left'
  chat.position = 'top';
  // @ts-expect-error send takes a string
  chat.send(42);
  // @ts-expect-error the unread event's detail has no 'total'
  found?.addEventListener('support-chat-unread', (e) => e.detail.total);
  // @ts-expect-error not a command
  window.supportChat?.push(['explode']);
}
`;

/** A React 19 component as the README writes it: typed <support-chat> in TSX, through react/jsx-runtime. */
const REACT_APP = `
import type {} from '@support-chat/widget/react';
import type { SupportChat } from '@support-chat/widget';
import { useRef, useState } from 'react';

export function Chat({ server }: { server: string }) {
  const chat = useRef<SupportChat>(null);
  const [unread, setUnread] = useState(0);
  return (
    <main>
      <button type="button" onClick={() => chat.current?.open()}>Ask us ({unread})</button>
      <support-chat ref={chat} server={server} position="bottom-left" onsupport-chat-unread={(e) => setUnread(e.detail.count)} />
    </main>
  );
}

export function Refused() {
  return (
    <div>
      {/* @ts-expect-error position is 'bottom-right' | 'bottom-left' */}
      <support-chat position="top" />
      {/* @ts-expect-error no such attribute */}
      <support-chat servr="https://chat.example.com" />
      {/* @ts-expect-error the unread event's detail has no 'total' */}
      <support-chat onsupport-chat-unread={(e) => e.detail.total} />
      {/* @ts-expect-error launcher is 'hidden' or absent */}
      <support-chat launcher="shown" />
    </div>
  );
}
`;

/** The folder npm installed `name` in, looked up from `from` the way Node resolves packages. */
function installedFolder(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const folder = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(folder, 'package.json'))) return folder;
    if (dir === path.dirname(dir)) throw new Error(`${name} is not installed for ${from}`);
  }
}

/** `names` and everything their `dependencies` pull in, as the workspace installed them: name → folder. */
function dependencyClosure(names: string[], from: string): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (name: string, requiredBy: string) => {
    if (found.has(name)) return;
    const folder = installedFolder(name, requiredBy);
    found.set(name, folder);
    const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dependency of Object.keys(dependencies)) visit(dependency, folder);
  };
  for (const name of names) visit(name, from);
  return found;
}

const pack = (folders: string[], destination: string) =>
  (
    JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...folders], { cwd: destination, encoding: 'utf8' }),
    ) as { name: string; filename: string; files: { path: string }[] }[]
  ).map((p) => ({ ...p, tarball: path.join(destination, p.filename) }));

describe.skipIf(missing !== null && process.env.CI !== 'true')('the npm package, packed and installed', () => {
  let server: ServerProcess;
  let browser: Browser;
  let site: { url: string; close(): Promise<void> };
  let work: string;
  let app: string;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    if (!fs.existsSync(path.join(WIDGET, 'dist', 'types', 'index.d.ts'))) throw new Error('widget/dist/types is missing: run `npm run build` first');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-npm-'));
    [server, browser] = await Promise.all([startServerProcess({ DATA_DIR: path.join(work, 'data') }), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('packs only what users need, declares what its npm build imports, and installs with no registry', async () => {
    const [packed] = pack([WIDGET], work);
    const files = packed!.files.map((f) => f.path).sort();
    // The npm build (bare imports), the CDN build (everything inlined), typings and manifest.
    expect(files).toContain('dist/npm/support-chat.js');
    expect(files).toContain('dist/support-chat.js');
    expect(files).toContain('dist/types/index.d.ts');
    expect(files).toContain('dist/types/react.d.ts');
    expect(files).toContain('dist/types/vue.d.ts');
    expect(files).toContain('dist/custom-elements.json');
    expect(files.filter((f) => /^dist\/support-chat-panel-[A-Z0-9]{8}\.js$/.test(f))).toHaveLength(1);
    // Attachments' own file, which the chat loads when a file is attached or shown (issue 13).
    expect(files.filter((f) => /^dist\/support-chat-files-[A-Z0-9]{8}\.js$/.test(f))).toHaveLength(1);
    // No source, tests, console or precompressed copies.
    expect(files.filter((f) => /^src\/|\.test\.|support-console|\.br$|\.gz$|meta\.json/.test(f))).toEqual([]);
    // The visitor widget only: the agent console (its own workspace, served by the server alone) is
    // neither shipped as a file nor bundled into one.
    const unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', packed!.tarball, '-C', unpacked]);
    const consoleTraces = files.flatMap((f) => {
      const text = fs.readFileSync(path.join(unpacked, 'package', f), 'utf8');
      const sources = f.endsWith('.map') ? (JSON.parse(text) as { sources: string[] }).sources : [];
      return [
        ...(/(^|\/)console\//.test(f) ? [f] : []),
        ...(text.includes('support-console') ? [`${f} names <support-console>`] : []),
        ...sources.filter((s) => /(^|\/)console\//.test(s)).map((s) => `${f} maps ${s}`),
      ];
    });
    expect(consoleTraces).toEqual([]);

    // Everything the npm build imports bare is a declared dependency, and nothing else is: the
    // protocol it needs is inside it (the workspace @support-chat/shared is private).
    const manifest = JSON.parse(execFileSync('tar', ['-xOzf', packed!.tarball, 'package/package.json'], { encoding: 'utf8' })) as {
      dependencies?: Record<string, string>;
      devDependencies?: unknown;
    };
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(RUNTIME_DEPENDENCIES);
    const probe = await build({
      entryPoints: [path.join(WIDGET, 'dist/npm/support-chat.js')],
      bundle: true,
      write: false,
      metafile: true,
      packages: 'external',
      splitting: true,
      format: 'esm',
      outdir: path.join(work, 'probe'),
      logLevel: 'error',
    });
    const bare = new Set(
      Object.values(probe.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path.match(/^(@[^/]+\/)?[^/]+/)![0])),
    );
    expect([...bare].sort()).toEqual(RUNTIME_DEPENDENCIES);

    app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
    const needed = dependencyClosure([...Object.keys(manifest.dependencies!), ...APP_DEV_DEPENDENCIES], WIDGET);
    const tarballs = pack([...needed.values()], work).map((p) => p.tarball);
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', packed!.tarball, ...tarballs], { cwd: app, encoding: 'utf8' });
    // The tree is whole: every dependency of every installed package is there, in range.
    execFileSync('npm', ['ls', '--all', '--offline'], { cwd: app, encoding: 'utf8' });
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/@support-chat/widget/dist/custom-elements.json'), 'utf8'));
    expect(installed.modules[0].declarations[0].tagName).toBe('support-chat');
  });

  it('type-checks a strict app and a TSX component (exactOptionalPropertyTypes, no skipLibCheck) against the installed typings', () => {
    fs.writeFileSync(path.join(app, 'app.ts'), APP);
    fs.writeFileSync(path.join(app, 'chat.tsx'), REACT_APP);
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          noEmit: true,
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          jsx: 'react-jsx',
          lib: ['ES2022', 'DOM'],
          types: [],
        },
        files: ['app.ts', 'chat.tsx'],
      }),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [TSC, '-p', app], { cwd: app, encoding: 'utf8' });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
  });

  it('bundled by esbuild from the npm build, it shares Lit with the app, opens in Chromium and the chat answers', async () => {
    const out = path.join(app, 'public');
    const { metafile } = await build({
      entryPoints: [path.join(app, 'app.ts')],
      bundle: true,
      splitting: true,
      format: 'esm',
      outdir: out,
      absWorkingDir: app,
      metafile: true,
      logLevel: 'error',
    });
    const inputs = Object.keys(metafile.inputs);
    // The bare-import build, resolved against the app's own node_modules: one Lit for both.
    expect(inputs.some((i) => i.startsWith('node_modules/@support-chat/widget/dist/npm/'))).toBe(true);
    expect(inputs.filter((i) => /\/support-chat-panel-|widget\/dist\/support-chat\.js/.test(i))).toEqual([]);
    expect(inputs.filter((i) => /(^|\/)lit-html\/lit-html\.js$/.test(i))).toEqual(['node_modules/lit-html/lit-html.js']);
    expect(inputs).toContain('node_modules/socket.io-client/build/esm/index.js');
    // The chat (and its socket) stays out of the page's entry: loaded when wanted.
    const [, entry] = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === 'app.ts')!;
    expect(Object.keys(entry.inputs).filter((i) => i.includes('socket.io-client'))).toEqual([]);
    expect(entry.imports.filter((i) => i.kind === 'dynamic-import')).not.toEqual([]);

    fs.writeFileSync(
      path.join(out, 'index.html'),
      `<!doctype html><html lang="en"><head><title>Fresh app</title><script>SUPPORT_CHAT_SERVER = ${JSON.stringify(server.url)}</script>` +
        `<script type="module" src="app.js"></script></head><body><div id="app"></div></body></html>`,
    );
    site = await serveFolder(out);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(site.url);
    await expect.poll(() => page.getByRole('heading', { name: 'A fresh app' }).isVisible(), { timeout: 5000 }).toBe(true);
    await page.getByRole('button', { name: 'Open chat' }).click({ timeout: 5000 });
    await page.getByRole('textbox', { name: 'Your message' }).fill('How do I return an item?');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (window as unknown as { answers: string[] }).answers.join(' ').toLowerCase()), { timeout: 10_000 }).toContain('return');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the CDN build reachable: everything inlined, nothing to install', async () => {
    fs.writeFileSync(path.join(app, 'cdn.js'), "import '@support-chat/widget/cdn/support-chat.js';\n");
    const { metafile } = await build({
      entryPoints: [path.join(app, 'cdn.js')],
      bundle: true,
      splitting: true,
      format: 'esm',
      outdir: path.join(app, 'cdn-out'),
      absWorkingDir: app,
      metafile: true,
      logLevel: 'error',
    });
    const packages = Object.keys(metafile.inputs).filter((i) => i.startsWith('node_modules/'));
    expect(packages.length).toBeGreaterThan(0);
    expect(packages.filter((i) => !i.startsWith('node_modules/@support-chat/widget/dist/'))).toEqual([]);
    expect(packages.filter((i) => i.includes('/dist/npm/'))).toEqual([]);
  });
});
