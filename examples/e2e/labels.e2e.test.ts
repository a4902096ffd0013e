/**
 * Labels and the visitor's history in the console (issue 13): an agent labels a conversation
 * from the keyboard, filters the inbox by that label, and reads the visitor's earlier
 * conversation from the history list. Screenshot: test-results/e2e/labels-01-*.png; axe-core
 * must find nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath, signInToConsole } from './browser.js';

const missing = chromiumMissing();
const ADMIN = { email: 'labels@example.com', password: 'labels-password-123' };
const POLL = { timeout: 8000 };
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[] }> } }).axe.run(),
  );
  return result.violations.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

describe.skipIf(missing !== null && process.env.CI !== 'true')('labels and the visitor history in the console', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-labels-e2e-'));
    server = await startServerProcess({ DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("labels a conversation, filters the inbox by the label, and reads the visitor's earlier conversation", async () => {
    // axe-core is injected inline, which the pages' CSP refuses; security.e2e holds the CSP.
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', bypassCSP: true })).newPage();
    desk.setDefaultTimeout(8000);
    await signInToConsole(desk, server.url, ADMIN);

    // One visitor, two conversations: the first closed by the agent, then a new question.
    const visitor = await (await browser.newContext({ viewport: { width: 1000, height: 760 }, locale: 'en-US' })).newPage();
    visitor.setDefaultTimeout(8000);
    await visitor.goto(server.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const box = visitor.getByRole('textbox', { name: 'Your message' });
    await box.fill('My kettle leaks, I want to talk to a person');
    await box.press('Enter');
    const rows = desk.locator('support-console-inbox .row');
    await expect.poll(() => rows.count(), POLL).toBe(1);
    await rows.first().click();
    await desk.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => desk.locator('support-console-conversation .badge.closed').count(), POLL).toBe(1);
    await box.fill('Hello again, where is my refund? I want to talk to a person');
    await box.press('Enter');
    await desk.getByRole('tab', { name: /Mine/ }).click();
    const newRow = desk.locator('support-console-inbox .row', { hasText: 'Hello again' });
    await expect.poll(() => newRow.count(), POLL).toBe(1);
    await newRow.click();

    // Label it from the keyboard: the field normalises "Billing Issue" to billing-issue.
    const field = desk.getByRole('combobox', { name: 'Add a label' });
    await field.focus();
    await desk.keyboard.type('Billing Issue');
    await desk.keyboard.press('Enter');
    const chips = desk.locator('support-console-labels .label-chip');
    await expect.poll(() => chips.allTextContents(), POLL).toEqual([expect.stringContaining('billing-issue')]);
    await expect.poll(() => desk.locator('support-console-inbox .row .label-chip').allTextContents(), POLL).toEqual(['billing-issue']);

    // Filter the inbox by it: only the labelled conversation is listed.
    const filter = desk.getByRole('combobox', { name: 'Filter by label' });
    await expect.poll(() => filter.locator('option').allTextContents(), POLL).toContain('billing-issue (1)');
    await filter.selectOption('billing-issue');
    await expect.poll(() => desk.getByRole('status').filter({ hasText: 'label' }).textContent(), POLL).toBe('1 conversation for label “billing-issue”');
    expect(await desk.locator('support-console-inbox .results .row').count()).toBe(1);

    // Someone else labels it too (another agent's console; here a second tab): the filter here
    // offers the new label at once, no reload.
    const other = await desk.context().newPage();
    other.setDefaultTimeout(8000);
    await other.goto(`${server.url}/console`);
    await other.getByRole('tab', { name: /Mine/ }).click();
    await other.locator('support-console-inbox .row', { hasText: 'Hello again' }).click();
    const otherField = other.getByRole('combobox', { name: 'Add a label' });
    await otherField.focus();
    await other.keyboard.type('vip');
    await other.keyboard.press('Enter');
    await expect.poll(() => filter.locator('option').allTextContents(), POLL).toContain('vip (1)');
    await other.close();

    // The visitor's earlier conversation, with its first question; opened read-only.
    const history = desk.locator('support-console-history');
    await expect.poll(() => history.locator('.entry').allTextContents(), POLL).toEqual([expect.stringContaining('My kettle leaks')]);
    await desk.screenshot({ path: screenshotPath('labels-01-labelled-filtered-history') });
    expect(await axe(desk)).toEqual([]);
    await history.locator('.entry').first().click();
    const dialog = desk.getByRole('dialog');
    await expect.poll(() => dialog.textContent(), POLL).toContain('My kettle leaks, I want to talk to a person');
    // Rendered as the open transcript is: who in words ("Visitor", not the raw author), the events as lines.
    expect(await dialog.locator('.item.visitor .meta-row span').first().textContent()).toBe('Visitor');
    expect(await dialog.locator('.item.event').count()).toBeGreaterThan(0);
    await desk.screenshot({ path: screenshotPath('labels-02-history-transcript') });
    expect(await axe(desk)).toEqual([]);
    await desk.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), POLL).toBe(0);
  });
});
