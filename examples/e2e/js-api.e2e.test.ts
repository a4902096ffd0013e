/**
 * The JavaScript API a developer embeds against, on the built bundle: calls queued in
 * `window.supportChat` before the script loads and before the element exists, the lifecycle
 * events a page listens to (with an agent on a real socket taking the conversation), a
 * cancelable hand-off request, `setLocale` and `shutdown`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SignJWT } from 'jose';
import { data, startTestServer, type TestServer } from '../../server/test/harness.js';
import { chromiumMissing, launchChromium, screenshotPath } from './browser.js';

const missing = chromiumMissing();
const SUBMIT = 'Submit';
const IDENTITY_SECRET = 'e2e-identity-secret-'.padEnd(40, 'k');

/** A user token as the site's server signs it (README, identity verification), valid for an hour. */
const sign = (sub: string) =>
  new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(IDENTITY_SECRET));

/** A host page on its own origin: `head` runs before the widget's script tag. */
async function serveHost(head: string, body: string): Promise<{ url: string; close(): void }> {
  const html = `<!doctype html><html lang="en"><head>${head}</head><body>${body}</body></html>`;
  const host = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(host.address() as AddressInfo).port}/`, close: () => host.close() };
}

/** Several pages of one site (one origin, so one localStorage), by path. */
async function serveSite(pages: Record<string, string>): Promise<{ url: string; close(): void }> {
  const host = http.createServer((req, res) => {
    const page = pages[req.url ?? ''];
    if (page === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html lang="en"><head>${page}</head><body></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(host.address() as AddressInfo).port}`, close: () => host.close() };
}

const EVENTS = [
  'ready',
  'unread',
  'conversation-started',
  'handoff-request',
  'handoff',
  'agent-joined',
  'closed',
  'rated',
] as const;

/** Collects the element's events in `window.events`, as `[name, detail]`. */
const RECORD_EVENTS =
  `<script>window.events = [];` +
  `for (const e of ${JSON.stringify(EVENTS)}) document.addEventListener('support-chat-' + e, (ev) => events.push([e, ev.detail]));</script>`;

describe.skipIf(missing !== null && process.env.CI !== 'true')('the JS API (built bundle)', () => {
  let t: TestServer;
  let browser: Browser;
  const hosts: { close(): void }[] = [];

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    t = await startTestServer({ routing: { assignment: 'manual' }, identitySecret: IDENTITY_SECRET });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const h of hosts) h.close();
    await t?.close();
  });

  async function hostPage(head: string, body = ''): Promise<Page> {
    const host = await serveHost(
      RECORD_EVENTS + head +
        `<script type="module" src="${t.url}/widget/support-chat.js"></script>`,
      body,
    );
    hosts.push(host);
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(host.url);
    return page;
  }

  const eventNames = (page: Page) => page.evaluate(() => (window as unknown as { events: [string][] }).events.map((e) => e[0]));

  it('runs calls queued before the script loaded, once the element is rendered later', async () => {
    const page = await hostPage(
      // Bad calls first (no text; attributes that throw when read): each is reported, and the
      // calls after them still run.
      `<script>(window.supportChat = window.supportChat || []).push(['send'], ['identify', { get plan() { throw new Error('not ready'); } }], ['identify', { plan: 'pro' }], ['open'], ['send', 'How do I return an item?']);</script>`,
    );
    // A single-page app renders the element after the script has loaded.
    await page.waitForFunction(() => customElements.get('support-chat') !== undefined);
    await page.evaluate((server) => {
      const el = document.createElement('support-chat');
      el.setAttribute('server', server);
      document.body.append(el);
    }, t.url);
    const log = page.getByRole('log');
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('How do I return an item?');
    await expect.poll(() => log.getByRole('link').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const names = await eventNames(page);
    expect(names.slice(0, 2)).toEqual(['ready', 'conversation-started']);
    // After loading, push runs at once.
    await page.evaluate(() => ((window as unknown as { supportChat: { push(...c: unknown[]): number } }).supportChat as { push(...c: unknown[]): number }).push(['close']));
    await expect.poll(() => page.evaluate(() => document.querySelector('support-chat')!.hasAttribute('open'))).toBe(false);
  });

  it('registers the element under a tag of your own too, and opens nothing for a message that cannot go', async () => {
    // The bundle registers <support-chat> when it loads; define('acme-chat') then threw (a developer's probe).
    const page = await hostPage(
      `<script type="module">import { define } from '${t.url}/widget/support-chat.js';` +
        `window.defineWarnings = []; const warn = console.warn; console.warn = (...a) => { defineWarnings.push(a.join(' ')); warn(...a); };` +
        `define('acme-chat'); define('acme-chat'); define(); window.acmeDefined = !!customElements.get('acme-chat');</script>`,
    );
    await page.waitForFunction(() => (window as unknown as { acmeDefined?: boolean }).acmeDefined !== undefined);
    expect(await page.evaluate(() => (window as unknown as { acmeDefined: boolean }).acmeDefined)).toBe(true);
    // Defined again, or <support-chat> once more: nothing said, nothing thrown.
    expect(await page.evaluate(() => (window as unknown as { defineWarnings: string[] }).defineWarnings)).toEqual([]);
    await page.evaluate((server) => {
      const el = document.createElement('acme-chat');
      el.setAttribute('server', server);
      document.body.append(el);
    }, t.url);
    const chat = page.locator('acme-chat');
    // Blank or too long: false, and the panel stays closed (it opened before).
    for (const text of ['   ', 'x'.repeat(5000)]) {
      expect(await chat.evaluate((e: HTMLElement & { send(t: string): boolean }, t) => e.send(t), text)).toBe(false);
    }
    expect(await chat.evaluate((e) => e.hasAttribute('open'))).toBe(false);
    expect(await chat.evaluate((e: HTMLElement & { send(t: string): boolean }) => e.send('How do I return an item?'))).toBe(true);
    await expect.poll(() => page.getByRole('log').textContent(), { timeout: 10_000 }).toContain('How do I return an item?');
  });

  it('fires hand-off, agent-joined, closed and rated as an agent takes and closes the conversation', async () => {
    const page = await hostPage('', `<support-chat server="${t.url}"></support-chat>`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Your message' });
    await box.fill('My kettle arrived broken');
    await box.press('Enter');
    await expect.poll(() => eventNames(page)).toContain('conversation-started');

    const cookie = await t.loginAgent('Ann');
    const agent = t.agent(cookie);
    await new Promise<void>((resolve) => agent.once('connect', () => resolve()));

    await page.getByRole('button', { name: 'Talk to a person' }).click();
    await expect.poll(() => eventNames(page)).toContain('handoff');
    const conversationId = await page.evaluate(
      () => (window as unknown as { events: [string, { conversation?: { id: string } }][] }).events.find((e) => e[0] === 'handoff')![1].conversation!.id,
    );
    data(await agent.emitWithAck('conversation:claim', { conversationId }));
    await expect.poll(() => eventNames(page)).toContain('agent-joined');
    data(await agent.emitWithAck('conversation:close', { conversationId }));
    await expect.poll(() => eventNames(page)).toContain('closed');
    await page.getByRole('radio', { name: '5 of 5' }).check({ force: true });
    await page.getByRole('button', { name: SUBMIT }).click();
    await expect.poll(() => eventNames(page)).toContain('rated');
    const names = await eventNames(page);
    expect(names.filter((n) => n !== 'unread')).toEqual([
      'ready',
      'conversation-started',
      'handoff-request',
      'handoff',
      'agent-joined',
      'closed',
      'rated',
    ]);
    agent.disconnect();
  });

  it('counts unread replies while the panel is closed, and lets the page veto a hand-off request', async () => {
    const page = await hostPage(
      `<script>document.addEventListener('support-chat-handoff-request', (e) => { window.vetoed = true; e.preventDefault(); });</script>`,
      `<support-chat server="${t.url}"></support-chat>`,
    );
    const el = page.locator('support-chat');
    // Someone is online, so the panel offers a person (not a message for later).
    const agent = t.agent(await t.loginAgent('Bob'));
    await new Promise<void>((resolve) => agent.once('connect', () => resolve()));
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { events: [string][] }).events.length)).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Talk to a person' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { vetoed?: boolean }).vetoed)).toBe(true);
    expect(await eventNames(page)).not.toContain('handoff');
    // The visitor asks, closes the panel; the agent takes over and replies: one unread reply.
    await el.evaluate((e: HTMLElement & { send(t: string): boolean }) => e.send('Where is my order?'));
    await expect.poll(() => eventNames(page)).toContain('conversation-started');
    const conversationId = await page.evaluate(
      () =>
        (window as unknown as { events: [string, { conversation?: { id: string } }][] }).events.find(
          (e) => e[0] === 'conversation-started',
        )![1].conversation!.id,
    );
    await el.evaluate((e: HTMLElement & { close(): void }) => e.close());
    data(await agent.emitWithAck('conversation:claim', { conversationId }));
    data(await agent.emitWithAck('message:send', { conversationId, clientId: 'api-unread-1', text: 'It ships today.' }));
    await expect
      .poll(() => el.evaluate((e: HTMLElement & { unreadCount: number }) => e.unreadCount), { timeout: 10_000 })
      .toBe(1);
    await expect.poll(() => page.getByRole('button', { name: /Open chat \(1/ }).count()).toBe(1);
    const unread = await page.evaluate(() =>
      (window as unknown as { events: [string, { count?: number }][] }).events.filter((e) => e[0] === 'unread').map((e) => e[1].count),
    );
    expect(unread.at(-1)).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('api-unread-launcher') });
    // Opened, the reply is read: the page hears 0 (a badge wired to the event clears). A reply
    // arriving in the open panel is never counted unread, not even for a moment.
    const unreadCounts = () =>
      page.evaluate(() => (window as unknown as { events: [string, { count?: number }][] }).events.filter((e) => e[0] === 'unread').map((e) => e[1].count));
    await page.getByRole('button', { name: /Open chat/ }).click();
    await expect.poll(async () => (await unreadCounts()).at(-1)).toBe(0);
    const heard = (await unreadCounts()).length;
    data(await agent.emitWithAck('message:send', { conversationId, clientId: 'api-unread-2', text: 'Anything else?' }));
    await expect.poll(() => page.getByRole('log').textContent()).toContain('Anything else?');
    expect((await unreadCounts()).slice(heard)).toEqual([]);
    expect(await el.evaluate((e: HTMLElement & { unreadCount: number }) => e.unreadCount)).toBe(0);

    // A reply that comes while the visitor is on no page is unread at the next page load: the
    // page's badge, which starts at 0 on every load, hears it.
    await el.evaluate((e: HTMLElement & { close(): void }) => e.close());
    const address = page.url();
    await page.close();
    data(await agent.emitWithAck('message:send', { conversationId, clientId: 'api-unread-3', text: 'Your parcel left the depot.' }));
    const next = await page.context().newPage();
    await next.goto(address);
    await expect
      .poll(() => next.evaluate(() => (window as unknown as { events: [string, { count?: number }][] }).events.filter((e) => e[0] === 'unread').map((e) => e[1].count)), { timeout: 10_000 })
      .toEqual([1]);
    agent.disconnect();
  });

  it('switches language with setLocale and forgets the visitor with shutdown', async () => {
    const page = await hostPage('', `<support-chat server="${t.url}"></support-chat>`);
    const el = page.locator('support-chat');
    await page.getByRole('button', { name: 'Open chat' }).click();
    const box = page.getByRole('textbox', { name: 'Your message' });
    await box.fill('hello before logout');
    await box.press('Enter');
    await expect.poll(() => page.getByRole('log').textContent()).toContain('hello before logout');
    const firstVisitor = await page.evaluate(
      () => (window as unknown as { events: [string, { visitorId?: string }][] }).events.find((e) => e[0] === 'ready')![1].visitorId,
    );

    await page.evaluate(() => ((window as unknown as { supportChat: { push(...c: unknown[]): number } }).supportChat as { push(...c: unknown[]): number }).push(['setLocale', 'zh-CN']));
    await expect.poll(() => page.getByRole('textbox', { name: '输入消息' }).count()).toBe(1);
    await el.evaluate((e: HTMLElement & { setLocale(t: string): void }) => e.setLocale(''));

    await el.evaluate((e: HTMLElement & { shutdown(): void }) => e.shutdown());
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('support-chat:')))).toEqual([]);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => eventNames(page).then((n) => n.filter((x) => x === 'ready').length)).toBe(2);
    const secondVisitor = await page.evaluate(
      () => (window as unknown as { events: [string, { visitorId?: string }][] }).events.filter((e) => e[0] === 'ready')[1]![1].visitorId,
    );
    expect(secondVisitor).toBeTruthy();
    expect(secondVisitor).not.toBe(firstVisitor);
    expect(await page.getByRole('log').textContent()).not.toContain('hello before logout');

    // A page that logs out and opens the chat at once, in one task: the chat is there, anew.
    await el.evaluate((e: HTMLElement & { shutdown(): void; open(): void }) => {
      e.shutdown();
      e.open();
    });
    await expect.poll(() => eventNames(page).then((n) => n.filter((x) => x === 'ready').length)).toBe(3);
    expect(await page.getByRole('textbox', { name: 'Your message' }).isVisible()).toBe(true);
  });

  it("signs the site's user in with setUser: their conversation follows them to another device", async () => {
    const user = await new SignJWT({ sub: 'shopper-9', name: 'Lin', plan: 'pro' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(IDENTITY_SECRET));
    const head = `<script>(window.supportChat = window.supportChat || []).push(['setUser', ${JSON.stringify(user)}], ['open']);</script>`;
    const laptop = await hostPage(head, `<support-chat server="${t.url}"></support-chat>`);
    const box = laptop.getByRole('textbox', { name: 'Your message' });
    await box.fill('Signed in and asking about order 77');
    await box.press('Enter');
    await expect.poll(() => eventNames(laptop)).toContain('conversation-started');
    const visitorId = await laptop.evaluate(
      () => (window as unknown as { events: [string, { visitorId?: string }][] }).events.find((e) => e[0] === 'ready')![1].visitorId,
    );
    expect(visitorId).toMatch(/^u_/);

    // Another browser (a phone): nothing stored, the same signed user.
    const phone = await hostPage(head, `<support-chat server="${t.url}"></support-chat>`);
    await expect.poll(() => phone.getByRole('log').textContent(), { timeout: 10_000 }).toContain('Signed in and asking about order 77');
    await phone.screenshot({ path: screenshotPath('api-signed-user-second-device') });

    // A fresh token for the same user (the last one is about to expire), the panel closed: what
    // this device keeps for them stays, the read mark included (forgotten, every answer already
    // read would count as unread again).
    const fresh = await new SignJWT({ sub: 'shopper-9', name: 'Lin', plan: 'pro' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(IDENTITY_SECRET));
    const element = laptop.locator('support-chat');
    await expect.poll(() => laptop.getByRole('log').textContent(), { timeout: 10_000 }).toMatch(/AI assistant.*AI assistant.*AI assistant/s); // the answer
    await element.evaluate((e: HTMLElement & { close(): void }) => e.close());
    expect(await element.evaluate((e: HTMLElement & { unreadCount: number }) => e.unreadCount)).toBe(0);
    await element.evaluate((e: HTMLElement & { setUser(t: string): void }, t) => e.setUser(t), fresh);
    await expect.poll(() => eventNames(laptop).then((n) => n.filter((x) => x === 'ready').length), { timeout: 10_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the history is in
    expect(await element.evaluate((e: HTMLElement & { unreadCount: number }) => e.unreadCount)).toBe(0);
    await element.evaluate((e: HTMLElement & { open(): void }) => e.open());

    // Signed out with setUser(''): an anonymous visitor again, who does not see the user's chat.
    await laptop.locator('support-chat').evaluate((e: HTMLElement & { setUser(t: string): void }) => e.setUser(''));
    await expect.poll(() => eventNames(laptop).then((n) => n.filter((x) => x === 'ready').length)).toBe(3);
    const anonymous = await laptop.evaluate(
      () => (window as unknown as { events: [string, { visitorId?: string }][] }).events.filter((e) => e[0] === 'ready')[2]![1].visitorId,
    );
    expect(anonymous).toBeTruthy();
    expect(anonymous).not.toMatch(/^u_/);
    expect(await laptop.getByRole('log').textContent()).not.toContain('order 77');

    // That anonymous visitor asks something, then signs in: the chat they started stays theirs,
    // on screen, as the user's (it was left behind with the anonymous visitor: a developer's probe).
    await box.fill('Anonymous question about gift cards');
    await box.press('Enter');
    await expect.poll(() => laptop.getByRole('log').textContent(), { timeout: 10_000 }).toMatch(/gift cards.*AI assistant/s);
    await element.evaluate((e: HTMLElement & { setUser(t: string): void }, t) => e.setUser(t), fresh);
    await expect.poll(() => eventNames(laptop).then((n) => n.filter((x) => x === 'ready').length), { timeout: 10_000 }).toBe(4);
    expect(await laptop.evaluate(() => (window as unknown as { events: [string, { visitorId?: string }][] }).events.filter((e) => e[0] === 'ready')[3]![1].visitorId)).toBe(visitorId);
    await expect.poll(() => laptop.getByRole('log').textContent(), { timeout: 10_000 }).toContain('Anonymous question about gift cards');

    // A token the server cannot verify is refused, and the visitor is told.
    const forged = await hostPage(
      `<script>(window.supportChat = window.supportChat || []).push(['setUser', 'not.a.token'], ['open']);</script>`,
      `<support-chat server="${t.url}"></support-chat>`,
    );
    await expect.poll(() => forged.getByRole('alert').first().textContent(), { timeout: 10_000 }).toContain('reload the page');
  });

  it("resumes a signed user's stored session only once a late setUser says who is here", async () => {
    const widget = `<script type="module" src="${t.url}/widget/support-chat.js"></script><support-chat server="${t.url}"></support-chat>`;
    // The site checks who is signed in first (its own request), then tells the chat: setUser comes late.
    const latePage = (token: string) => RECORD_EVENTS + widget + `<script>setTimeout(() => document.querySelector('support-chat').setUser(${JSON.stringify(token)}), 3000);</script>`;
    const site = await serveSite({
      '/carol-first': RECORD_EVENTS + `<script>(window.supportChat = window.supportChat || []).push(['setUser', ${JSON.stringify(await sign('carol-9'))}], ['open']);</script>` + widget,
      '/carol': latePage(await sign('carol-9')),
      '/dave': latePage(await sign('dave-9')),
    });
    hosts.push(site);
    const tab = await (await browser.newContext({ locale: 'en-US' })).newPage();
    const readyIds = () => tab.evaluate(() => (window as unknown as { events: [string, { visitorId?: string }][] }).events.filter((e) => e[0] === 'ready').map((e) => e[1].visitorId));
    await tab.goto(`${site.url}/carol-first`);
    const box = tab.getByRole('textbox', { name: 'Your message' });
    await box.fill("Carol's question about invoice 8812");
    await box.press('Enter');
    await expect.poll(() => tab.getByRole('log').textContent(), { timeout: 10_000 }).toContain('AI assistant');
    const [carol] = await readyIds();
    expect(carol).toBeTruthy();

    // Carol left without shutdown(); Dave sits down. Until the page says it is Dave, nothing of
    // Carol's is resumed: before, her visitor id (and unread replies) reached the page at once.
    await tab.goto(`${site.url}/dave`);
    // The chat's file loaded (a returning visitor's loads at once) and had time to resume, before setUser.
    await tab.waitForFunction(() => !!document.querySelector('support-chat')?.shadowRoot?.querySelector('.launcher[aria-label]'));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await readyIds()).toEqual([]);
    // setUser(Dave) came: Carol's session is forgotten, and Dave's chat opens his own.
    const tokenKey = `support-chat:${new URL(t.url).origin}:token`;
    await expect.poll(() => tab.evaluate((key) => localStorage.getItem(key), tokenKey), { timeout: 10_000 }).toBeNull();
    await tab.locator('support-chat').evaluate((e: HTMLElement & { open(): void }) => e.open());
    await expect.poll(readyIds, { timeout: 10_000 }).toHaveLength(1);
    expect((await readyIds())[0]).not.toBe(carol);

    // Carol again, with the same late setUser: once it comes, her session resumes in the
    // background (her unread replies can be counted), the chat still closed.
    await tab.goto(`${site.url}/carol-first`); // hers again on this device
    await expect.poll(readyIds, { timeout: 10_000 }).toEqual([carol]);
    await tab.goto(`${site.url}/carol`);
    await expect.poll(readyIds, { timeout: 10_000 }).toEqual([carol]);
    expect(await tab.locator('support-chat').evaluate((e: HTMLElement & { opened: boolean }) => e.opened)).toBe(false);
  });

  it("never gives a signed user's chat, nor their unsent messages, to whoever the next page load says is there", async () => {
    // Each page of the site says who is signed in, as the README shows: setUser on every page.
    const page = (token: string) =>
      RECORD_EVENTS +
      `<script>(window.supportChat = window.supportChat || []).push(['setUser', ${token}], ['open']);</script>` +
      `<script type="module" src="${t.url}/widget/support-chat.js"></script><support-chat server="${t.url}"></support-chat>`;
    const site = await serveSite({
      '/alice': page(JSON.stringify(await sign('alice-7'))),
      '/anonymous': page("''"),
      // `setUser(user?.chatToken)` once nobody is signed in: kept Alice's chat on screen.
      '/logged-out': page('undefined'),
      '/bob': page(JSON.stringify(await sign('bob-7'))),
    });
    hosts.push(site);
    const tab = await (await browser.newContext({ locale: 'en-US' })).newPage();
    const log = tab.getByRole('log');
    const box = tab.getByRole('textbox', { name: 'Your message' });
    await tab.goto(`${site.url}/alice`);
    await box.fill("Alice's private question about order 5150");
    await box.press('Enter');
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('AI assistant'); // answered: stored
    // A message Alice wrote that did not go out before she left (offline, rate limited).
    const outboxKey = `support-chat:${new URL(t.url).origin}:outbox`;
    const leaveUnsent = (text: string) =>
      tab.evaluate(([key, text]) => localStorage.setItem(key!, JSON.stringify([{ clientId: `unsent-${Date.now()}`, text, createdAt: Date.now() }])), [outboxKey, text]);
    await leaveUnsent('Alice unsent: my card ends 4242');

    // Alice signed out of the site without shutdown(); the next page says nobody is signed in.
    await tab.goto(`${site.url}/anonymous`);
    await expect.poll(() => box.isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => tab.evaluate(() => (window as unknown as { events: [string][] }).events.some((e) => e[0] === 'ready')), { timeout: 10_000 }).toBe(true);
    expect(await log.textContent()).not.toContain('order 5150');
    expect(await log.textContent()).not.toContain('Alice unsent');
    await tab.screenshot({ path: screenshotPath('api-anonymous-after-signed-user') });

    // Alice again (her chat is hers on the server), leaves another unsent message; then Bob.
    await tab.goto(`${site.url}/alice`);
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('order 5150');
    await tab.goto(`${site.url}/logged-out`);
    await expect.poll(() => tab.evaluate(() => (window as unknown as { events: [string][] }).events.some((e) => e[0] === 'ready')), { timeout: 10_000 }).toBe(true);
    expect(await log.textContent()).not.toContain('order 5150');
    await tab.goto(`${site.url}/alice`);
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('order 5150');
    await leaveUnsent('Alice unsent: call me at 555-0100');
    await tab.goto(`${site.url}/bob`);
    await expect.poll(() => tab.evaluate(() => (window as unknown as { events: [string][] }).events.some((e) => e[0] === 'ready')), { timeout: 10_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // an outbox would have gone out by now
    expect(await log.textContent()).not.toMatch(/order 5150|Alice unsent/);
    for (const text of ['4242', '555-0100']) {
      const found = await t.store.searchConversations({ text, limit: 5 });
      expect(found.map((c) => c.visitorId), text).toEqual([]);
    }
  });
});
