/**
 * Issue 12, "before the first click", on the built bundle the server serves, from a host page on
 * another origin: a page downloads only the launcher (≤ 8 KB brotli) until the visitor shows
 * interest; hovering, focusing or clicking the launcher, the page going idle, a stored session
 * or a call from the page's script brings the rest (one content-hashed file, cached for a year),
 * and the first click opens the panel even when nothing was fetched ahead (the worst case: a page
 * that never goes idle, clicked without a hover first). How long that takes is printed, not
 * asserted (speed is measured, not timed in tests): README "What a page downloads" has the figures.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readmeSnippet } from '../../server/bench/embed.js';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium } from './browser.js';

const missing = chromiumMissing();
const LAUNCHER_BUDGET_BROTLI = 8 * 1024;
/** A page that never goes idle (a busy single-page app): nothing is fetched ahead of interest. */
const NEVER_IDLE = 'window.requestIdleCallback = () => 0;';

interface Script {
  path: string;
  encoded: number;
  encoding: string;
  cache: string;
}

describe.skipIf(missing !== null && process.env.CI !== 'true')('the launcher first, the chat when wanted (built bundle)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let host: { url: string; close(): void };

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-launcher-'));
    server = await startServerProcess({ DATA_DIR: dataDir });
    browser = await launchChromium();
    host = await serveHost(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    host?.close();
    await server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * A page of a new visitor (or of `context`'s), recording every script it fetches. A script is
   * recorded only once Playwright has answered for its headers and sizes, after the page may
   * already have run it: `settled()` waits for every recording under way (CI once saw the
   * chunk's row still missing after the chat it brought had answered).
   */
  async function visit(
    options: { idle?: boolean; context?: BrowserContext } = {},
  ): Promise<{ page: Page; scripts: Script[]; settled(): Promise<void> }> {
    const context = options.context ?? (await browser.newContext({ locale: 'en-US' }));
    const page = await context.newPage();
    if (options.idle === false) await page.addInitScript(NEVER_IDLE);
    const scripts: Script[] = [];
    const recording = new Set<Promise<void>>();
    // Kept, not thrown from the listener: a page closed mid-recording must not become an
    // unhandled rejection that fails some other test.
    const failures: unknown[] = [];
    page.on('requestfinished', (request) => {
      if (!request.url().endsWith('.js')) return;
      const done: Promise<void> = (async () => {
        const headers = (await request.response())?.headers() ?? {};
        scripts.push({
          path: new URL(request.url()).pathname,
          encoded: (await request.sizes()).responseBodySize,
          encoding: headers['content-encoding'] ?? 'none',
          cache: headers['cache-control'] ?? '',
        });
      })()
        .catch((error: unknown) => void failures.push(error))
        .finally(() => recording.delete(done));
      recording.add(done);
    });
    await page.goto(host.url, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    return {
      page,
      scripts,
      settled: async () => {
        while (recording.size > 0) await Promise.all(recording);
        if (failures.length > 0) throw failures[0];
      },
    };
  }

  const chunks = (scripts: Script[]) => scripts.filter((s) => s.path !== '/widget/support-chat.js');

  /** From the press of the launcher to the first frame with the panel on screen, in ms. */
  async function clickToPanel(page: Page): Promise<number> {
    await page.evaluate(() => {
      const w = window as unknown as { pressed?: number; shown?: number };
      addEventListener('pointerdown', () => (w.pressed ??= performance.now()), true);
      const frame = () => {
        const panel = document.querySelector('support-chat')!.shadowRoot!.querySelector<HTMLElement>('.panel');
        if (panel && panel.offsetWidth > 0 && w.pressed) w.shown = performance.now();
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { shown?: number }).shown)).toBeGreaterThan(0);
    return page.evaluate(() => {
      const w = window as unknown as { pressed: number; shown: number };
      return w.shown - w.pressed;
    });
  }

  it('downloads only the launcher before any interaction, then the first click opens the panel', async () => {
    const { page, scripts, settled } = await visit({ idle: false });
    await page.waitForTimeout(500);
    await settled();
    expect(scripts.map((s) => s.path)).toEqual(['/widget/support-chat.js']);
    const [launcher] = scripts;
    console.log(`before any interaction: ${launcher!.path} ${launcher!.encoded} bytes (${launcher!.encoding}) in Chromium`);
    expect(launcher!.encoding).toBe('br');
    expect(launcher!.encoded).toBeLessThanOrEqual(LAUNCHER_BUDGET_BROTLI);

    // The worst case: nothing fetched ahead (never idle, no hover before the press). Three fresh
    // visitors; their median is printed.
    const times = [await clickToPanel(page)];
    await settled();
    const [chunk] = chunks(scripts);
    // The rest is one file whose name carries its content's hash, kept by browsers for a year.
    expect(chunks(scripts)).toHaveLength(1);
    expect(chunk!.path).toMatch(/^\/widget\/support-chat-panel-[A-Z0-9]{8}\.js$/);
    expect(chunk!.cache).toContain('immutable');
    expect(chunk!.encoding).toBe('br');
    console.log(`then: ${chunk!.path} ${chunk!.encoded} bytes (${chunk!.encoding}); total ${launcher!.encoded + chunk!.encoded} bytes`);

    // The same button, now "Minimize chat"; focus went to the composer as before the split.
    expect(await page.getByRole('button', { name: /Open chat|Minimize chat/ }).count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.querySelector('support-chat')!.shadowRoot!.activeElement?.id)).toBe('input');
    await page.context().close();

    for (let i = 0; i < 2; i++) {
      const again = await visit({ idle: false });
      times.push(await clickToPanel(again.page));
      await again.page.context().close();
    }
    const median = [...times].sort((a, b) => a - b)[1]!;
    console.log(`first click to panel on screen, nothing fetched ahead: ${times.map((t) => t.toFixed(0)).join(', ')} ms (median ${median.toFixed(0)})`);
  });

  it('fetches the rest when the visitor points at the launcher, or when the page goes idle', async () => {
    const hovered = await visit({ idle: false });
    await hovered.page.waitForTimeout(200);
    await hovered.settled();
    expect(chunks(hovered.scripts)).toEqual([]);
    await hovered.page.getByRole('button', { name: 'Open chat' }).hover();
    await expect.poll(() => chunks(hovered.scripts).length).toBe(1);
    // Fetched, not opened: the visitor only pointed.
    expect(await hovered.page.evaluate(() => document.querySelector('support-chat')!.hasAttribute('open'))).toBe(false);
    await hovered.page.context().close();

    const idle = await visit();
    await expect.poll(() => chunks(idle.scripts).length, { timeout: 8000 }).toBe(1);
    expect(await idle.page.evaluate(() => document.querySelector('support-chat')!.hasAttribute('open'))).toBe(false);
    await idle.page.context().close();
  });

  it('fetches nothing ahead before the page has shown its first content, even once loaded and idle', async () => {
    // Lighthouse counts a script that arrived before the first contentful paint of the load it
    // observes into First Contentful Paint, and in its runs `load` and an idle moment can come
    // before that paint (issue 12). Here the page shows its content 1.5 s after loading.
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${host.url}late-paint`, { waitUntil: 'load' });
    const timing = () =>
      page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        chunk: performance.getEntriesByType('resource').find((e) => e.name.includes('/support-chat-panel-'))?.startTime,
      }));
    await expect.poll(timing, { timeout: 8000 }).toEqual({ fcp: expect.any(Number), chunk: expect.any(Number) });
    const { fcp, chunk } = await timing();
    expect(chunk).toBeGreaterThan(fcp!);
    await context.close();
  });

  it('loads the chat at once for a returning visitor, who reconnects on page load', async () => {
    const first = await visit({ idle: false });
    await first.page.getByRole('button', { name: 'Open chat' }).click();
    const box = first.page.getByRole('textbox', { name: 'Your message' });
    await box.fill('Where is my parcel?');
    await box.press('Enter');
    await expect.poll(() => first.page.getByRole('log').textContent()).toContain('Where is my parcel?');
    await first.page.close();

    // The same browser, another page, no interaction, never idle.
    const sockets: string[] = [];
    const again = await visit({ idle: false, context: first.page.context() });
    again.page.on('websocket', (ws) => sockets.push(ws.url()));
    await expect.poll(() => chunks(again.scripts).length).toBe(1);
    await expect.poll(() => again.page.evaluate(() => document.querySelector('support-chat')!.shadowRoot!.querySelector('.log')?.textContent ?? '')).toContain(
      'Where is my parcel?',
    );
    await first.page.context().close();
  });

  it('runs the element\'s methods called before the rest arrived, in order, and fires its events', async () => {
    const { page, scripts, settled } = await visit({ idle: false });
    await settled();
    expect(chunks(scripts)).toEqual([]);
    const sent = await page.evaluate(() => {
      const el = document.querySelector('support-chat') as HTMLElement & { identify(a: object): void; send(t: string): boolean };
      (window as unknown as { events: string[] }).events = [];
      for (const e of ['open', 'ready', 'message', 'conversation-started']) {
        el.addEventListener(`support-chat-${e}`, () => (window as unknown as { events: string[] }).events.push(e));
      }
      el.identify({ plan: 'pro' });
      return [el.send('   '), el.send('Do you ship to Canada?')];
    });
    expect(sent).toEqual([false, true]);
    await expect.poll(() => page.getByRole('log').textContent()).toContain('Do you ship to Canada?');
    await expect.poll(() => page.evaluate(() => (window as unknown as { events: string[] }).events)).toEqual(
      expect.arrayContaining(['open', 'ready', 'message', 'conversation-started']),
    );
    await settled();
    expect(chunks(scripts)).toHaveLength(1);
    await page.context().close();
  });
});

/** A shop on its own origin embedding the widget with README.md's snippet: one script, one tag. */
async function serveHost(serverUrl: string): Promise<{ url: string; close(): void }> {
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>` +
    `<body><h1>Shop</h1>${readmeSnippet(serverUrl)}</body></html>`;
  // The same shop, its content hidden until 1.5 s after loading (a slow hero image, a consent wall).
  const latePaint = html
    .replace('<body>', '<body style="visibility:hidden">')
    .replace('</body>', `<script>addEventListener('load', () => setTimeout(() => (document.body.style.visibility = 'visible'), 1500));</script></body>`);
  const shell = http.createServer((req, res) =>
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(req.url === '/late-paint' ? latePaint : html),
  );
  await new Promise<void>((resolve) => shell.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(shell.address() as AddressInfo).port}/`, close: () => shell.close() };
}
