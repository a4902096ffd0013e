/**
 * The examples a developer copies (examples/html, react, vue), as `npm run build` built them with
 * esbuild from the workspace's @support-chat/widget package: each page is served on its own origin
 * and opened in Chromium against the built server; the widget appears, opens from the page's own
 * button, and the chat answers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium } from './browser.js';
import { serveFolder } from './static-site.js';

const missing = chromiumMissing();
const EXAMPLES = ['html', 'react', 'vue'] as const;

describe.skipIf(missing !== null && process.env.CI !== 'true')('the framework examples, built', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    for (const name of EXAMPLES) {
      if (!fs.existsSync(path.join(REPO_ROOT, 'examples', name, 'dist', 'main.js'))) throw new Error(`examples/${name} is not built: run \`npm run build\``);
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-examples-'));
    [server, browser] = await Promise.all([startServerProcess({ DATA_DIR: dataDir }), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(EXAMPLES)('%s: the widget appears, opens from the page, and answers', async (name) => {
    const site = await serveFolder(path.join(REPO_ROOT, 'examples', name));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // (The static host has no favicon.ico: the browser's own request for it is not the page's error.)
    page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(`${m.text()} ${m.location().url}`));
    try {
      await page.goto(`${site.url}?server=${encodeURIComponent(server.url)}`);
      await expect.poll(() => page.getByRole('button', { name: 'Open chat' }).isVisible(), { timeout: 5000 }).toBe(true);
      if (name !== 'html') {
        // The framework's own binding of the element's event (React 19: onsupport-chat-unread,
        // Vue: @support-chat-unread) reaches the app's state.
        await page.locator('support-chat').evaluate((el) => el.dispatchEvent(new CustomEvent('support-chat-unread', { detail: { count: 2 } })));
        await expect.poll(() => page.getByRole('button', { name: /^Ask us/ }).textContent(), { timeout: 5000 }).toBe('Ask us (2 new)');
      }
      await page.getByRole('button', { name: /^Ask us/ }).click();
      const box = page.getByRole('textbox', { name: 'Your message' });
      await box.fill('How do I return an item?');
      await box.press('Enter');
      const log = page.getByRole('log');
      await expect.poll(async () => (await log.textContent())?.toLowerCase(), { timeout: 10_000 }).toMatch(/how do i return an item\?.*return/s);
      await expect.poll(() => log.getByRole('link').count(), { timeout: 5000 }).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await site.close();
    }
  });
});
