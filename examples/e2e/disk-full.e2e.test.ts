/**
 * Issue 11, "disk full", as a visitor lives it: the built widget on the demo page, the built
 * server on a real 16 MB tmpfs that a ballast file fills. The message written meanwhile stays on
 * the page and in localStorage, saying the server cannot save it yet, and the widget sends it
 * again by itself with backoff; once the space is freed (no restart) it lands, exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { connected, data, type VisitorClient } from '../../server/test/harness.js';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { mountSmallDiskOrThrow, skipWithoutSmallDisk, type SmallDisk } from '../../server/test/small-disk.js';
import { chromiumMissing, launchChromium, screenshotPath } from './browser.js';

const missing = chromiumMissing();
const noBrowser = missing !== null && process.env.CI !== 'true';
const noDisk = !noBrowser && skipWithoutSmallDisk('disk-full browser test');
const QUESTION = 'Where is my parcel? It has been a week.';

describe.skipIf(noBrowser || noDisk)('a visitor writing while the disk is full', () => {
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let small: SmallDisk;
  /** Every `message:send` of the question the page put on its WebSocket. */
  let attempts = 0;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    small = mountSmallDiskOrThrow(16);
    server = await startServerProcess({ DATA_DIR: small.dir, LOG_LEVEL: 'fatal' });
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        if (typeof payload === 'string' && payload.includes('"message:send"') && payload.includes(QUESTION)) attempts++;
      }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill();
    small?.remove();
  });

  it('keeps the message, retries it with backoff, and delivers it once when space is back', async () => {
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Your message' });
    const log = page.getByRole('log');
    await box.fill('How do I return an item?');
    await box.press('Enter');
    await expect.poll(() => log.getByRole('link').count(), { timeout: 10_000 }).toBeGreaterThan(0);

    small.fill();
    await box.fill(QUESTION);
    await box.press('Enter');
    await expect.poll(() => log.getByText("The server can't save messages right now").isVisible(), { timeout: 5000 }).toBe(true);
    const outboxKey = await page.evaluate(() => Object.keys(localStorage).find((k) => k.endsWith(':outbox')));
    expect(await page.evaluate((key) => localStorage.getItem(key!), outboxKey)).toContain(QUESTION);
    // Sent again by itself (after ~1 s, then ~2 s), not in a tight loop.
    await expect.poll(() => attempts, { timeout: 8000 }).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThan(6);
    await page.screenshot({ path: screenshotPath('disk-full-waiting') });

    small.free();
    await expect.poll(() => page.evaluate((key) => localStorage.getItem(key!), outboxKey), { timeout: 15_000 }).toBeNull();
    await expect.poll(() => log.getByText("The server can't save messages right now").count()).toBe(0);
    expect(await log.getByText(QUESTION).count()).toBe(1);
    await page.screenshot({ path: screenshotPath('disk-full-delivered') });

    // Stored exactly once, as the server tells the same visitor from scratch.
    const token = await page.evaluate(() => localStorage.getItem(Object.keys(localStorage).find((k) => k.endsWith(':token'))!));
    const visitor: VisitorClient = io(`${server.url}/visitor`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    await connected(visitor);
    const { messages } = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    visitor.disconnect();
    expect(messages.filter((m) => m.text === QUESTION)).toHaveLength(1);
  });
});
