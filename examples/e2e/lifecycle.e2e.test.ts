/**
 * `<support-chat>` in a single-page app, on the built bundle the server serves: a route change
 * removes the element, a later one adds it back, a setting changes its `server`. Each must close
 * or open exactly one WebSocket and throw nothing (a property-mangling bug in the build once broke
 * removal while every unit test, which runs unbundled code, passed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page, WebSocket } from 'playwright-core';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath } from './browser.js';

const missing = chromiumMissing();

describe.skipIf(missing !== null && process.env.CI !== 'true')('the widget in a single-page app (built bundle)', () => {
  let server: ServerProcess;
  let second: ServerProcess;
  let browser: Browser;
  let page: Page;
  let dataDirs: string[] = [];
  /** Every WebSocket the page opened, and which of them are still open. */
  let sockets: { url: string; closed: boolean }[];
  let pageErrors: string[];
  let warnings: string[];
  let shell: { url: string; close(): void };

  const open = () => sockets.filter((s) => !s.closed && s.url.includes('/socket.io/'));

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'sc-life-')), fs.mkdtempSync(path.join(os.tmpdir(), 'sc-life-'))];
    [server, second] = (await Promise.all(dataDirs.map((DATA_DIR) => startServerProcess({ DATA_DIR })))) as [ServerProcess, ServerProcess];
    browser = await launchChromium();
    shell = await serveAppShell(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    shell?.close();
    await Promise.all([server?.kill('SIGTERM'), second?.kill('SIGTERM')]);
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    page = await (await browser.newContext()).newPage();
    sockets = [];
    pageErrors = [];
    warnings = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
      if (m.type() === 'warning') warnings.push(m.text());
    });
    page.on('websocket', (ws: WebSocket) => {
      const entry = { url: ws.url(), closed: false };
      sockets.push(entry);
      ws.on('close', () => (entry.closed = true));
    });
    await page.goto(shell.url);
    await page.waitForFunction(() => customElements.get('support-chat') !== undefined);
  });

  async function mount(attributes: Record<string, string>): Promise<void> {
    await page.evaluate((attrs) => {
      const el = document.createElement('support-chat');
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      document.getElementById('app')!.append(el);
    }, attributes);
  }

  it('opens one socket on open and closes it when a route change removes the element', async () => {
    await mount({ server: server.url, open: '' });
    await expect.poll(() => open().length).toBe(1);
    await page.evaluate(() => document.querySelector('support-chat')!.remove());
    await expect.poll(() => open().length).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('reconnects with one socket when the element is added back, and keeps the conversation', async () => {
    await mount({ server: server.url, open: '' });
    await expect.poll(() => open().length).toBe(1);
    await page.evaluate(() => (document.querySelector('support-chat') as HTMLElement & { send(t: string): boolean }).send('hello from a route'));
    const log = page.getByRole('log');
    await expect.poll(() => log.textContent()).toContain('hello from a route');

    const el = await page.evaluateHandle(() => document.querySelector('support-chat')!);
    await el.evaluate((e) => e.remove());
    await expect.poll(() => open().length).toBe(0);
    await el.evaluate((e) => document.getElementById('app')!.append(e));
    await expect.poll(() => open().length).toBe(1);
    // Moving it again within one task (remove + append) must not leave two sockets either.
    await el.evaluate((e) => document.body.append(e));
    await page.waitForTimeout(300);
    expect(open()).toHaveLength(1);
    await expect.poll(() => page.getByRole('log').textContent()).toContain('hello from a route');
    expect(sockets.length).toBeLessThanOrEqual(3);
    expect(pageErrors).toEqual([]);
  });

  it('moves to the new server when its `server` attribute changes, closing the old socket', async () => {
    await mount({ server: server.url, open: '' });
    await expect.poll(() => open().map((s) => new URL(s.url).port)).toEqual([new URL(server.url).port]);
    await page.evaluate((url) => document.querySelector('support-chat')!.setAttribute('server', url), second.url);
    await expect.poll(() => open().map((s) => new URL(s.url).port)).toEqual([new URL(second.url).port]);
    expect(pageErrors).toEqual([]);
  });

  it('arrives compressed: the bytes of JavaScript a host page downloads for the widget', async () => {
    const fresh = await (await browser.newContext()).newPage();
    const scripts: { url: string; encoded: number; encoding: string }[] = [];
    fresh.on('requestfinished', async (request) => {
      if (!request.url().endsWith('.js')) return;
      const response = await request.response();
      scripts.push({
        url: request.url(),
        encoded: (await request.sizes()).responseBodySize,
        encoding: (await response?.allHeaders())?.['content-encoding'] ?? 'none',
      });
    });
    await fresh.goto(shell.url);
    await fresh.waitForFunction(() => customElements.get('support-chat') !== undefined);
    // The launcher first; the chat follows when wanted (here: opened), as its own file.
    await fresh.evaluate(() => document.getElementById('app')!.append(Object.assign(document.createElement('support-chat'), { opened: true })));
    await expect.poll(() => scripts.length).toBe(2);
    for (const { url, encoded, encoding } of scripts) {
      console.log(`wire: ${new URL(url).pathname} ${encoded} bytes (${encoding}) in Chromium`);
      expect(encoding).toBe('br');
    }
    expect(new URL(scripts[0]!.url).pathname).toBe('/widget/support-chat.js');
    expect(scripts[0]!.encoded).toBeLessThan(8 * 1024);
    expect(scripts[0]!.encoded + scripts[1]!.encoded).toBeLessThan(28 * 1024);
    await fresh.context().close();
  });

  it("keeps its corner, its type and its direction on a page whose CSS reaches the element itself", async () => {
    // Rules a developer's probe found on real pages: a reset that unsets everything, global type, an RTL page.
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.id = 'hostile';
      style.textContent = '* { all: unset; }';
      document.head.append(style);
    });
    await mount({ server: server.url });
    const corner = () =>
      page.evaluate(() => {
        const box = document.querySelector('support-chat')!.shadowRoot!.querySelector('.launcher')!.getBoundingClientRect();
        return { right: innerWidth - box.right, bottom: innerHeight - box.bottom };
      });
    // In the corner, 20 px in (--support-chat-offset), not in the page's flow at its top left.
    await expect.poll(corner).toEqual({ right: 20, bottom: 20 });

    await page.evaluate(() => {
      document.getElementById('hostile')!.textContent = '* { font-size: 22px; line-height: 2.2; text-transform: uppercase; letter-spacing: 3px; color: #b00; }';
      document.documentElement.dir = 'rtl';
      (document.querySelector('support-chat') as HTMLElement & { open(): void }).open();
    });
    await expect.poll(() => page.getByRole('log').isVisible()).toBe(true);
    const inside = await page.evaluate(() => {
      const style = getComputedStyle(document.querySelector('support-chat')!.shadowRoot!.querySelector('[role=log]')!);
      return { fontSize: style.fontSize, textTransform: style.textTransform, letterSpacing: style.letterSpacing, direction: style.direction };
    });
    expect(inside).toEqual({ fontSize: '15px', textTransform: 'none', letterSpacing: 'normal', direction: 'ltr' });
    expect(await corner()).toEqual({ right: 20, bottom: 20 });
    await page.screenshot({ path: screenshotPath('widget-on-hostile-page-css') });
  });

  it('takes its text size from --support-chat-font-size, and lays each message out in its own direction', async () => {
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'support-chat { --support-chat-font-size: 18px; }';
      document.head.append(style);
    });
    await mount({ server: server.url, open: '' });
    const arabic = 'أين طلبي؟ رقم الطلب ١٢٣٤';
    await page.evaluate((text) => (document.querySelector('support-chat') as HTMLElement & { send(t: string): boolean }).send(text), arabic);
    const bubbles = () =>
      page.evaluate(() =>
        Array.from(document.querySelector('support-chat')!.shadowRoot!.querySelectorAll('.msg:not(.streaming) .bubble')).map((b) => {
          const style = getComputedStyle(b);
          return { author: b.parentElement!.classList[1], direction: style.direction, align: style.textAlign };
        }),
      );
    // The greeting, then the visitor's Arabic right to left in an English panel, then the
    // assistant's English answer left to right.
    await expect.poll(async () => (await bubbles()).map((b) => `${b.author} ${b.direction}`)).toEqual(['ai ltr', 'visitor rtl', 'ai ltr']);
    expect((await bubbles())[1]!.align).toBe('start');
    const sizes = await page.evaluate(() => {
      const root = document.querySelector('support-chat')!.shadowRoot!;
      return [root.querySelector('[role=log]')!, root.querySelector('#input')!].map((e) => getComputedStyle(e).fontSize);
    });
    expect(sizes).toEqual(['18px', '18px']);
    // A size the browser refuses loses only the size: the site's font stays (one shorthand
    // dropped both).
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'support-chat { --support-chat-font-size: big; --support-chat-font: Georgia, serif; }';
      document.head.append(style);
    });
    const family = await page.evaluate(() => getComputedStyle(document.querySelector('support-chat')!.shadowRoot!.querySelector('[role=log]')!).fontFamily);
    expect(family).toBe('Georgia, serif');
    // What the visitor types, too, as they type it.
    const composer = page.locator('support-chat #input');
    await composer.fill(arabic);
    expect(await composer.evaluate((e) => e.matches(':dir(rtl)'))).toBe(true);
    await page.screenshot({ path: screenshotPath('widget-rtl-message-font-size') });
    expect(pageErrors).toEqual([]);
  });

  it("says the chat is not available on a site the server does not allow, and takes nothing to send", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-life-'));
    const elsewhere = await startServerProcess({ DATA_DIR: dir, ALLOWED_ORIGINS: 'https://shop.example.com' });
    try {
      await mount({ server: elsewhere.url, open: '' });
      await expect.poll(() => page.locator('support-chat [role=alert]').textContent()).toContain("isn't available on this website");
      // Typing into a chat that cannot send would lose what was typed: the composer says so by being off.
      expect(await page.locator('support-chat #input').isDisabled()).toBe(true);
      expect(await page.locator('support-chat button[type=submit]').isDisabled()).toBe(true);
      // Opened again, focus goes where it can do something: the close button, not the dead field.
      await page.locator('support-chat .close').click();
      await page.locator('support-chat .launcher').click();
      await expect
        .poll(() => page.evaluate(() => document.querySelector('support-chat')!.shadowRoot!.activeElement?.className))
        .toContain('close');
      await page.screenshot({ path: screenshotPath('widget-site-not-allowed') });
    } finally {
      await elsewhere.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps one socket per element when a page has two', async () => {
    await mount({ server: server.url, open: '' });
    await mount({ server: second.url, open: '' });
    await expect.poll(() => open().length).toBe(2);
    await page.evaluate(() => document.querySelectorAll('support-chat').forEach((e) => e.remove()));
    await expect.poll(() => open().length).toBe(0);
    expect(pageErrors).toEqual([]);
    // Two servers are two chats: nothing to warn about.
    expect(warnings.filter((w) => w.includes('same server'))).toEqual([]);
  });

  it('warns once, naming the server, when several elements on a page point at the same server', async () => {
    await mount({ server: server.url });
    await mount({ server: server.url });
    await mount({ server: `${server.url}/` });
    await page.evaluate(() => document.querySelectorAll('support-chat').forEach((e) => e.remove()));
    await mount({ server: server.url });
    await mount({ server: server.url });
    await page.waitForTimeout(100);
    const same = warnings.filter((w) => w.includes('same server'));
    expect(same).toHaveLength(1);
    expect(same[0]).toContain(`<support-chat> elements on this page use the same server (${server.url}/)`);
    expect(pageErrors).toEqual([]);
  });
});

/** A single-page app's shell on its own origin (as on a customer's site) loading only the shipped bundle. */
async function serveAppShell(serverUrl: string): Promise<{ url: string; close(): void }> {
  const html =
    `<!doctype html><html lang="en"><head><script type="module" src="${serverUrl}/widget/support-chat.js"></script></head>` +
    `<body><main id="app"></main></body></html>`;
  const shell = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => shell.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(shell.address() as AddressInfo).port}/`, close: () => shell.close() };
}
