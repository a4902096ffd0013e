/**
 * Sessions end in front of the agent (issue 11), in a real browser: an admin resets an agent's
 * password and then deactivates them from the Agents page; each time the agent's open console
 * returns to the sign-in form and says why. A deactivated agent cannot sign in until reactivated.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath, signInToConsole, submitConsoleLogin } from './browser.js';

const missing = chromiumMissing();
const ADMIN = { email: 'lead@example.com', password: 'lead-password-123' };
const DORA = { email: 'dora@example.com', password: 'dora-password-456', name: 'Dora' };
const POLL = { timeout: 8000 };

describe.skipIf(missing !== null && process.env.CI !== 'true')('ending an agent’s sessions from the console, in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let lead: Page;
  let dora: Page;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-sessions-e2e-'));
    server = await startServerProcess({ DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchChromium();
    const context = () => browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    lead = await (await context()).newPage();
    dora = await (await context()).newPage();
    for (const page of [lead, dora]) page.setDefaultTimeout(8000);
    // Deactivating asks for confirmation.
    lead.on('dialog', (dialog) => void dialog.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs the agent out with the reason when an admin resets their password', async () => {
    await signInToConsole(lead, server.url, ADMIN);
    await lead.getByRole('link', { name: 'Agents' }).click();
    const add = lead.getByRole('region', { name: 'Add an agent' });
    await add.getByLabel('Name').fill(DORA.name);
    await add.getByLabel('Email').fill(DORA.email);
    await add.getByLabel('Password').fill(DORA.password);
    await add.getByRole('button', { name: 'Add agent' }).click();
    const row = lead.getByRole('row', { name: new RegExp(DORA.email) });
    await expect.poll(() => row.isVisible(), POLL).toBe(true);

    await signInToConsole(dora, server.url, DORA);
    await row.getByRole('button', { name: 'Reset password' }).click();
    await row.getByLabel(`New password for ${DORA.name}`).fill('dora-new-password-789');
    await row.getByRole('button', { name: 'Set' }).click();
    await expect.poll(() => dora.getByText('You were signed out: your password was changed.').isVisible(), POLL).toBe(true);
    expect(await dora.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    DORA.password = 'dora-new-password-789';
  });

  it('signs the agent out when deactivated, refuses their sign-in, and lets them back once reactivated', async () => {
    await signInToConsole(dora, server.url, DORA);
    const row = lead.getByRole('row', { name: new RegExp(DORA.email) });
    await row.getByRole('button', { name: `Deactivate ${DORA.name}` }).click();
    await expect.poll(() => lead.getByText(`Deactivated ${DORA.name}.`).isVisible(), POLL).toBe(true);
    await expect.poll(() => row.textContent(), POLL).toMatch(/Deactivated/);
    await expect.poll(() => dora.getByText('You were signed out: an admin deactivated your account.').isVisible(), POLL).toBe(true);
    await dora.screenshot({ path: screenshotPath('sessions-01-signed-out') });
    await lead.screenshot({ path: screenshotPath('sessions-02-agents-deactivated') });

    await submitConsoleLogin(dora, DORA);
    await expect.poll(() => dora.getByRole('alert').textContent(), POLL).toMatch(/deactivated/);

    await row.getByRole('button', { name: `Reactivate ${DORA.name}` }).click();
    await expect.poll(() => lead.getByText(`Reactivated ${DORA.name}`).isVisible(), POLL).toBe(true);
    await submitConsoleLogin(dora, DORA);
    await expect.poll(() => dora.getByRole('tablist', { name: 'Inbox sections' }).isVisible(), POLL).toBe(true);
  });
});
