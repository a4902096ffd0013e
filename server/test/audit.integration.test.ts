/**
 * The audit log through the whole server (issue 11): agents' moves on real sockets and admins'
 * changes over real HTTP are recorded with who did them, admins page and filter the log, and
 * nobody else may read it. The store is a SQLite file with its writer thread, as in production.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditPage } from '@support-chat/shared';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { connected, data, startTestServer, type AgentClient, type TestServer } from './harness.js';

async function api(t: TestServer, cookie: string | null, method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as { ok: boolean; data?: any; error?: { code: string; message: string } } };
}

/** What an entry says, without its id and time. */
const said = (e: AuditEntry) => [e.actor.name, e.action, e.target.type, e.target.id, e.detail];

describe('the audit log', () => {
  let t: TestServer;
  let dir: string;
  let boss: string;
  let bossId: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-audit-'));
    fs.writeFileSync(path.join(dir, 'faq.csv'), 'question,answer\nHow long does shipping take?,Three days.\n');
    t = await startTestServer({
      store: SqliteStore.open(path.join(dir, 'data')),
      routing: { assignment: 'manual' },
      knowledge: await KnowledgeBase.open({ dir }),
    });
    boss = await t.loginAgent('Boss', 'admin');
    bossId = (await api(t, boss, 'GET', '/api/auth/me')).body.data.agent.id;
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const log = async (query = '') => (await api(t, boss, 'GET', `/api/admin/audit${query}`)).body.data as AuditPage;

  async function online(name: string): Promise<{ socket: AgentClient; id: string; cookie: string }> {
    const cookie = await t.loginAgent(name);
    const socket = t.agent(cookie);
    await connected(socket);
    await t.server.routing.idle();
    const id = (await api(t, cookie, 'GET', '/api/auth/me')).body.data.agent.id as string;
    return { socket, id, cookie };
  }

  it('records claims, transfers, hand-backs, reopens and closes with the agent who made them', async () => {
    const ann = await online('Ann');
    const ben = await online('Ben');
    const visitor = t.visitor();
    await connected(visitor);
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    const target = { type: 'conversation', id: conversation.id };

    data(await ann.socket.emitWithAck('conversation:claim', { conversationId: conversation.id }));
    // The ack waited for the entry: it is there as soon as the agent's console knows.
    expect(said((await log()).entries[0]!)).toEqual(['Ann', 'conversation.claimed', ...Object.values(target), {}]);
    data(await ann.socket.emitWithAck('conversation:transfer', { conversationId: conversation.id, agentId: ben.id }));
    data(await ben.socket.emitWithAck('conversation:handback', { conversationId: conversation.id }));
    data(await ben.socket.emitWithAck('conversation:claim', { conversationId: conversation.id }));
    data(await ben.socket.emitWithAck('conversation:close', { conversationId: conversation.id }));
    data(await ann.socket.emitWithAck('conversation:reopen', { conversationId: conversation.id }));
    // Refused moves are not recorded.
    expect(await ben.socket.emitWithAck('conversation:close', { conversationId: conversation.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const moves = (await log('?limit=200')).entries.filter((e) => e.target.type === 'conversation').reverse();
    expect(moves.map(said)).toEqual([
      ['Ann', 'conversation.claimed', 'conversation', conversation.id, {}],
      ['Ann', 'conversation.transferred', 'conversation', conversation.id, { toAgentId: ben.id, toAgentName: 'Ben' }],
      ['Ben', 'conversation.handed_back', 'conversation', conversation.id, {}],
      ['Ben', 'conversation.claimed', 'conversation', conversation.id, {}],
      ['Ben', 'conversation.closed', 'conversation', conversation.id, {}],
      ['Ann', 'conversation.reopened', 'conversation', conversation.id, {}],
    ]);
    expect(moves.map((e) => e.actor.id)).toEqual([ann.id, ann.id, ben.id, ben.id, ben.id, ann.id]);
    // Stored durably by the writer thread, in the store's own table.
    expect(await t.store.listAudit({ limit: 200, actorId: ben.id, action: 'conversation.closed' })).toHaveLength(1);
  });

  it('records settings, canned replies, the team, re-indexing and sign-ins, and never a password', async () => {
    const settings = (await api(t, boss, 'GET', '/api/admin/settings/routing')).body.data.settings;
    await api(t, boss, 'PUT', '/api/admin/settings/routing', {
      ...settings,
      assignment: 'auto',
      handoffKeywords: ['complaint', '投诉'],
      businessHours: { timeZone: 'Asia/Shanghai', days: { mon: [['09:00', '18:00']] } },
      labelRules: [], // as the console's form sends it: none, as before (not a change)
    });
    const created = await api(t, boss, 'POST', '/api/admin/agents', { email: 'cara@example.com', password: 'password-123', name: 'Cara', capacity: 3 });
    const cara = created.body.data.agent.id as string;
    await api(t, boss, 'PATCH', `/api/admin/agents/${cara}`, { capacity: 4, password: 'secret-password-9' });
    const reply = (await api(t, boss, 'POST', '/api/admin/canned-replies', { shortcut: 'hello', text: 'Hello there!' })).body.data.reply.id as string;
    await api(t, boss, 'PUT', `/api/admin/canned-replies/${reply}`, { shortcut: 'hello', text: 'Hi!' });
    await api(t, boss, 'DELETE', `/api/admin/canned-replies/${reply}`);
    expect((await api(t, boss, 'POST', '/api/admin/knowledge/reindex')).status).toBe(200);
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cara@example.com', password: 'secret-password-9' }),
    });
    const caraCookie = login.headers.get('set-cookie')!.split(';')[0]!;
    await api(t, caraCookie, 'POST', '/api/auth/logout');
    expect((await api(t, boss, 'POST', `/api/admin/agents/${cara}/deactivate`)).status).toBe(200);
    expect((await api(t, boss, 'POST', `/api/admin/agents/${cara}/reactivate`)).status).toBe(200);

    const entries = (await log('?limit=200')).entries.reverse();
    expect(entries.map(said)).toEqual([
      ['Boss', 'agent.logged_in', 'agent', bossId, {}],
      ['Boss', 'settings.routing_changed', 'setting', 'routing', { changed: ['assignment', 'handoffKeywords', 'businessHours'], assignment: 'auto' }],
      ['Boss', 'agent.created', 'agent', cara, { name: 'Cara', email: 'cara@example.com', role: 'agent', capacity: 3 }],
      ['Boss', 'agent.updated', 'agent', cara, { capacity: 4, changed: ['capacity', 'password'], password: 'changed' }],
      ['Boss', 'canned_reply.created', 'canned_reply', reply, { shortcut: 'hello' }],
      ['Boss', 'canned_reply.updated', 'canned_reply', reply, { shortcut: 'hello' }],
      ['Boss', 'canned_reply.deleted', 'canned_reply', reply, { shortcut: 'hello' }],
      ['Boss', 'knowledge.reindexed', 'knowledge', 'knowledge', { entries: 1, ok: true }],
      ['Cara', 'agent.logged_in', 'agent', cara, {}],
      ['Cara', 'agent.logged_out', 'agent', cara, {}],
      ['Boss', 'agent.deactivated', 'agent', cara, { name: 'Cara', requeued: 0 }],
      ['Boss', 'agent.reactivated', 'agent', cara, { name: 'Cara' }],
    ]);
    expect(JSON.stringify(entries)).not.toContain('secret-password-9');
  });

  it('pages newest first by cursor, filters by agent and action, and refuses bad queries', async () => {
    for (let i = 0; i < 5; i++) await api(t, boss, 'POST', '/api/admin/canned-replies', { shortcut: `r${i}`, text: `Reply ${i}` });
    const first = await log('?limit=2&action=canned_reply.created');
    expect(first.entries.map((e) => e.detail.shortcut)).toEqual(['r4', 'r3']);
    const second = await log(`?limit=2&action=canned_reply.created&cursor=${first.next}`);
    const third = await log(`?limit=2&action=canned_reply.created&cursor=${second.next}`);
    expect([...second.entries, ...third.entries].map((e) => e.detail.shortcut)).toEqual(['r2', 'r1', 'r0']);
    expect(third.next).toBeUndefined();
    expect((await log(`?actor=${bossId}&limit=200`)).entries).toHaveLength(6);
    expect((await log('?actor=nobody')).entries).toEqual([]);

    for (const query of ['?action=conversation.deleted', '?cursor=nonsense', '?limit=0', '?limit=1000', '?extra=1']) {
      const refused = await api(t, boss, 'GET', `/api/admin/audit${query}`);
      expect([query, refused.status, refused.body.error?.code]).toEqual([query, 400, 'invalid_payload']);
    }
  });

  it('is for admins only', async () => {
    const agent = await t.loginAgent('Ann');
    expect((await api(t, null, 'GET', '/api/admin/audit')).status).toBe(401);
    const refused = await api(t, agent, 'GET', '/api/admin/audit');
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'forbidden']);
  });
});
