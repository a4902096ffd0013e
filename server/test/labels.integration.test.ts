/**
 * Labels and the visitor's history end to end (issue 13): agents label over the socket (bounded,
 * normalised, audit-logged, every inbox told live), a routing rule adds a label, the console's
 * search and the REST API filter by label, reports count per label, and the conversation view
 * lists the visitor's (and the verified user's) other conversations.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { AgentConversation, RoutingSettings } from '@support-chat/shared';
import { LABEL_LIMITS } from '@support-chat/shared';
import { connected, data, nextEvent, startTestServer, type AgentClient, type TestServer } from './harness.js';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

const IDENTITY_SECRET = 'labels-identity-'.padEnd(40, 'k');

async function start(routing: Partial<RoutingSettings> = {}) {
  t = await startTestServer({ routing: { assignment: 'manual', ...routing }, identitySecret: IDENTITY_SECRET });
}

async function agent(name: string, role: 'admin' | 'agent' = 'agent'): Promise<{ socket: AgentClient; cookie: string }> {
  const cookie = await t.loginAgent(name, role);
  const socket = t.agent(cookie);
  await connected(socket);
  return { socket, cookie };
}

/** A visitor (a signed user when `user` is given) who sends `texts`; returns the conversation id. */
async function visitorSays(texts: string[], { user, token }: { user?: string; token?: string } = {}): Promise<{ id: string; token: string }> {
  const socket = user ? t.visitorAs(user, token) : t.visitor(token);
  await connected(socket);
  const session = data(await socket.emitWithAck('conversation:resume', { afterSeq: 0 }));
  let id = '';
  for (const [i, text] of texts.entries()) {
    id = data(await socket.emitWithAck('message:send', { clientId: `client-${Math.random().toString(36).slice(2)}-${i}`, text })).conversation.id;
    await t.server.router.idle();
  }
  socket.disconnect();
  return { id, token: session.token };
}

function signedUser(sub: string): Promise<string> {
  return new SignJWT({ sub, name: 'Wang Fang' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(IDENTITY_SECRET));
}

describe('labels', () => {
  it('are normalised, bounded and validated, reach every inbox live, and are audit-logged', async () => {
    await start();
    const { id } = await visitorSays(['Where is my parcel?']);
    const anna = await agent('Anna');
    const ben = await agent('Ben');
    const heard = nextEvent<AgentConversation>(ben.socket, 'conversation:updated', (c) => c.id === id && c.labels.length > 0);
    const labelled = data(await anna.socket.emitWithAck('conversation:label', { conversationId: id, add: ['  Shipping ', 'ＶＩＰ', 'late delivery'] }));
    expect(labelled.conversation.labels).toEqual(['late-delivery', 'shipping', 'vip']);
    expect((await heard).labels).toEqual(['late-delivery', 'shipping', 'vip']);

    // Clear errors for what is not a label, and nothing stored.
    for (const add of [['a,b'], [''], ['x'.repeat(LABEL_LIMITS.chars + 1)], Array.from({ length: LABEL_LIMITS.perChange + 1 }, (_, i) => `l${i}`)]) {
      const refused = await anna.socket.emitWithAck('conversation:label', { conversationId: id, add });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.code).toBe('invalid_payload');
    }
    const empty = await anna.socket.emitWithAck('conversation:label', { conversationId: id });
    expect(empty.ok === false && empty.error.message).toContain('add or remove at least one label');
    const tooMany = await anna.socket.emitWithAck('conversation:label', { conversationId: id, add: Array.from({ length: 8 }, (_, i) => `more-${i}`) });
    expect(tooMany.ok === false && tooMany.error).toMatchObject({ code: 'invalid_payload', message: expect.stringContaining(`at most ${LABEL_LIMITS.perConversation}`) });
    const missing = await anna.socket.emitWithAck('conversation:label', { conversationId: 'no-such', add: ['x'] });
    expect(missing.ok === false && missing.error.code).toBe('not_found');
    expect((await t.store.getConversation(id))?.labels).toEqual(['late-delivery', 'shipping', 'vip']);

    const removed = data(await ben.socket.emitWithAck('conversation:label', { conversationId: id, remove: ['VIP'] }));
    expect(removed.conversation.labels).toEqual(['late-delivery', 'shipping']);
    const audit = await t.store.listAudit({ action: 'conversation.labelled', limit: 10 });
    expect(audit.map((e) => [e.actor.name, e.detail])).toEqual([
      ['Ben', { added: [], removed: ['vip'], source: 'agent' }],
      ['Anna', { added: ['late-delivery', 'shipping', 'vip'], removed: [], source: 'agent' }],
    ]);
    expect(data(await ben.socket.emitWithAck('labels:list', {})).labels).toEqual([
      { label: 'late-delivery', conversations: 1 },
      { label: 'shipping', conversations: 1 },
    ]);
  });

  it('are added by a routing rule (a keyword, a signed attribute) and filter the inbox search, the API and reports', async () => {
    await start({
      labelRules: [
        { keyword: 'refund', label: 'billing' },
        { keyword: '退款', label: 'billing' },
        { attribute: { key: 'plan', value: 'gold' }, label: 'vip' },
      ],
    });
    const anna = await agent('Anna', 'admin');
    const heard = nextEvent<AgentConversation>(anna.socket, 'conversation:updated', (c) => c.labels.includes('billing'));
    const refund = await visitorSays(['Hello', 'I want a REFUND for my kettle']);
    expect((await heard).id).toBe(refund.id);
    const chinese = await visitorSays(['我要退款']);
    const other = await visitorSays(['How do I return an item?']);
    const gold = await new SignJWT({ sub: 'gold-1', plan: 'Gold' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(IDENTITY_SECRET));
    const vip = await visitorSays(['Hi there'], { user: gold });
    // The rule's write is not awaited by the visitor's ack: wait for it.
    await expect.poll(async () => (await t.store.getConversation(vip.id))?.labels).toEqual(['vip']);
    await expect.poll(async () => (await t.store.getConversation(chinese.id))?.labels).toEqual(['billing']);
    expect((await t.store.getConversation(other.id))?.labels).toEqual([]);
    const audit = await t.store.listAudit({ action: 'conversation.labelled', limit: 10 });
    expect(audit.every((e) => e.actor.name === 'Routing rule' && e.detail.source === 'rule')).toBe(true);

    // The console's inbox filter (a search by label, with or without text).
    const found = data(await anna.socket.emitWithAck('inbox:search', { label: 'Billing' })).conversations.map((c) => c.id);
    expect(found.sort()).toEqual([refund.id, chinese.id].sort());
    expect(data(await anna.socket.emitWithAck('inbox:search', { label: 'billing', query: 'kettle' })).conversations.map((c) => c.id)).toEqual([refund.id]);
    const badFilter = await anna.socket.emitWithAck('inbox:search', { label: 'no spaces!' });
    expect(badFilter.ok === false && badFilter.error.code).toBe('invalid_payload');

    // Reports count per label.
    const today = new Date().toISOString().slice(0, 10);
    const report = await fetch(`${t.url}/api/admin/reports?from=${today}&to=${today}&tz=UTC`, { headers: { cookie: await t.loginAgent('Boss', 'admin') } });
    const { data: { report: summary } } = (await report.json()) as { data: { report: { labels: { label: string; conversations: number }[] } } };
    expect(summary.labels.map((l) => [l.label, l.conversations])).toEqual([['billing', 2], ['vip', 1]]);
  });

  it('are read, filtered and changed through the REST API, as API views do', async () => {
    await start();
    const { id } = await visitorSays(['Is my order shipped?']);
    const boss = await t.loginAgent('Boss', 'admin');
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${t.url}${path}`, { method, headers: { cookie: boss, 'content-type': 'application/json', origin: t.url }, ...(body ? { body: JSON.stringify(body) } : {}) }).then(
        async (r) => (await r.json()) as { data: { secret: string } },
      );
    const writer = (await admin('POST', '/api/admin/api-tokens', { name: 'CRM', scope: 'write' })).data.secret;
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${t.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const posted = await api('POST', `/conversations/${id}/labels`, { add: ['Order Status'] });
    expect(posted.status).toBe(200);
    expect(((await posted.json()) as { data: { conversation: { labels: string[] } } }).data.conversation.labels).toEqual(['order-status']);
    const bad = await api('POST', `/conversations/${id}/labels`, { add: ['<script>'] });
    expect(bad.status).toBe(400);
    const listed = (await (await api('GET', '/conversations?label=order-status')).json()) as { data: { conversations: { id: string; labels: string[] }[] } };
    expect(listed.data.conversations.map((c) => [c.id, c.labels])).toEqual([[id, ['order-status']]]);
    const none = (await (await api('GET', '/conversations?label=nothing')).json()) as { data: { conversations: unknown[] } };
    expect(none.data.conversations).toEqual([]);
    expect((await t.store.listAudit({ action: 'conversation.labelled', limit: 1 }))[0]).toMatchObject({ actor: { name: 'CRM' }, detail: { source: 'api' } });
  });
});

describe("the visitor's history", () => {
  it("lists the visitor's and the verified user's other conversations, newest first, paged, and opens one read-only", async () => {
    await start();
    const anna = await agent('Anna');
    // Two closed conversations of one browser, then a third open one.
    const first = await visitorSays(['My kettle leaks']);
    await t.server.conversations.close(first.id, 'agent');
    await anna.socket.emitWithAck('conversation:label', { conversationId: first.id, add: ['kettle'] });
    const second = await visitorSays(['Where is my refund?'], { token: first.token });
    await t.server.conversations.close(second.id, 'agent');
    const current = await visitorSays(['Hello again'], { token: first.token });
    // A stranger's conversation never shows.
    await visitorSays(['Unrelated']);

    const page = data(await anna.socket.emitWithAck('conversation:history', { conversationId: current.id, limit: 1 }));
    expect(page.conversations.map((c) => [c.id, c.firstQuestion, c.match])).toEqual([[second.id, 'Where is my refund?', 'visitor']]);
    expect(page.conversations[0]).toMatchObject({ status: 'closed', closedAt: expect.any(Number), labels: [] });
    const rest = data(await anna.socket.emitWithAck('conversation:history', { conversationId: current.id, limit: 1, cursor: page.next! }));
    expect(rest.conversations.map((c) => [c.id, c.labels])).toEqual([[first.id, ['kettle']]]);
    expect(rest.next).toBeUndefined();
    const badCursor = await anna.socket.emitWithAck('conversation:history', { conversationId: current.id, cursor: 'nope' });
    expect(badCursor.ok === false && badCursor.error.code).toBe('invalid_payload');

    // A signed user on two devices (the store's contract covers a user under another visitor id).
    const user = await signedUser('user-7');
    const laptop = await visitorSays(['我的订单到哪了？'], { user });
    await t.server.conversations.close(laptop.id, 'agent');
    const phone = await visitorSays(['还在吗'], { user });
    const theirs = data(await anna.socket.emitWithAck('conversation:history', { conversationId: phone.id }));
    expect(theirs.conversations.map((c) => [c.id, c.firstQuestion])).toEqual([[laptop.id, '我的订单到哪了？']]);

    // Read-only: the transcript comes back, and nothing of that conversation streams afterwards.
    const transcript = data(await anna.socket.emitWithAck('conversation:transcript', { conversationId: first.id }));
    expect(transcript.messages.find((m) => m.author === 'visitor')?.text).toBe('My kettle leaks');
    let streamed = 0;
    anna.socket.on('message:created', () => streamed++);
    await t.server.conversations.addSystemNote(await t.server.conversations.getConversation(first.id), { type: 'requeued', agentName: 'Anna', cause: 'deactivated' });
    await anna.socket.emitWithAck('labels:list', {});
    expect(streamed).toBe(0);
  });
});
