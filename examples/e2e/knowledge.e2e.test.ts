/**
 * Knowledge in the console, in a real browser (issue 14): an admin adds an entry with an alternate
 * phrasing on the Knowledge page; a visitor in the widget asks in the words of that phrasing and
 * the AI answers with the entry at once, no restart. The page then counts the answer and lists the
 * question. Screenshots land in test-results/e2e/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath, signInToConsole } from './browser.js';

const missing = chromiumMissing();
const ADMIN = { email: 'lead@example.com', password: 'lead-password-123' };
const POLL = { timeout: 8000 };

describe.skipIf(missing !== null && process.env.CI !== 'true')('knowledge in the console, in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let lead: Page;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-knowledge-e2e-'));
    server = await startServerProcess({ DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    lead = await context.newPage();
    lead.setDefaultTimeout(8000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an admin adds an entry with a phrasing, and a visitor asking in those words gets the answer', async () => {
    await signInToConsole(lead, server.url, ADMIN);
    await lead.getByRole('link', { name: 'Knowledge' }).click();
    const rows = lead.getByRole('row');
    await expect.poll(() => rows.count(), POLL).toBeGreaterThan(50);
    // Entries from files are there, read-only, with their file.
    const fileRow = lead.locator('tr', { hasText: 'Which countries do you ship to?' });
    expect(await fileRow.textContent()).toContain('en/shipping.md');
    expect(await fileRow.getByText('Read-only').isVisible()).toBe(true);

    await lead.getByRole('button', { name: 'Add an entry' }).click();
    const form = lead.getByRole('form', { name: 'New entry' });
    await form.getByLabel('Question').fill('Do you offer gift wrapping?');
    await form.getByLabel('Alternate phrasings').fill('Can you wrap my order as a present?\nCan I add a gift note?');
    await form.getByLabel('Answer').fill('Yes: choose **gift wrap** at checkout ($4.95), and add a note of up to 200 characters.');
    await form.getByLabel('Tags').fill('gifts, checkout');
    await form.getByRole('button', { name: 'Add' }).click();
    const knowledgePage = lead.locator('support-console-admin-knowledge');
    await expect.poll(() => knowledgePage.getByRole('status').textContent(), POLL).toContain('Saved “Do you offer gift wrapping?”');
    await lead.screenshot({ path: screenshotPath('knowledge-01-added') });

    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US' });
    const visitor = await context.newPage();
    visitor.setDefaultTimeout(8000);
    await visitor.goto(server.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const box = visitor.getByRole('textbox', { name: 'Your message' });
    await box.fill('can you wrap my order as a present?');
    await box.press('Enter');
    await expect.poll(() => visitor.getByRole('log').textContent(), POLL).toContain('gift wrap at checkout ($4.95)');
    await visitor.screenshot({ path: screenshotPath('knowledge-02-answered') });

    // The page counts the answer and lists the visitor's question under the entry.
    await lead.getByRole('searchbox', { name: 'Search the knowledge' }).fill('gift wrapping');
    await lead.getByRole('button', { name: 'Search' }).click();
    const mine = lead.locator('tr[data-entry^="console#"]');
    await expect.poll(() => mine.locator('td.num').first().textContent(), POLL).toBe('1');
    await mine.locator('summary').click();
    await expect.poll(() => mine.textContent(), POLL).toContain('can you wrap my order as a present?');
    await context.close();
  });

  it('tells an agent the admins have not let agents manage the knowledge, with nothing on the page that would be refused', async () => {
    const agent = { email: 'kim@example.com', password: 'kim-password-123' };
    const created = await lead.evaluate(
      (body) => fetch('/api/admin/agents', { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.status),
      JSON.stringify({ ...agent, name: 'Kim', capacity: 3 }),
    );
    expect(created).toBe(201);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    await signInToConsole(page, server.url, agent);
    await page.getByRole('link', { name: 'Knowledge' }).click();
    const knowledgePage = page.locator('support-console-admin-knowledge');
    await expect.poll(() => knowledgePage.getByRole('status').textContent(), POLL).toContain('Only admins manage the knowledge here');
    expect(await knowledgePage.getByRole('button', { name: 'Add an entry' }).count()).toBe(0);
    expect(await knowledgePage.getByRole('link', { name: /Export/ }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('knowledge-03-agent-not-allowed') });
    await context.close();
  });
});
