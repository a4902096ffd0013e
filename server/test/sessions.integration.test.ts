/**
 * Sessions end when they should (issue 11): a password change or a deactivation ends every session
 * of the agent and closes their console sockets at once, a socket stops when its session expires or
 * is deleted, and a deactivated agent's conversations go back to the queue, first in line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConversation, AgentPresence, ChatMessage, SessionEndedEvent } from '@support-chat/shared';
import { SESSION_COOKIE } from '@support-chat/shared';
import { hashToken } from '../src/auth/sessions.js';
import { connected, data, nextEvent, startTestServer, type AgentClient, type TestServer } from './harness.js';

interface Reply {
  status: number;
  cookie: string | null;
  body: { ok: boolean; data?: any; error?: { code: string; message: string } };
}

async function api(t: TestServer, cookie: string | null, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const cookieHeader = response.headers.get('set-cookie')?.split(';')[0] ?? null;
  return { status: response.status, cookie: cookieHeader, body: (await response.json()) as Reply['body'] };
}

const me = async (t: TestServer, cookie: string) => (await api(t, cookie, 'GET', '/api/auth/me')).body.data.agent as { id: string; email: string; name: string };

/** Resolves with why the server ended the socket's session, once it told the client and disconnected it. */
function ended(socket: AgentClient, timeoutMs = 5000): Promise<{ event: SessionEndedEvent; reason: string }> {
  return new Promise((resolve, reject) => {
    let event: SessionEndedEvent | null = null;
    const timer = setTimeout(() => reject(new Error('the socket was not ended')), timeoutMs);
    socket.on('session:ended', (e: SessionEndedEvent) => (event = e));
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      if (!event) reject(new Error(`disconnected (${reason}) without being told why`));
      else resolve({ event, reason });
    });
  });
}

const tokenHashOf = (cookie: string) => hashToken(decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1)));

/**
 * Boss (admin) and Ann online in their consoles, on a server with manual assignment; a visitor
 * asked for a person and Ann claimed them.
 */
async function annHasAVisitor() {
  const t = await startTestServer({ routing: { assignment: 'manual' } });
  const admin = await t.loginAgent('Boss', 'admin');
  const annCookie = await t.loginAgent('Ann');
  const ann = await me(t, annCookie);
  const boss = t.agent(admin);
  const annSocket = t.agent(annCookie);
  await Promise.all([connected(boss), connected(annSocket)]);
  const visitor = t.visitor();
  await connected(visitor);
  const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
  data(await annSocket.emitWithAck('conversation:claim', { conversationId: conversation.id }));
  return { t, admin, annCookie, ann, boss, annSocket, conversation };
}

describe('sessions end when they should', () => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it('ends every session and socket of an agent whose password an admin changed', async () => {
    t = await startTestServer();
    const admin = await t.loginAgent('Boss', 'admin');
    const cookie = await t.loginAgent('Ann');
    const ann = await me(t, cookie);
    const otherTab = await api(t, null, 'POST', '/api/auth/login', { email: ann.email, password: 'password-123' });
    const socket = t.agent(cookie);
    await connected(socket);
    const socketEnded = ended(socket);

    expect((await api(t, admin, 'PATCH', `/api/admin/agents/${ann.id}`, { password: 'a-new-password-1' })).status).toBe(200);

    const { event, reason } = await socketEnded;
    expect(event.reason).toBe('password_changed');
    expect(event.message).toMatch(/password/i);
    expect(reason).toBe('io server disconnect');
    expect((await api(t, cookie, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await api(t, otherTab.cookie, 'GET', '/api/auth/me')).status).toBe(401);
    const again = t.agent(cookie);
    await expect(connected(again)).rejects.toThrow('unauthorized');
    expect((await api(t, null, 'POST', '/api/auth/login', { email: ann.email, password: 'password-123' })).status).toBe(401);
    expect((await api(t, null, 'POST', '/api/auth/login', { email: ann.email, password: 'a-new-password-1' })).status).toBe(200);
  });

  it('lets an admin who changes their own password go on with a fresh session, and ends their others', async () => {
    t = await startTestServer();
    const cookie = await t.loginAgent('Boss', 'admin');
    const boss = await me(t, cookie);
    const elsewhere = (await api(t, null, 'POST', '/api/auth/login', { email: boss.email, password: 'password-123' })).cookie!;
    const here = t.agent(cookie);
    const there = t.agent(elsewhere);
    await Promise.all([connected(here), connected(there)]);
    const thereEnded = ended(there);
    let hereEnded = false;
    here.on('session:ended', () => (hereEnded = true));

    const changed = await api(t, cookie, 'PATCH', `/api/admin/agents/${boss.id}`, { password: 'a-new-password-1' });
    expect(changed.status).toBe(200);
    expect(changed.cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=.+`));
    expect(changed.cookie).not.toBe(cookie);

    expect((await thereEnded).event.reason).toBe('password_changed');
    expect((await api(t, elsewhere, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await api(t, cookie, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await api(t, changed.cookie, 'GET', '/api/auth/me')).status).toBe(200);
    // The console that made the change keeps its socket, now under the fresh session.
    expect(data(await here.emitWithAck('team:list', {})).agents.map((a) => a.name)).toContain('Boss');
    expect(here.connected).toBe(true);
    expect(hereEnded).toBe(false);
    await t.store.deleteSession(tokenHashOf(changed.cookie!));
    expect((await api(t, changed.cookie, 'GET', '/api/auth/me')).status).toBe(401);
  });

  it('stops a socket when its session expires', async () => {
    t = await startTestServer({ sessions: { ttlMs: 1500, recheckMs: 60_000 } });
    const socket = t.agent(await t.loginAgent('Ann'));
    await connected(socket);
    const started = Date.now();
    const { event } = await ended(socket, 5000);
    expect(event.reason).toBe('expired');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('stops a socket whose session was deleted, at the next re-check', async () => {
    t = await startTestServer({ sessions: { recheckMs: 200 } });
    const cookie = await t.loginAgent('Ann');
    const socket = t.agent(cookie);
    await connected(socket);
    const socketEnded = ended(socket, 3000);
    await t.store.deleteSession(tokenHashOf(cookie));
    expect((await socketEnded).event.reason).toBe('ended');
  });
});

describe('deactivating an agent', () => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it('ends their sessions, refuses their login, puts their conversations first in the queue, and can be undone', async () => {
    // Ann takes the first visitor and answers; a second visitor queues after that.
    const setup = await annHasAVisitor();
    t = setup.t;
    const { admin, annCookie, ann, boss, annSocket, conversation } = setup;
    data(await annSocket.emitWithAck('message:send', { conversationId: conversation.id, clientId: 'ann-reply-01', text: 'Hi, Ann here.' }));
    const second = t.visitor();
    await connected(second);
    const later = data(await second.emitWithAck('handoff:request', {})).conversation;
    expect(later.queuePosition).toBe(1);

    const annEnded = ended(annSocket);
    const requeued = nextEvent<AgentConversation>(boss, 'conversation:updated', (c) => c.id === conversation.id && c.status === 'queued');
    // Open consoles drop her from their team lists (not only after a reload).
    const leftTeam = nextEvent<AgentPresence>(boss, 'presence:changed', (p) => p.agentId === ann.id && p.deactivated === true);
    const result = await api(t, admin, 'POST', `/api/admin/agents/${ann.id}/deactivate`);
    expect(result.status).toBe(200);
    expect(result.body.data.agent).toMatchObject({ id: ann.id, deactivatedAt: expect.any(Number) });
    expect(result.body.data.requeued).toBe(1);

    expect((await annEnded).event.reason).toBe('deactivated');
    expect((await requeued).queuePosition).toBe(1);
    expect(await leftTeam).toMatchObject({ name: 'Ann', status: 'offline' });
    expect(await t.store.queuePosition(conversation.id)).toBe(1);
    expect(await t.store.queuePosition(later.id)).toBe(2);
    expect((await api(t, annCookie, 'GET', '/api/auth/me')).status).toBe(401);
    const refused = await api(t, null, 'POST', '/api/auth/login', { email: ann.email, password: 'password-123' });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/deactivated/i);
    // A wrong password says nothing about the account.
    expect((await api(t, null, 'POST', '/api/auth/login', { email: ann.email, password: 'wrong-password' })).status).toBe(401);

    // Gone from the team, not from history.
    await t.server.routing.idle();
    expect(data(await boss.emitWithAck('team:list', {})).agents.map((a) => a.name)).toEqual(['Boss']);
    const listed = (await api(t, admin, 'GET', '/api/admin/agents')).body.data.agents as { id: string; deactivatedAt?: number; status: string }[];
    expect(listed.find((a) => a.id === ann.id)).toMatchObject({ deactivatedAt: expect.any(Number), status: 'offline' });
    const messages = (await t.store.listMessages(conversation.id, { includeNotes: true })) as ChatMessage[];
    expect(messages.find((m) => m.text === 'Hi, Ann here.')?.authorName).toBe('Ann');
    expect(messages.find((m) => m.kind === 'note' && /Ann was deactivated/.test(m.text))?.note).toEqual({ type: 'requeued', agentName: 'Ann', cause: 'deactivated' });
    const transfer = await boss.emitWithAck('conversation:transfer', { conversationId: conversation.id, agentId: ann.id });
    expect(transfer).toMatchObject({ ok: false, error: { code: 'invalid_state', message: expect.stringMatching(/deactivated/) } });

    // One who never connected since the server started, idle: their leaving is told too.
    const cara = await me(t, await t.loginAgent('Cara'));
    const caraLeaves = nextEvent<AgentPresence>(boss, 'presence:changed', (p) => p.agentId === cara.id && p.deactivated === true);
    expect((await api(t, admin, 'POST', `/api/admin/agents/${cara.id}/deactivate`)).status).toBe(200);
    await caraLeaves;

    // Reactivated, Ann is on the team again for the consoles open (before she even signs in).
    const annBack = nextEvent<AgentPresence>(boss, 'presence:changed', (p) => p.agentId === ann.id && !p.deactivated);
    expect((await api(t, admin, 'POST', `/api/admin/agents/${ann.id}/reactivate`)).body.data.agent.deactivatedAt).toBeUndefined();
    expect(await annBack).toMatchObject({ name: 'Ann', status: 'offline' });
    const back = await api(t, null, 'POST', '/api/auth/login', { email: ann.email, password: 'password-123' });
    expect(back.status).toBe(200);
    const annAgain = t.agent(back.cookie!);
    await connected(annAgain);
    expect(data(await annAgain.emitWithAck('team:list', {})).agents.map((a) => a.name).sort()).toEqual(['Ann', 'Boss']);
  });

  it('gives no conversation to a deactivated agent whose socket has not closed yet (on another process)', async () => {
    t = await startTestServer();
    const annCookie = await t.loginAgent('Ann');
    const ann = await me(t, annCookie);
    const socket = t.agent(annCookie);
    await connected(socket);
    // Deactivated in the store only: nothing has told this process to end Ann's socket yet.
    await t.store.deactivateAgent(ann.id, Date.now());
    const visitor = t.visitor();
    await connected(visitor);
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    await t.server.routing.idle();
    expect((await t.store.getConversation(conversation.id))?.status).toBe('queued');
  });

  it('keeps the last active admin, refuses agents, and names unknown ones', async () => {
    t = await startTestServer();
    const admin = await t.loginAgent('Boss', 'admin');
    const second = await t.loginAgent('Cleo', 'admin');
    const agent = await t.loginAgent('Ann');
    const [boss, cleo, ann] = [await me(t, admin), await me(t, second), await me(t, agent)];

    expect((await api(t, agent, 'POST', `/api/admin/agents/${boss.id}/deactivate`)).status).toBe(403);
    expect((await api(t, admin, 'POST', '/api/admin/agents/nobody/deactivate')).status).toBe(404);
    expect((await api(t, admin, 'POST', `/api/admin/agents/${cleo.id}/deactivate`)).status).toBe(200);
    const last = await api(t, admin, 'POST', `/api/admin/agents/${boss.id}/deactivate`);
    expect(last.status).toBe(409);
    expect(last.body.error).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/last active admin/i) });
    // Nor may the last active admin stop being an admin while the other admin is deactivated.
    expect((await api(t, admin, 'PATCH', `/api/admin/agents/${boss.id}`, { role: 'agent' })).body.error?.code).toBe('invalid_state');
    // Deactivating twice, or reactivating an active agent, changes nothing.
    expect((await api(t, admin, 'POST', `/api/admin/agents/${ann.id}/reactivate`)).status).toBe(200);
    expect((await api(t, admin, 'POST', `/api/admin/agents/${cleo.id}/deactivate`)).status).toBe(200);
  });
});

describe("an agent's console language", () => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it('is kept with the account: another sign-in (another device) gets it; anything but a known language is refused', async () => {
    t = await startTestServer();
    const cookie = await t.loginAgent('Mei');
    const mei = await me(t, cookie);
    expect(mei).not.toHaveProperty('locale');
    const saved = await api(t, cookie, 'PUT', '/api/auth/me/preferences', { locale: 'zh-CN' });
    expect(saved.status).toBe(200);
    expect(saved.body.data.agent).toMatchObject({ id: mei.id, locale: 'zh-CN' });

    const elsewhere = await api(t, null, 'POST', '/api/auth/login', { email: mei.email, password: 'password-123' });
    expect(elsewhere.body.data.agent.locale).toBe('zh-CN');
    expect((await me(t, elsewhere.cookie!)) as object).toMatchObject({ locale: 'zh-CN' });

    for (const body of [{ locale: 'fr' }, { locale: 'zh-CN', extra: 1 }, {}]) {
      const refused = await api(t, cookie, 'PUT', '/api/auth/me/preferences', body);
      expect(refused.status).toBe(400);
      expect(refused.body.error?.code).toBe('invalid_payload');
    }
    expect((await api(t, null, 'PUT', '/api/auth/me/preferences', { locale: 'en' })).status).toBe(401);
    expect((await me(t, cookie)) as object).toMatchObject({ locale: 'zh-CN' });
  });
});

describe("an admin's change to an agent", () => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it('reaches their open console: the next reply is signed with the new name, and the team hears it', async () => {
    const setup = await annHasAVisitor();
    t = setup.t;
    const { admin, ann, boss, annSocket, conversation } = setup;
    const send = async (clientId: string) => data(await annSocket.emitWithAck('message:send', { conversationId: conversation.id, clientId, text: 'Hello' })).message;
    expect((await send('ann-reply-01')).authorName).toBe('Ann');

    const renamed = nextEvent<AgentPresence>(boss, 'presence:changed', (p) => p.agentId === ann.id && p.name === 'Ann Lee' && p.capacity === 7);
    expect((await api(t, admin, 'PATCH', `/api/admin/agents/${ann.id}`, { name: 'Ann Lee', capacity: 7 })).status).toBe(200);
    await renamed;
    expect((await send('ann-reply-02')).authorName).toBe('Ann Lee');
  });
});
