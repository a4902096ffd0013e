/** Debian's Chromium driven by playwright-core: no browser download, the flags this sandbox needs. */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../server/test/server-process.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');

/** Present, or the reason the browser suite cannot run (it fails under CI=true, skips loudly elsewhere). */
export function chromiumMissing(): string | null {
  if (fs.existsSync(CHROMIUM_PATH)) return null;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (process.env.CI !== 'true') console.warn(`\n!! browser tests SKIPPED: ${reason}\n`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, `${name}.png`);
}

export interface ConsoleAccount {
  email: string;
  password: string;
}

/** Fills and sends the console's sign-in form, on a page that shows it. */
export async function submitConsoleLogin(page: Page, who: ConsoleAccount): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the console (at `hash`, if given) and signs in; resolves once the inbox shows. */
export async function signInToConsole(page: Page, url: string, who: ConsoleAccount, hash = ''): Promise<void> {
  await page.goto(`${url}/console${hash}`);
  await submitConsoleLogin(page, who);
  await expect.poll(() => page.getByRole('tablist', { name: 'Inbox sections' }).isVisible(), { timeout: 10_000 }).toBe(true);
}
