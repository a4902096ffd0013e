/**
 * The console as a new team first meets it (issue 13): default routing assigns the waiting
 * visitors on sign-in, so the console must open where the work is (Mine), the inbox rows must
 * show what people said (never a system line or a note), the console must work on a 360 px
 * phone (one column, list and conversation as two screens, the visitor behind a button), and
 * axe-core must find nothing on any page at desktop and phone width. Screenshots land in
 * test-results/e2e/ (console-u-*): look at them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath, signInToConsole } from './browser.js';

const missing = chromiumMissing();
const ADMIN = { email: 'lead@example.com', password: 'lead-password-123' };
const POLL = { timeout: 8000 };
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1440, height: 900 };
/** What each visitor writes: one line each, so a row's preview is known. */
const WORDS = ['Where is my parcel 4711? I want to talk to a person', 'My kettle leaks, I want to talk to a person', 'Can I change my address? I want to talk to a person'];

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[];
}

async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run());
  return result.violations.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** Signs the admin in, at `hash` if given. */
function signIn(page: Page, url: string, hash = ''): Promise<void> {
  return signInToConsole(page, url, ADMIN, hash);
}

async function selectedTab(page: Page): Promise<string> {
  return (await page.getByRole('tab', { selected: true }).textContent())?.replace(/\s+/g, ' ').trim() ?? '';
}

/** The tab's count, as the inbox shows it ("Mine" → 3). */
async function tabCount(page: Page, label: string): Promise<number> {
  const text = await page.getByRole('tab', { name: new RegExp(label) }).textContent();
  return Number(/\d+/.exec(text ?? '')?.[0] ?? NaN);
}

/** The inbox rows' previews, in order. */
function previews(page: Page): Promise<string[]> {
  return page.locator('support-console-inbox .preview').allTextContents();
}

/**
 * What sticks out to the right of the viewport: the document's own overflow, and any visible
 * element (through shadow roots) whose box ends past the edge without a scrolling ancestor.
 */
function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const width = window.innerWidth;
    if (document.scrollingElement!.scrollWidth > width) found.push(`document ${document.scrollingElement!.scrollWidth} > ${width}`);
    const walk = (root: Element | ShadowRoot, scroller: boolean) => {
      for (const el of Array.from(root.children)) {
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        const rect = el.getBoundingClientRect();
        if (!scroller && rect.width > 0 && rect.right > width + 1) {
          const host = (el.getRootNode() as ShadowRoot).host?.tagName.toLowerCase() ?? 'document';
          found.push(`${host} ${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} right ${Math.round(rect.right)} > ${width}`);
        }
        const scrolls = scroller || ['auto', 'scroll'].includes(style.overflowX);
        if (el.shadowRoot) walk(el.shadowRoot, scrolls);
        walk(el, scrolls);
      }
    };
    walk(document.documentElement, false);
    return found.slice(0, 12);
  });
}

async function openVisitor(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  await page.goto(url);
  await page.getByRole('button', { name: 'Open chat' }).click();
  return page;
}

describe.skipIf(missing !== null && process.env.CI !== 'true')('the console on first sign-in, on a phone, and for axe-core', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let desk: Page;
  let phoneContext: BrowserContext;
  let phone: Page;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-console-u-e2e-'));
    // Default routing: automatic assignment.
    server = await startServerProcess({ DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchChromium();
    // axe-core is injected inline, which the pages' CSP refuses; security.e2e holds the CSP.
    const deskContext = await browser.newContext({ viewport: DESKTOP, locale: 'en-US', bypassCSP: true });
    desk = await deskContext.newPage();
    phoneContext = await browser.newContext({ viewport: PHONE, locale: 'en-US', bypassCSP: true, isMobile: true, hasTouch: true });
    phone = await phoneContext.newPage();
    for (const page of [desk, phone]) page.setDefaultTimeout(8000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens on Mine when default routing gave the agent the waiting visitors; a hash the agent chose wins', async () => {
    await signIn(desk, server.url);
    for (const words of WORDS) {
      const visitor = await openVisitor(browser, server.url);
      const box = visitor.getByRole('textbox', { name: 'Your message' });
      await box.fill(words);
      await box.press('Enter');
    }
    await expect.poll(() => tabCount(desk, 'Mine'), POLL).toBe(3);
    await desk.reload();
    await expect.poll(() => tabCount(desk, 'Mine'), POLL).toBe(3);
    expect(await selectedTab(desk)).toMatch(/Mine/);
    await desk.screenshot({ path: screenshotPath('console-u-01-opens-on-mine') });

    // The agent picks a tab: it goes in the address, and a reload keeps it.
    await desk.getByRole('tab', { name: /Queued/ }).click();
    expect(new URL(desk.url()).hash).toBe('#queued');
    await desk.reload();
    await expect.poll(() => tabCount(desk, 'Mine'), POLL).toBe(3);
    expect(await selectedTab(desk)).toMatch(/Queued/);
    await desk.getByRole('tab', { name: /Mine/ }).click();

    // A conversation opened in the tab: both are in the address, and a reload keeps both (the
    // tab alone was kept, and the conversation lost: a probe).
    await desk.locator('support-console-inbox .row').first().click();
    await expect.poll(() => new URL(desk.url()).hash, POLL).toMatch(/^#mine&c=[\w-]+$/);
    await desk.reload();
    await expect.poll(() => desk.getByRole('log', { name: 'Transcript' }).isVisible(), POLL).toBe(true);
    expect(await selectedTab(desk)).toMatch(/Mine/);
    await desk.keyboard.press('2');
    expect(new URL(desk.url()).hash).toMatch(/&c=[\w-]+$/);

    // Another conversation's link put in the address of the open console opens it, and Back
    // returns to the one before (the old one had stayed on screen, and Back skipped them: a probe).
    await desk.getByRole('tab', { name: /Mine/ }).click();
    const rows = desk.locator('support-console-inbox .row');
    await rows.nth(0).click();
    const first = /c=([\w-]+)$/.exec(new URL(desk.url()).hash)![1]!;
    await rows.nth(1).click();
    await expect.poll(() => /c=([\w-]+)$/.exec(new URL(desk.url()).hash)?.[1], POLL).not.toBe(first);
    const second = /c=([\w-]+)$/.exec(new URL(desk.url()).hash)![1]!;
    const transcript = desk.getByRole('log', { name: 'Transcript' });
    const shownId = () => desk.evaluate(() => (document.querySelector('support-console') as unknown as { view?: { openId?: string } } | null)?.view?.openId);
    await desk.goBack();
    await expect.poll(() => new URL(desk.url()).hash, POLL).toMatch(new RegExp(`c=${first}$`));
    await expect.poll(shownId, POLL).toBe(first);
    await desk.evaluate((id) => (location.hash = `#c=${id}`), second);
    await expect.poll(shownId, POLL).toBe(second);
    await expect.poll(() => transcript.isVisible(), POLL).toBe(true);
    // An address that names no conversation (Back to the list as it was): none is open.
    await desk.evaluate(() => (location.hash = '#mine'));
    await expect.poll(shownId, POLL).toBeNull();
    await expect.poll(() => transcript.count(), POLL).toBe(0);
    await desk.goBack();
    await expect.poll(shownId, POLL).toBe(second);
  });

  it('previews what the visitor or the agent said last, never a system line or a note, also live', async () => {
    await expect.poll(() => previews(desk), POLL).toHaveLength(3);
    const shown = await previews(desk);
    for (const words of WORDS) expect(shown.some((p) => words.startsWith(p.replace(/…$/, '')))).toBe(true);
    expect(shown.join(' ')).not.toMatch(/System:|joined/);

    await desk.locator('support-console-inbox .row').first().click();
    const reply = desk.getByRole('textbox', { name: 'Reply to the visitor' });
    // "/" with no canned replies, and a paste that reaches the limit, say so (a probe saw nothing, and a cut paste).
    const hint = desk.locator('support-console-composer #hint');
    await reply.fill('/');
    await reply.press('End');
    await expect.poll(() => hint.textContent(), POLL).toContain('No canned replies yet');
    await reply.fill('x'.repeat(5000));
    await expect.poll(() => hint.textContent(), POLL).toContain('The most a message holds');
    expect((await reply.inputValue()).length).toBe(4000);
    await reply.fill('Let me check that for you.');
    await reply.press('Enter');
    await expect.poll(async () => (await previews(desk))[0], POLL).toBe('Agent: Let me check that for you.');
    await desk.getByRole('button', { name: 'Internal note' }).click();
    const note = desk.getByRole('textbox', { name: /Internal note/ });
    await note.fill('Asked the warehouse.');
    await note.press('Enter');
    await expect.poll(() => desk.getByRole('log', { name: 'Transcript' }).textContent(), POLL).toContain('Asked the warehouse.');
    expect((await previews(desk))[0]).toBe('Agent: Let me check that for you.');
    // After a reload the server computes the row: same rule.
    await desk.reload();
    await expect.poll(() => previews(desk), POLL).toContain('Agent: Let me check that for you.');
    expect((await previews(desk)).join(' ')).not.toMatch(/System:|joined|Note:/);
  });

  it('works on a 360 px phone: the list, then the conversation with a back button, the visitor behind a button', async () => {
    await phone.goto(`${server.url}/console`);
    await expect.poll(() => phone.getByLabel('Email').isVisible(), POLL).toBe(true);
    expect(await overflow(phone)).toEqual([]);
    await signIn(phone, server.url);
    await expect.poll(() => tabCount(phone, 'Mine'), POLL).toBe(3);
    expect(await selectedTab(phone)).toMatch(/Mine/);
    await phone.screenshot({ path: screenshotPath('console-u-02-phone-inbox') });
    expect(await overflow(phone)).toEqual([]);

    await phone.locator('support-console-inbox .row').nth(1).click();
    const log = phone.getByRole('log', { name: 'Transcript' });
    await expect.poll(() => log.textContent(), POLL).toContain('talk to a person');
    // One screen at a time: the list made way for the conversation.
    expect(await phone.getByRole('tablist', { name: 'Inbox sections' }).isVisible()).toBe(false);
    const bubble = log.locator('.bubble').first();
    expect((await bubble.boundingBox())!.width).toBeGreaterThan(200);
    const reply = phone.getByRole('textbox', { name: 'Reply to the visitor' });
    await reply.fill('Hello from my phone, I am looking into it.');
    await reply.press('Enter');
    await expect.poll(() => log.textContent(), POLL).toContain('Hello from my phone');
    await phone.screenshot({ path: screenshotPath('console-u-03-phone-conversation') });
    expect(await overflow(phone)).toEqual([]);

    await phone.getByRole('button', { name: 'Visitor details' }).click();
    await expect.poll(() => phone.getByRole('complementary', { name: 'Visitor details' }).isVisible(), POLL).toBe(true);
    expect(await log.isVisible()).toBe(false);
    await phone.screenshot({ path: screenshotPath('console-u-04-phone-visitor') });
    expect(await overflow(phone)).toEqual([]);
    await phone.getByRole('button', { name: 'Back to the conversation' }).click();
    await expect.poll(() => log.isVisible(), POLL).toBe(true);

    await phone.getByRole('button', { name: 'Back to the inbox' }).click();
    await expect.poll(() => phone.getByRole('tablist', { name: 'Inbox sections' }).isVisible(), POLL).toBe(true);
    expect(await log.isVisible()).toBe(false);
    // The keyboard still moves through the list (j opens the next conversation).
    await phone.keyboard.press('j');
    await expect.poll(() => log.isVisible(), POLL).toBe(true);
  });

  it('has no axe-core violations on the inbox, a conversation, the reports and every admin page, desktop and phone', async () => {
    const found: Record<string, string[]> = {};
    for (const [device, page] of [['desktop', desk], ['phone', phone]] as const) {
      const stranger = await browser.newPage({ viewport: device === 'phone' ? PHONE : DESKTOP, bypassCSP: true });
      await stranger.goto(`${server.url}/console`);
      await expect.poll(() => stranger.getByLabel('Email').isVisible(), POLL).toBe(true);
      found[`${device} sign-in`] = await axe(stranger);
      await stranger.close();
      await page.goto(`${server.url}/console`);
      await expect.poll(() => page.getByRole('tablist', { name: 'Inbox sections' }).isVisible(), POLL).toBe(true);
      found[`${device} inbox`] = await axe(page);
      await page.locator('support-console-inbox .row').first().click();
      await expect.poll(() => page.getByRole('log', { name: 'Transcript' }).isVisible(), POLL).toBe(true);
      found[`${device} conversation`] = await axe(page);
      if (device === 'phone') {
        await page.getByRole('button', { name: 'Visitor details' }).click();
        found[`${device} visitor details`] = await axe(page);
        await page.getByRole('button', { name: 'Back to the conversation' }).click();
      }
      // Every page the top bar offers an admin, whatever it holds.
      const pages = await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents();
      expect(pages.length).toBeGreaterThanOrEqual(6);
      for (const name of pages.slice(1)) {
        await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).click();
        await expect.poll(() => page.getByRole('tablist', { name: 'Inbox sections' }).count(), POLL).toBe(0);
        await page.waitForLoadState('networkidle');
        await page.screenshot({ path: screenshotPath(`console-u-05-${device}-${name.toLowerCase().replace(/\W+/g, '-')}`) });
        found[`${device} ${name}`] = await axe(page);
        if (device === 'phone') found[`${device} ${name} overflow`] = await overflow(page);
      }
    }
    expect(Object.entries(found).filter(([, v]) => v.length > 0)).toEqual([]);
  });
});
