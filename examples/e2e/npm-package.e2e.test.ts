/**
 * `@support-chat/widget` as a developer gets it (issue 12): `npm pack` the workspace, install the
 * tarball into a fresh app with no registry (`npm install --offline`), type-check the app's code
 * against the installed declarations under `strict` + `exactOptionalPropertyTypes` (no
 * skipLibCheck), bundle it with esbuild, and run it in Chromium against the built server: the chat
 * opens and answers.
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

/** The app's code: what the README tells a TypeScript developer to write, plus what must not compile. */
const APP = `
import { define, type ChatMessage, type SupportChat } from '@support-chat/widget';

define(); // the import registered the element already: a second call is harmless
const server: string = (window as unknown as { SUPPORT_CHAT_SERVER: string }).SUPPORT_CHAT_SERVER;
const chat = document.createElement('support-chat'); // typed through HTMLElementTagNameMap
chat.server = server;
chat.position = 'bottom-left';
document.body.append(chat);

const found: SupportChat | null = document.querySelector('support-chat');
const answers: string[] = [];
found?.addEventListener('support-chat-message', (e) => {
  const message: ChatMessage = e.detail.message;
  if (message.author !== 'visitor') answers.push(message.text);
});
found?.addEventListener('support-chat-unread', (e) => console.log('unread', e.detail.count.toFixed(0)));
(window as unknown as { answers: string[] }).answers = answers;
(window.supportChat = window.supportChat || []).push(['identify', { plan: 'pro' }]);
const unread: number = chat.unreadCount;
console.log('ready to chat', unread);

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

  it('packs only what users need and installs with no registry', () => {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: WIDGET, encoding: 'utf8' })) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed!.files.map((f) => f.path).sort();
    expect(files).toContain('dist/support-chat.js');
    expect(files).toContain('dist/types/index.d.ts');
    expect(files).toContain('dist/custom-elements.json');
    expect(files.filter((f) => /^dist\/support-chat-panel-[A-Z0-9]{8}\.js$/.test(f))).toHaveLength(1);
    // Attachments' own file, which the chat loads when a file is attached or shown (issue 13).
    expect(files.filter((f) => /^dist\/support-chat-files-[A-Z0-9]{8}\.js$/.test(f))).toHaveLength(1);
    // No source, tests, console or precompressed copies.
    expect(files.filter((f) => /^src\/|\.test\.|support-console|\.br$|\.gz$|meta\.json/.test(f))).toEqual([]);

    app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(work, packed!.filename)], { cwd: app, encoding: 'utf8' });
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies)).toEqual(['@support-chat/widget']);
    // It brings nothing along: everything it runs is inside its bundles.
    expect(fs.readdirSync(path.join(app, 'node_modules'))).toEqual(['.package-lock.json', '@support-chat']);
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/@support-chat/widget/dist/custom-elements.json'), 'utf8'));
    expect(manifest.modules[0].declarations[0].tagName).toBe('support-chat');
  });

  it('type-checks a strict app (exactOptionalPropertyTypes, no skipLibCheck) against the installed typings', () => {
    fs.writeFileSync(path.join(app, 'app.ts'), APP);
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
          lib: ['ES2022', 'DOM'],
          types: [],
        },
        files: ['app.ts'],
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

  it('bundled by esbuild, it opens in Chromium and the chat answers', async () => {
    const out = path.join(app, 'public');
    await build({ entryPoints: [path.join(app, 'app.ts')], bundle: true, splitting: true, format: 'esm', outdir: out, absWorkingDir: app, logLevel: 'error' });
    // The panel stays its own file, loaded when wanted, and so does the attachments code (issue 13).
    const scripts = fs.readdirSync(out).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBe(3);
    expect(scripts.filter((f) => fs.readFileSync(path.join(out, f), 'utf8').includes('file-thumb'))).toHaveLength(1);
    fs.writeFileSync(
      path.join(out, 'index.html'),
      `<!doctype html><html lang="en"><head><title>Fresh app</title><script>SUPPORT_CHAT_SERVER = ${JSON.stringify(server.url)}</script>` +
        `<script type="module" src="app.js"></script></head><body><h1>A fresh app</h1></body></html>`,
    );
    site = await serveFolder(out);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(site.url);
    await page.getByRole('button', { name: 'Open chat' }).click({ timeout: 5000 });
    await page.getByRole('textbox', { name: 'Your message' }).fill('How do I return an item?');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (window as unknown as { answers: string[] }).answers.join(' ').toLowerCase()), { timeout: 10_000 }).toContain('return');
    expect(errors).toEqual([]);
    await page.close();
  });
});
