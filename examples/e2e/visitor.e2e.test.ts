/**
 * "The visitor must never stumble" (issue 12), on the built widget in Chromium: the hand-off
 * after two unanswered questions says why and keeps the suggestions it offered; with nobody
 * online a visitor is offered to leave a message; a long answer opens at its start; the mobile
 * text box does not make iOS zoom; axe-core finds nothing in any state, in either language, on
 * desktop or phone; focus stays in the full-screen panel; the site can move or hide the
 * launcher. The model is the fake OpenAI endpoint, so answers can be long, slow or stalled.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { HTTP_ROUTES, SESSION_COOKIE, type AgentClientEvents, type AgentServerEvents, type AckResult, type RoutingSettings } from '@support-chat/shared';
import { NO_ANSWER } from '../../server/src/ai/prompt.js';
import { SqliteStore } from '../../server/src/store/sqlite-store.js';
import { createFakeOpenAI, type FakeOpenAI } from '../../server/test/fake-openai.js';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath } from './browser.js';

const missing = chromiumMissing();
const ADMIN = { email: 'visitor-e2e@example.com', password: 'e2e-password-123' };
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
/** An iPhone SE's CSS viewport: the widget's full-screen layout (≤ 480 px). */
const PHONE: BrowserContextOptions = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true };
const LONG_ANSWER = [
  'Here is how to return an item [1]:',
  ...Array.from({ length: 9 }, (_, i) => `${i + 1}. Step ${i + 1} of the return: ${'keep the receipt and the original packaging, '.repeat(2)}then go on.`),
  'That is all: the refund follows within 5 business days.',
].join('\n');

/** The element's methods, seen from the page (the test does not import the widget's types). */
type Chat = HTMLElement & { open(): void; showLauncher(): void; hideLauncher(): void };
type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;
interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[];
}

describe.skipIf(missing !== null && process.env.CI !== 'true')('the visitor never stumbles (built widget)', () => {
  let server: ServerProcess;
  let fake: FakeOpenAI;
  let browser: Browser;
  let dataDir: string;
  let cookie: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    fake = await createFakeOpenAI();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-visitor-'));
    // Agents claim by hand: an agent online to close conversations takes none by itself.
    const store = SqliteStore.open(dataDir);
    await store.saveRoutingSettings({ ...(await store.getRoutingSettings()), assignment: 'manual' });
    await store.close();
    server = await startServerProcess({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MODEL: 'fake-model',
    });
    const login = await fetch(server.url + HTTP_ROUTES.login, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    await fake?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => fake.reset());

  async function visit(url: string, options: BrowserContextOptions = DESKTOP): Promise<Page> {
    // axe-core is injected as an inline script, which the pages' CSP rightly refuses; the CSP
    // itself is held by security.e2e.test.ts.
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', bypassCSP: true, ...options });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  /** An agent in the console (which makes someone available), over the real agent socket. */
  async function agentOnline(): Promise<AgentSocket> {
    const socket: AgentSocket = io(`${server.url}/agent`, { extraHeaders: { cookie }, transports: ['websocket'], forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  }

  async function closeQueued(agent: AgentSocket): Promise<void> {
    const listing = unwrap(await agent.emitWithAck('inbox:list', {}));
    const queued = listing.conversations.filter((c) => c.status === 'queued');
    expect(queued.length).toBeGreaterThan(0);
    for (const c of queued) unwrap(await agent.emitWithAck('conversation:close', { conversationId: c.id }));
  }

  async function saveRouting(change: Partial<RoutingSettings>): Promise<void> {
    const url = server.url + HTTP_ROUTES.adminRouting;
    const current = unwrap((await (await fetch(url, { headers: { cookie } })).json()) as AckResult<{ settings: RoutingSettings }>).settings;
    const response = await fetch(url, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ ...current, ...change }),
    });
    expect(response.status, await response.text()).toBe(200);
  }

  async function ask(page: Page, text: string, label = 'Your message'): Promise<void> {
    const box = page.getByRole('textbox', { name: label });
    await box.fill(text);
    await box.press('Enter');
  }

  async function axe(page: Page): Promise<string[]> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
    const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run());
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  }

  it('says a hand-off after two unanswered questions is the assistant\'s doing, and keeps its suggestions', async () => {
    fake.reply({ text: NO_ANSWER }, { text: NO_ANSWER });
    const page = await visit(server.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const log = page.getByRole('log');
    const suggestions = log.getByRole('group', { name: 'Suggested questions' });
    await ask(page, 'Can I return a kettle I bought as a gift without the receipt?');
    await expect.poll(() => suggestions.count(), { timeout: 10_000 }).toBe(1);
    await ask(page, 'And if the gift was bought in a shop abroad?');
    await expect.poll(() => log.getByText(/Is your question one of these\?/).count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => log.locator('[part~=message-event]').count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: screenshotPath('v01-handoff-unanswered') });
    expect(await log.getByText(/assistant couldn't answer/).isVisible()).toBe(true);
    expect(await log.textContent()).not.toContain('You asked to talk to a person');
    // "Is your question one of these?" keeps its options, under the second answer.
    expect(await suggestions.count()).toBe(1);
    expect(await suggestions.getByRole('button').count()).toBeGreaterThan(0);
    expect(await suggestions.isVisible()).toBe(true);
  });

  it('offers to leave a message, with when people are back, to a visitor who asks for a person while nobody is online', async () => {
    // Open tomorrow (UTC) 09:00–17:00 only: closed now, whatever the time of the run.
    const day = (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[(new Date().getUTCDay() + 1) % 7]!;
    await saveRouting({ businessHours: { timeZone: 'UTC', days: { [day]: [['09:00', '17:00']] } } });
    try {
      const page = await visit(server.url, PHONE);
      await page.getByRole('button', { name: 'Open chat' }).click();
      fake.reply({ text: NO_ANSWER });
      await ask(page, 'Can I pay by bank transfer?');
      await expect.poll(() => page.getByRole('log').getByText(/Talk to a person|find an answer/i).count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await ask(page, 'I want to talk to a person');
      const opens = new Date(Date.now() + 86_400_000);
      opens.setUTCHours(9, 0, 0, 0);
      const back = new Intl.DateTimeFormat('en', { weekday: 'short', hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(opens);
      const offer = page.getByText(`Nobody can chat right now. Leave your email and we'll get back to you. We open again ${back}.`);
      await expect.poll(() => offer.isVisible(), { timeout: 10_000 }).toBe(true);
      expect(await page.getByText(/in the queue/).count()).toBe(0);
      const leave = page.getByRole('button', { name: 'Leave a message' });
      expect(await leave.count()).toBe(1);
      await page.screenshot({ path: screenshotPath('v02-offline-offer') });
      await leave.click();
      await expect.poll(() => page.getByRole('form', { name: 'Leave a message' }).isVisible()).toBe(true);
      // The question, not the asking for a person; no queue place promised above the form.
      expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('Can I pay by bank transfer?');
      expect(await page.getByText(/in the queue/).count()).toBe(0);
      expect(await axe(page)).toEqual([]);
    } finally {
      await saveRouting({ businessHours: null });
    }
  });

  it('opens a long answer at its start', async () => {
    fake.reply({ text: LONG_ANSWER, chunkSize: 16, delayMs: 10 });
    const page = await visit(server.url, PHONE);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await ask(page, 'How do I return an item?');
    const log = page.getByRole('log');
    await expect.poll(() => log.getByRole('button', { name: 'Helpful', exact: true }).count(), { timeout: 10_000 }).toBe(1);
    const [logBox, answerBox] = await Promise.all([log.boundingBox(), log.getByText('Here is how to return an item').boundingBox()]);
    await page.screenshot({ path: screenshotPath('v03-long-answer') });
    // The answer is taller than the log, and its first line is in view.
    expect(await log.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeGreaterThan(100);
    expect(answerBox!.y).toBeGreaterThanOrEqual(logBox!.y);
    expect(answerBox!.y + answerBox!.height).toBeLessThanOrEqual(logBox!.y + logBox!.height);

    // Writing again brings the log to its end: the visitor sees what they sent and what follows.
    fake.reply({ text: 'Short answer.', chunkSize: 16, delayMs: 10 });
    await ask(page, 'And a question after it');
    await expect.poll(() => log.getByText('Short answer.').count(), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() => log.evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop), { timeout: 5000 })
      .toBeLessThan(48);
  });

  it('uses 16 px text in the phone layout, so iOS Safari does not zoom on focus', async () => {
    const page = await visit(server.url, PHONE);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Your message' });
    expect(await box.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
  });

  for (const [path, lang] of [['/', 'en'], ['/zh.html', 'zh-CN']] as const) {
    for (const [device, options] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      it(`has no axe-core violations closed, open, streaming, queued and ended (${lang}, ${device})`, async () => {
        const zh = lang === 'zh-CN';
        const agent = await agentOnline();
        try {
          const page = await visit(server.url + path, { ...options, locale: lang });
          const found: Record<string, string[]> = {};
          const shot = (state: string) => page.screenshot({ path: screenshotPath(`v05-axe-${lang}-${device}-${state}`) });
          found.closed = await axe(page);

          await page.getByRole('button', { name: zh ? '打开聊天' : 'Open chat' }).click();
          const human = page.getByRole('button', { name: zh ? '转人工' : 'Talk to a person' });
          await expect.poll(() => human.isVisible(), { timeout: 10_000 }).toBe(true);
          found.open = await axe(page);

          // The model stalls mid-answer: the answer stays on screen, streaming.
          fake.reply({ text: LONG_ANSWER, chunkSize: 24, stallAfterChunks: 6 });
          await ask(page, zh ? '怎么退货？' : 'How do I return an item?', zh ? '输入消息' : 'Your message');
          await expect.poll(() => page.locator('support-chat .streaming').count(), { timeout: 10_000 }).toBe(1);
          found.streaming = await axe(page);
          await shot('streaming');

          await human.click();
          await expect.poll(() => page.getByText(zh ? /您当前排在第/ : /in the queue/).isVisible(), { timeout: 10_000 }).toBe(true);
          found.queued = await axe(page);
          await shot('queued');

          await closeQueued(agent);
          await expect.poll(() => page.getByText(zh ? '对话已结束' : 'The conversation has ended', { exact: true }).isVisible(), { timeout: 10_000 }).toBe(true);
          // Said once, by the log's line: the status under it says only what to do next.
          await expect.poll(() => page.locator('support-chat .status').textContent()).toBe(zh ? '发送消息即可开始新的对话。' : 'Send a message to start a new one.');
          expect(await page.getByText(zh ? /对话已结束/ : /conversation has ended/i).count()).toBe(1);
          found.ended = await axe(page);
          await shot('ended');
          expect(found).toEqual({ closed: [], open: [], streaming: [], queued: [], ended: [] });
        } finally {
          agent.disconnect();
        }
      });
    }
  }

  it('keeps focus in the full-screen panel on a phone', async () => {
    const page = await visit(server.url, PHONE);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Your message' }).evaluate((el) => el.matches(':focus'))).toBe(true);
    const inPanel = () => page.evaluate(() => document.activeElement?.tagName === 'SUPPORT-CHAT');
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press(key);
        expect(await inPanel(), `${key} × ${i + 1}`).toBe(true);
      }
    }
  });

  it('names the launcher and the header button apart (en, zh-CN)', async () => {
    for (const [path, open, expected] of [
      ['/', 'Open chat', ['Minimize chat', 'Close chat']],
      ['/zh.html', '打开聊天', ['收起聊天', '关闭聊天']],
    ] as const) {
      const page = await visit(server.url + path);
      await page.getByRole('button', { name: open }).click();
      // The panel (and its header button) comes with the chat's file, which a click right after
      // the page's first paint may still be waiting for.
      const names = () =>
        page.evaluate(() => {
          const root = document.querySelector('support-chat')!.shadowRoot!;
          return [root.querySelector('[part=launcher]'), root.querySelector('.close')].map((b) => b?.getAttribute('aria-label'));
        });
      await expect.poll(names, { timeout: 5_000 }).toEqual(expected);
      for (const name of expected) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    }
  });

  it('lets the site move the launcher on a phone and hide it while the page needs the corner', async () => {
    const page = await visit(server.url, PHONE);
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await page.evaluate(() => (document.querySelector('support-chat') as Chat).style.setProperty('--support-chat-offset', '72px'));
    const box = (await launcher.boundingBox())!;
    expect(Math.round(375 - (box.x + box.width))).toBe(72);
    expect(Math.round(667 - (box.y + box.height))).toBe(72);

    await page.evaluate(() => document.querySelector('support-chat')!.setAttribute('launcher', 'hidden'));
    await expect.poll(() => launcher.isVisible()).toBe(false);
    await page.evaluate(() => (document.querySelector('support-chat') as Chat).showLauncher());
    await expect.poll(() => launcher.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.querySelector('support-chat')!.hasAttribute('launcher'))).toBe(false);
    await page.evaluate(() => (document.querySelector('support-chat') as Chat).hideLauncher());
    await expect.poll(() => launcher.isVisible()).toBe(false);
    // Hidden, the site opens the chat itself; the panel's own button closes it.
    await page.evaluate(() => (document.querySelector('support-chat') as Chat).open());
    await expect.poll(() => page.getByRole('dialog').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByRole('button', { name: 'Close chat' }).click();
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);
    expect(await launcher.isVisible()).toBe(false);
  });

  it('keeps the whole panel in view on a short laptop screen with the launcher moved up', async () => {
    const page = await visit(server.url, { ...DESKTOP, viewport: { width: 1280, height: 650 } });
    await page.evaluate(() => (document.querySelector('support-chat') as Chat).style.setProperty('--support-chat-offset', '72px'));
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => page.getByRole('dialog').isVisible(), { timeout: 10_000 }).toBe(true);
    const panel = (await page.getByRole('dialog').boundingBox())!;
    expect(panel.y).toBeGreaterThanOrEqual(0);
    // Its header's buttons can be reached: the top of the panel is on screen.
    const close = (await page.getByRole('button', { name: 'Close chat' }).boundingBox())!;
    expect(close.y).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('visitor-offset-short-laptop') });
  });
});

function unwrap<T>(result: AckResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}
