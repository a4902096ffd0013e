/**
 * The audit log and a visitor's data in the console, in a real browser (issue 11): the admin
 * takes over a visitor's chat, downloads the visitor's data, erases it after confirming, and
 * finds the three actions in the audit log, filtered by action. The other visitor's chat stays.
 * Screenshots land in test-results/e2e/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { VisitorExport } from '@support-chat/shared';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath, signInToConsole } from './browser.js';

const missing = chromiumMissing();
const ADMIN = { email: 'lead@example.com', password: 'lead-password-123' };
const POLL = { timeout: 8000 };

async function openVisitor(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  await page.goto(url);
  await page.getByRole('button', { name: 'Open chat' }).click();
  return page;
}

async function ask(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Your message' });
  await box.fill(text);
  await box.press('Enter');
}

async function tabCount(page: Page, label: string): Promise<number> {
  const text = await page.getByRole('tab', { name: new RegExp(label) }).textContent();
  return Number(/\d+/.exec(text ?? '')?.[0] ?? NaN);
}

describe.skipIf(missing !== null && process.env.CI !== 'true')('the audit log and visitor data in the console, in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let lead: Page;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-privacy-e2e-'));
    server = await startServerProcess({ DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', acceptDownloads: true });
    lead = await context.newPage();
    lead.setDefaultTimeout(8000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports and erases one visitor from the visitor panel, and shows it all in the audit log', async () => {
    await signInToConsole(lead, server.url, ADMIN);

    const ada = await openVisitor(browser, server.url);
    const bo = await openVisitor(browser, server.url);
    await ask(ada, 'My order Z-777 is late, my email is ada@private.example');
    await ask(bo, 'What are your opening hours?');
    await expect.poll(() => tabCount(lead, 'AI-handled'), POLL).toBe(2);
    const search = lead.getByRole('searchbox', { name: 'Search conversations' });
    const results = lead.getByRole('region', { name: 'Search results' });
    await search.fill('Z-777');
    await search.press('Enter');
    await expect.poll(() => results.getByRole('status').textContent(), POLL).toBe('1 conversation for “Z-777”');
    await results.getByRole('button').first().click();
    await lead.getByRole('button', { name: 'Take over' }).click();
    await expect.poll(() => tabCount(lead, 'Mine'), POLL).toBe(1);
    await lead.getByRole('button', { name: 'Clear' }).click();

    // The export downloads as a JSON file with Ada's messages and nothing of Bo's.
    const panel = lead.getByRole('complementary', { name: 'Visitor details' });
    const [download] = await Promise.all([lead.waitForEvent('download'), panel.getByRole('link', { name: 'Export data (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^visitor-[\w-]+\.json$/);
    const file = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as VisitorExport;
    expect(file.conversations).toHaveLength(1);
    expect(file.conversations[0]!.messages.map((m) => m.text)).toContain('My order Z-777 is late, my email is ada@private.example');
    expect(JSON.stringify(file)).not.toContain('opening hours');

    // Erasing asks first; cancelling keeps everything.
    await panel.getByRole('button', { name: 'Erase visitor data…' }).click();
    const confirm = panel.getByRole('alertdialog');
    await expect.poll(() => confirm.textContent(), POLL).toContain('This cannot be undone.');
    await lead.screenshot({ path: screenshotPath('privacy-01-erase-confirm') });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await tabCount(lead, 'Mine')).toBe(1);
    await panel.getByRole('button', { name: 'Erase visitor data…' }).click();
    await panel.getByRole('alertdialog').getByRole('button', { name: 'Erase permanently' }).click();
    await expect.poll(() => panel.getByRole('status').textContent(), POLL).toMatch(/^Erased 1 conversations and \d+ messages of visitor /);
    await expect.poll(() => tabCount(lead, 'Mine'), POLL).toBe(0);
    await expect.poll(() => lead.getByText('No conversation open').isVisible(), POLL).toBe(true);
    // Ada's own page lets go of it too, within moments: her chat starts afresh.
    await expect.poll(() => ada.getByRole('log').textContent(), { timeout: 3000 }).not.toContain('Z-777');
    expect(await bo.getByRole('log').textContent()).toContain('opening hours');

    // Console search finds nothing of Ada, and still finds Bo.
    await search.fill('Z-777');
    await search.press('Enter');
    await expect.poll(() => results.getByRole('status').textContent(), POLL).toMatch(/^0 conversations/);
    await search.fill('opening hours');
    await search.press('Enter');
    await expect.poll(() => results.getByRole('status').textContent(), POLL).toBe('1 conversation for “opening hours”');
    await lead.getByRole('button', { name: 'Clear' }).click();

    // The audit log page: newest first, with who did it; filtered to one action.
    await lead.getByRole('link', { name: 'Audit log' }).click();
    const table = lead.getByRole('table', { name: 'Audit log' });
    await expect.poll(() => table.getByRole('row').count(), POLL).toBeGreaterThanOrEqual(5);
    const actions = async () => (await table.getByRole('row').allTextContents()).slice(1, 4).map((row) => /Erased|Exported|Claimed/.exec(row)?.[0]);
    await expect.poll(actions, POLL).toEqual(['Erased', 'Exported', 'Claimed']);
    expect(await table.getByRole('row').nth(1).textContent()).toMatch(/Admin.*Erased visitor data.*Visitor.*conversations: 1/s);
    expect(await table.textContent()).not.toContain('Z-777');
    await lead.screenshot({ path: screenshotPath('privacy-02-audit-log') });
    await lead.getByLabel('Action').selectOption({ label: 'Claimed a conversation' });
    await expect.poll(() => table.getByRole('row').count(), POLL).toBe(2);
    expect(await table.getByRole('row').nth(1).textContent()).toMatch(/Admin.*Claimed a conversation.*Conversation/s);
  });
});
