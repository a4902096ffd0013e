/**
 * An XSS corpus (xss-corpus.ts) through every route untrusted text takes to a viewer, rendered by
 * the built, minified bundles the server serves, in Chromium (issue 11): visitor messages, left
 * messages and visitor context (page title, URL, referrer, name, attributes, browser) in the
 * console's inbox, transcript and visitor pane; agent messages and an agent's name, AI answers
 * from a knowledge file and their source links in the widget; notes in the console; canned
 * replies on the admin page; knowledge articles on the help pages. Payloads that run call
 * `__xss(n)` or `alert`, or load from evil.example; after rendering, the DOM (shadow roots
 * included) is searched for event-handler attributes, script-capable URLs, `target=_blank`
 * without `noopener`, and injected elements. Everything must be zero.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Browser, Page } from 'playwright-core';
import type { AgentClientEvents, AgentServerEvents, ChatMessage, VisitorClientEvents, VisitorServerEvents } from '@support-chat/shared';
import { LIMITS, SESSION_COOKIE } from '@support-chat/shared';
import { createAgent } from '../../server/src/auth/agents.js';
import { SqliteStore } from '../../server/src/store/sqlite-store.js';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, submitConsoleLogin } from './browser.js';
import { HOSTILE_SOURCE_URLS, XSS_PAYLOADS } from './xss-corpus.js';

const missing = chromiumMissing();
const PASSWORD = 'xss-password-123';
const ADMIN = { email: 'admin@xss.example', name: 'Admin' };
/** An agent whose display name is itself a payload: the widget shows it to visitors. */
const HOSTILE_AGENT = { email: 'agent@xss.example', name: '<img src=x onerror=__xss(990)>"><svg onload=__xss(991)>' };
/** Per visitor: under the 20 messages a minute a visitor may send. */
const PER_VISITOR = 15;

type VisitorClient = Socket<VisitorServerEvents, VisitorClientEvents>;
type AgentClient = Socket<AgentServerEvents, AgentClientEvents>;

/**
 * `⟦n⟧` after each payload, in a paragraph of its own (a payload may end in a code fence): counts
 * what was rendered as text without parsing the payload.
 */
const mark = (n: number) => `⟦${n}⟧`;
const withMark = (payload: string, n: number) => `${payload}\n\n${mark(n)}`;

function groups<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function unwrap<T>(result: { ok: true; data: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

function connected(socket: Socket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

function nextAnswer(socket: VisitorClient, timeoutMs = 10_000): Promise<ChatMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no AI answer')), timeoutMs);
    const listener = (m: ChatMessage) => {
      if (m.author !== 'ai') return;
      clearTimeout(timer);
      socket.off('message:created', listener);
      resolve(m);
    };
    socket.on('message:created', listener);
  });
}

/** What a page shows and holds, through every shadow root: run in the page. */
interface Scan {
  text: string;
  handlers: string[];
  badUrls: string[];
  injected: string[];
  offSite: number;
  links: number;
}

/* eslint-disable */
function scanPage(): Scan {
  const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'ping', 'srcdoc', 'srcset'];
  const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
  const NEVER_IN_SHADOW = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'meta', 'link', 'style', 'math', 'portal', 'noscript', 'template']);
  const result = { text: '', handlers: [] as string[], badUrls: [] as string[], injected: [] as string[], offSite: 0, links: 0 };
  const describe = (el: Element) => el.outerHTML.slice(0, 160);
  const walk = (root: Document | ShadowRoot, inShadow: boolean) => {
    if (inShadow) result.text += ` ${root.textContent ?? ''}`;
    for (const el of Array.from(root.querySelectorAll('*'))) {
      if (el.shadowRoot) walk(el.shadowRoot, true);
      // The page's own head (its favicon is a data: URL) is not content.
      if (!inShadow && el.closest('head')) continue;
      const tag = el.tagName.toLowerCase();
      const html = el.outerHTML;
      // Server-rendered pages (help) live in the light DOM: there, any element but a link (judged by its URL below) that names the canary was injected.
      if ((inShadow && NEVER_IN_SHADOW.has(tag)) || (!inShadow && tag !== 'a' && /__xss|evil\.example/.test(html.slice(0, html.indexOf('>') + 1)))) {
        result.injected.push(describe(el));
      }
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on')) result.handlers.push(`${name} on ${describe(el)}`);
        if (name === 'style' && /url\(|expression|@import/i.test(attr.value)) result.injected.push(`style ${describe(el)}`);
        if (!URL_ATTRIBUTES.includes(name)) continue;
        if (name === 'srcdoc') {
          result.badUrls.push(`srcdoc on ${describe(el)}`);
          continue;
        }
        let url: URL;
        try {
          url = new URL(attr.value, document.baseURI);
        } catch {
          continue;
        }
        if (!SAFE_PROTOCOLS.has(url.protocol)) result.badUrls.push(`${name}=${attr.value.slice(0, 80)} on <${tag}>`);
      }
      if (tag === 'a' && el.hasAttribute('href')) {
        result.links++;
        const url = new URL(el.getAttribute('href')!, document.baseURI);
        if (url.host !== location.host && /^https?:$/.test(url.protocol)) result.offSite++;
        const rel = (el.getAttribute('rel') ?? '').split(/\s+/);
        if (el.getAttribute('target') === '_blank' && !rel.includes('noopener')) result.badUrls.push(`target=_blank without noopener: ${describe(el)}`);
      }
    }
  };
  walk(document, false);
  return result;
}
/* eslint-enable */

describe.skipIf(missing !== null && process.env.CI !== 'true')('XSS payloads through every route to a viewer, in Chromium', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let kbDir: string;
  const sockets: Socket[] = [];
  const executions: string[] = [];
  const evilRequests: string[] = [];
  const views: { route: string; scan: Scan; expected: number[]; rendered: number }[] = [];
  /** Conversations to open in the console, and what each should show. */
  const consoleViews: { id: string; expected: number[]; route: string }[] = [];
  /** Visitors to open the widget as, and what each should show. */
  const widgetViews: { token: string; expected: number[]; route: string }[] = [];
  const payloadCount = XSS_PAYLOADS.length;
  const payloadNumbers = XSS_PAYLOADS.map((_, i) => i + 1);

  const visitorSocket = (token?: string): VisitorClient => {
    const socket: VisitorClient = io(`${server.url}/visitor`, { auth: token ? { token } : {}, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(socket);
    return socket;
  };
  const agentSocket = (cookie: string): AgentClient => {
    const socket: AgentClient = io(`${server.url}/agent`, { extraHeaders: { cookie }, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(socket);
    return socket;
  };
  const login = async (email: string): Promise<string> => {
    const response = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    if (!cookie?.startsWith(`${SESSION_COOKIE}=`)) throw new Error('no session cookie');
    return cookie;
  };

  /** A context whose pages report every execution and every request to evil.example. */
  const hostileContext = async (): Promise<BrowserContext> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
    await context.exposeFunction('__xss', (n: unknown) => executions.push(`__xss(${String(n)})`));
    await context.route(/evil\.example/, (route) => {
      evilRequests.push(`${route.request().url()} from ${route.request().frame().url()}`);
      return route.abort();
    });
    context.on('page', (page) => watchDialogs(page));
    return context;
  };
  const watchDialogs = (page: Page) => {
    page.on('dialog', (dialog) => {
      executions.push(`${dialog.type()}(${dialog.message()}) on ${page.url()}`);
      void dialog.dismiss();
    });
  };

  /** Waits until the page shows `expected` markers (or stops growing), then scans it. */
  const look = async (page: Page, route: string, expected: number[]): Promise<void> => {
    let scan = await page.evaluate(scanPage);
    const seen = () => expected.filter((n) => scan.text.includes(mark(n))).length;
    for (let waited = 0; seen() < expected.length && waited < 6000; waited += 250) {
      await page.waitForTimeout(250);
      scan = await page.evaluate(scanPage);
    }
    // Let anything deferred (image errors, animations, autofocus) have its chance to run.
    await page.waitForTimeout(300);
    scan = await page.evaluate(scanPage);
    views.push({ route, scan, expected, rendered: seen() });
  };

  beforeAll(async () => {
    if (missing) throw new Error(`attack tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-xss-'));
    kbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-xss-kb-'));
    // A knowledge article per payload (its own rare question word), and FAQ rows with hostile source URLs.
    const entries = XSS_PAYLOADS.map((payload, i) => `## Where is vault qz${i + 1}vk?\n\n${withMark(payload, i + 1)}\n`);
    fs.writeFileSync(path.join(kbDir, 'xss.md'), `---\ntitle: Vaults <script>__xss(980)</script>\nlang: en\nurl: /help/xss\ntags: vault\n---\n\n# Vaults\n\n${entries.join('\n')}`);
    const rows = HOSTILE_SOURCE_URLS.map((url, i) => ({ question: `Which locker jw${i + 1}xf?`, answer: withMark(`Locker ${i + 1} <img src=x onerror=__xss(${920 + i})>`, 900 + i), url }));
    rows.push({ question: 'Which locker jw0xf?', answer: withMark(XSS_PAYLOADS[0]!, 1), url: '/help/xss-faq' });
    fs.writeFileSync(path.join(kbDir, 'faq.json'), JSON.stringify(rows));

    const store = SqliteStore.open(dataDir);
    await store.saveRoutingSettings({ ...(await store.getRoutingSettings()), assignment: 'manual' });
    await createAgent(store, { email: ADMIN.email, password: PASSWORD, name: ADMIN.name, role: 'admin' });
    await createAgent(store, { email: HOSTILE_AGENT.email, password: PASSWORD, name: HOSTILE_AGENT.name, role: 'agent', capacity: 50 });
    await store.close();
    server = await startServerProcess({ DATA_DIR: dataDir, KNOWLEDGE_DIR: kbDir, KNOWLEDGE_WATCH: 'false' });
    const [adminCookie, agentCookie] = await Promise.all([login(ADMIN.email), login(HOSTILE_AGENT.email)]);
    const admin = agentSocket(adminCookie);
    const agent = agentSocket(agentCookie);
    await Promise.all([connected(admin), connected(agent)]);

    // Canned replies, one per payload (the admin page previews them as Markdown).
    for (const [i, payload] of XSS_PAYLOADS.entries()) {
      const response = await fetch(`${server.url}/api/admin/canned-replies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: adminCookie },
        body: JSON.stringify({ shortcut: `x${i + 1}`, text: withMark(payload, i + 1) }),
      });
      if (response.status !== 201 && response.status !== 200) throw new Error(`canned reply ${i + 1}: ${response.status} ${await response.text()}`);
    }

    // Visitors whose words and page context reach the console; every other one leaves a message.
    const clip = (text: string, max: number) => text.slice(0, max);
    for (const [g, group] of groups(payloadNumbers, PER_VISITOR).entries()) {
      const visitor = visitorSocket();
      await connected(visitor);
      const first = XSS_PAYLOADS[group[0]! - 1]!;
      const attributes = Object.fromEntries(group.slice(0, LIMITS.attributeCount - 2).map((n) => [clip(`p${n}${XSS_PAYLOADS[n - 1]}`, LIMITS.attributeKeyChars), clip(withMark(XSS_PAYLOADS[n - 1]!, n), LIMITS.attributeValueChars)]));
      unwrap(
        await visitor.emitWithAck('conversation:resume', {
          afterSeq: 0,
          context: {
            pageTitle: clip(first, LIMITS.contextTitleChars),
            pageUrl: clip(`https://shop.example/?q=${encodeURIComponent(first)}"><script>__xss(970)</script>`, LIMITS.contextUrlChars),
            referrer: clip(HOSTILE_SOURCE_URLS[g % HOSTILE_SOURCE_URLS.length]!, LIMITS.contextUrlChars),
            language: clip(first, 35),
            timeZone: clip(first, 64),
            userAgent: clip(`Mozilla/5.0 ${first}`, 512),
            attributes: { ...attributes, name: clip(first, LIMITS.attributeValueChars), email: clip(XSS_PAYLOADS[group.at(-1)! - 1]!, LIMITS.attributeValueChars) },
          },
        }),
      );
      let conversationId = '';
      for (const n of group.slice(0, -1)) {
        conversationId = unwrap(await visitor.emitWithAck('message:send', { clientId: `xss-visitor-${n}-x`, text: withMark(XSS_PAYLOADS[n - 1]!, n) })).conversation.id;
      }
      const last = group.at(-1)!;
      if (g % 2 === 0) {
        const left = await visitor.emitWithAck('offline:leave', { clientId: `xss-leave-${last}-x`, email: 'visitor@example.com', name: clip(XSS_PAYLOADS[last - 1]!, LIMITS.nameChars), text: withMark(XSS_PAYLOADS[last - 1]!, last) });
        conversationId = unwrap(left).conversation.id;
      } else {
        unwrap(await visitor.emitWithAck('message:send', { clientId: `xss-visitor-${last}-x`, text: withMark(XSS_PAYLOADS[last - 1]!, last) }));
        unwrap(await visitor.emitWithAck('handoff:request', {}));
      }
      // Notes on the same conversation: the team's words, rendered as Markdown for the team.
      for (const n of group) {
        unwrap(await admin.emitWithAck('note:add', { conversationId, clientId: `xss-note-${n}-x`, text: withMark(XSS_PAYLOADS[n - 1]!, n) }));
      }
      consoleViews.push({ id: conversationId, expected: group, route: 'visitor messages, left message, context and notes → console' });
      visitor.disconnect();
    }

    // Visitors who ask the knowledge base (AI answers carry the payloads), then get the hostile agent.
    const questions = [...payloadNumbers.map((n) => ({ n, q: `Where is vault qz${n}vk?` })), ...HOSTILE_SOURCE_URLS.map((_, i) => ({ n: 900 + i, q: `Which locker jw${i + 1}xf?` }))];
    for (const group of groups(questions, PER_VISITOR)) {
      const visitor = visitorSocket();
      await connected(visitor);
      const session = unwrap(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
      let conversationId = '';
      const answered: number[] = [];
      for (const { n, q } of group) {
        const answer = nextAnswer(visitor);
        conversationId = unwrap(await visitor.emitWithAck('message:send', { clientId: `xss-ask-${n}-xx`, text: q })).conversation.id;
        if ((await answer).text.includes(mark(n))) answered.push(n);
      }
      expect(answered.length, 'the knowledge base answers each payload question with its article').toBe(group.length);
      unwrap(await visitor.emitWithAck('handoff:request', {}));
      unwrap(await agent.emitWithAck('conversation:claim', { conversationId }));
      const sent = group.filter(({ n }) => n < 900).map(({ n }) => n);
      for (const n of sent) {
        unwrap(await agent.emitWithAck('message:send', { conversationId, clientId: `xss-agent-${n}-x`, text: withMark(XSS_PAYLOADS[n - 1]!, n) }));
      }
      widgetViews.push({ token: session.token, expected: answered, route: 'AI answers, sources, agent messages and name → widget' });
      consoleViews.push({ id: conversationId, expected: answered, route: 'AI answers and agent messages → console' });
      visitor.disconnect();
    }
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await browser?.close();
    await server?.kill('SIGTERM');
    for (const dir of [dataDir, kbDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('renders every payload on every route as text: nothing runs, no dangerous link or element survives', async () => {
    // The console, signed in as the admin: each conversation (inbox, transcript, visitor pane), canned replies, reports.
    const consoleContext = await hostileContext();
    const agentPage = await consoleContext.newPage();
    agentPage.setDefaultTimeout(10_000);
    await agentPage.goto(`${server.url}/console`);
    await submitConsoleLogin(agentPage, { email: ADMIN.email, password: PASSWORD });
    await expect.poll(() => agentPage.getByRole('tablist', { name: 'Inbox sections' }).isVisible(), { timeout: 10_000 }).toBe(true);
    for (const [i, view] of consoleViews.entries()) {
      await agentPage.goto(`${server.url}/console?view=${i}#c=${view.id}`);
      await look(agentPage, view.route, view.expected);
    }
    await agentPage.goto(`${server.url}/console#canned`);
    await look(agentPage, 'canned replies → admin page', payloadNumbers);
    await agentPage.goto(`${server.url}/console#reports`);
    await look(agentPage, 'questions → reports', []);

    // The widget, as each visitor: their own words, the AI's answers and sources, the agent's replies and name.
    for (const view of widgetViews) {
      const context = await hostileContext();
      const tokenKey = `support-chat:${new URL(server.url).origin}:token`;
      await context.addInitScript(([key, token]) => localStorage.setItem(key, token), [tokenKey, view.token] as const);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(server.url);
      if (await page.getByRole('button', { name: 'Open chat' }).isVisible()) await page.getByRole('button', { name: 'Open chat' }).click();
      await look(page, view.route, view.expected);
      await context.close();
    }

    // Help pages: knowledge articles through markdown-it.
    const helpContext = await hostileContext();
    const help = await helpContext.newPage();
    await help.goto(`${server.url}/help/xss`);
    await look(help, 'knowledge articles → help page', []);
    const helpText = await help.locator('main').textContent();
    views.at(-1)!.rendered = payloadNumbers.filter((n) => helpText?.includes(mark(n))).length;
    views.at(-1)!.expected = payloadNumbers;
    await help.goto(`${server.url}/help/xss-faq`);
    await look(help, 'FAQ row → help page', []);
    await consoleContext.close();
    await helpContext.close();

    const problems = views.flatMap((v) => [
      ...v.scan.handlers.map((p) => `${v.route}: handler ${p}`),
      ...v.scan.badUrls.map((p) => `${v.route}: url ${p}`),
      ...v.scan.injected.map((p) => `${v.route}: element ${p}`),
    ]);
    const rendered = views.reduce((sum, v) => sum + v.rendered, 0);
    const offSite = views.reduce((sum, v) => sum + v.scan.offSite, 0);
    console.log(
      [
        `XSS corpus: ${payloadCount} payloads (+${HOSTILE_SOURCE_URLS.length} source URLs, an agent name, context fields) over ${views.length} views; ${rendered} payload renderings seen as text`,
        ...views.map((v) => `  ${v.route}: ${v.rendered}/${v.expected.length} rendered, ${v.scan.links} links (${v.scan.offSite} off-site http(s))${v.rendered < v.expected.length ? `; missing ${v.expected.filter((n) => !v.scan.text.includes(mark(n))).join(', ')}` : ''}`),
        `  executions ${executions.length}, requests to evil.example ${evilRequests.length}, dangerous links ${views.reduce((s, v) => s + v.scan.badUrls.length, 0)}, event-handler attributes ${views.reduce((s, v) => s + v.scan.handlers.length, 0)}, injected elements ${views.reduce((s, v) => s + v.scan.injected.length, 0)}, off-site http(s) links ${offSite}`,
      ].join('\n'),
    );
    if (problems.length) console.log(problems.join('\n'));
    expect(executions).toEqual([]);
    expect(evilRequests).toEqual([]);
    expect(problems.slice(0, 20)).toEqual([]);
    for (const v of views) expect(v.rendered, `${v.route}: payloads shown as text`).toBe(v.expected.length);
  }, 240_000);
});
