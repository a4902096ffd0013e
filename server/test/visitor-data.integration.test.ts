/**
 * GDPR export and erasure of one visitor through the whole server (issue 11), on both stores:
 * real visitor and agent sockets, real HTTP. A visitor's chats (answers rated, a person, a note,
 * a conversation rated, a message left) are exported whole and nothing of another visitor's;
 * after an erasure nothing of them can be read, searched from the console or exported, their
 * sockets are gone, consoles drop their conversations, the other visitor is intact, and the
 * audit log says who exported and erased, without the content.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditPage, ChatMessage, VisitorExport } from '@support-chat/shared';
import { PostgresStore } from '../src/store/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/types.js';
import { connected, data, nextEvent, startTestServer, type AgentClient, type TestServer, type VisitorClient } from './harness.js';
import { postgresUnreachable, skipWithoutPostgres, testSchemas, TEST_DATABASE_URL } from './postgres.js';

const unreachable = await postgresUnreachable();
const schemas = testSchemas();
afterAll(async () => {
  if (!unreachable) await schemas.dropAll();
});

const stores: [string, () => Promise<Store>, boolean][] = [
  ['SQLite (file, writer and reader threads)', async () => SqliteStore.open(fs.mkdtempSync(path.join(os.tmpdir(), 'sc-gdpr-'))), false],
  ['PostgreSQL', () => PostgresStore.open(TEST_DATABASE_URL, { schema: schemas.schema(), max: 4 }), skipWithoutPostgres('visitor data on PostgreSQL', unreachable)],
];

async function api(t: TestServer, cookie: string | null, method: string, path: string) {
  const response = await fetch(`${t.url}${path}`, { method, headers: cookie ? { cookie } : {} });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe.each(stores)('one visitor’s data on %s', (_name, open, skip) => {
  let t: TestServer;
  let boss: string;
  let ann: AgentClient;
  let annCookie: string;

  beforeEach(async ({ skip: skipTest }) => {
    if (skip) skipTest();
    t = await startTestServer({ store: await open(), routing: { assignment: 'manual' } });
    boss = await t.loginAgent('Boss', 'admin');
    annCookie = await t.loginAgent('Ann');
    ann = t.agent(annCookie);
    await connected(ann);
  });
  afterEach(async () => {
    await t?.close();
  });

  /** A visitor who chats: asks, is answered by the AI, rates the answer. */
  async function visitorAsks(text: string, context: object): Promise<{ socket: VisitorClient; token: string; visitorId: string; conversationId: string; answer: ChatMessage }> {
    const socket = t.visitor();
    await connected(socket);
    const session = data(await socket.emitWithAck('conversation:resume', { afterSeq: 0, context }));
    const answered = nextEvent<ChatMessage>(socket, 'message:created', (m) => m.author === 'ai');
    const { conversation } = data(await socket.emitWithAck('message:send', { clientId: `q-${Math.random().toString(36).slice(2, 10)}`, text }));
    const answer = await answered;
    data(await socket.emitWithAck('message:rate', { messageId: answer.id, helpful: false }));
    return { socket, token: session.token, visitorId: session.visitorId, conversationId: conversation.id, answer };
  }

  it('exports all of one visitor and nothing of another, then erases them everywhere and leaves the other intact', async () => {
    const ada = await visitorAsks('My order A-1001 never arrived, 退款 please', {
      pageUrl: 'https://shop.example/orders/a-1001',
      userAgent: 'AdaBrowser/7.0',
      attributes: { email: 'ada@private.example', name: 'Ada Lovelace' },
    });
    const bea = await visitorAsks('Where is parcel B-2002?', { pageUrl: 'https://shop.example/track', attributes: { email: 'bea@shop.example' } });

    // Ada talks to Ann, who notes something, closes; Ada rates, then leaves a message.
    data(await ada.socket.emitWithAck('handoff:request', {}));
    data(await ann.emitWithAck('conversation:claim', { conversationId: ada.conversationId }));
    data(await ann.emitWithAck('message:send', { conversationId: ada.conversationId, clientId: 'ann-00001', text: 'Sorry Ada, refund issued.' }));
    data(await ann.emitWithAck('note:add', { conversationId: ada.conversationId, clientId: 'ann-00002', text: 'Ada is a VIP, gave 10% off' }));
    data(await ann.emitWithAck('conversation:close', { conversationId: ada.conversationId }));
    data(await ada.socket.emitWithAck('conversation:rate', { conversationId: ada.conversationId, score: 2, comment: 'Took ages' }));
    const left = data(await ada.socket.emitWithAck('offline:leave', { clientId: 'ada-left-01', email: 'ada@private.example', name: 'Ada', text: 'Call me on 555-0100' }));
    await t.server.router.idle();
    // The left message's hand-off note is written after the ack, by the team routing: the export
    // below must see it (it raced the export once, with the writer's faster commits).
    await t.server.routing.idle();

    // The export: an attachment, every conversation and message of Ada's, none of Bea's.
    const exported = await fetch(`${t.url}/api/admin/visitors/${ada.visitorId}/export`, { headers: { cookie: boss } });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="visitor-${ada.visitorId}.json"`);
    const file = (await exported.json()) as VisitorExport;
    expect(file).toMatchObject({ format: 'support-chat.visitor-export.v1', visitorId: ada.visitorId });
    expect(file.conversations.map((c) => c.id)).toEqual([ada.conversationId, left.conversation.id]);
    const [first, second] = file.conversations;
    expect(first!.context).toMatchObject({ userAgent: 'AdaBrowser/7.0', attributes: { email: 'ada@private.example', name: 'Ada Lovelace' } });
    expect(first!.rating).toMatchObject({ score: 2, comment: 'Took ages' });
    expect(second!.leftMessage).toEqual({ email: 'ada@private.example', name: 'Ada' });
    for (const c of file.conversations) {
      expect(c.messages).toEqual(await t.store.listMessages(c.id, { includeNotes: true }));
    }
    const texts = file.conversations.flatMap((c) => c.messages.map((m) => m.text));
    expect(texts).toEqual(expect.arrayContaining(['My order A-1001 never arrived, 退款 please', 'Sorry Ada, refund issued.', 'Ada is a VIP, gave 10% off', 'Call me on 555-0100']));
    expect(first!.messages.find((m) => m.id === ada.answer.id)?.feedback).toBe('not_helpful');
    const whole = JSON.stringify(file);
    for (const other of [bea.visitorId, bea.conversationId, 'B-2002', 'bea@shop.example']) expect(whole).not.toContain(other);

    // Only admins.
    for (const [cookie, status] of [[null, 401], [annCookie, 403]] as const) {
      expect((await api(t, cookie, 'GET', `/api/admin/visitors/${ada.visitorId}/export`)).status).toBe(status);
      expect((await api(t, cookie, 'DELETE', `/api/admin/visitors/${ada.visitorId}`)).status).toBe(status);
    }
    expect(await t.store.getConversation(ada.conversationId)).not.toBeNull();

    // The erasure: Ada's sockets are closed, consoles drop her conversations.
    const adaGone = new Promise<string>((resolve) => ada.socket.once('disconnect', resolve));
    const dropped = nextEvent<{ visitorId: string; conversationIds: string[] }>(ann, 'conversations:erased');
    const erased = await api(t, boss, 'DELETE', `/api/admin/visitors/${ada.visitorId}`);
    expect(erased.status).toBe(200);
    expect(erased.body.data.erased).toEqual({ visitorId: ada.visitorId, conversations: 2, messages: first!.messages.length + second!.messages.length, attachments: 0 });
    expect(await adaGone).toBe('io server disconnect');
    expect(await dropped).toEqual({ visitorId: ada.visitorId, conversationIds: [ada.conversationId, left.conversation.id] });

    // Nothing of Ada can be read, searched or exported.
    expect(await t.store.getConversation(ada.conversationId)).toBeNull();
    expect(await t.store.listMessages(ada.conversationId, { includeNotes: true })).toEqual([]);
    expect(await t.store.getVisitor(ada.visitorId)).toMatchObject({ createdAt: 0 }); // a bare record: see below
    expect(await ann.emitWithAck('conversation:watch', { conversationId: ada.conversationId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const search = async (query: string) => data(await ann.emitWithAck('inbox:search', { query })).conversations.map((c) => c.id);
    for (const query of ['A-1001', '退款', 'refund issued', 'VIP', '555-0100', 'ada@private', 'Lovelace', 'AdaBrowser', ada.visitorId]) {
      expect([query, await search(query)]).toEqual([query, []]);
    }
    expect((await api(t, boss, 'GET', `/api/admin/visitors/${ada.visitorId}/export`)).body.error.code).toBe('not_found');
    expect((await api(t, boss, 'DELETE', `/api/admin/visitors/${ada.visitorId}`)).status).toBe(404);
    // Her page comes back as a new visitor, not as the erased one: a token that had stopped
    // opening her chat when it moved to another browser (an emailed link) came back to life with
    // the erased record, and read whatever was written next as her (a review). No 'moved' notice.
    const adaBack = t.visitor(ada.token);
    await connected(adaBack);
    const afresh = data(await adaBack.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(afresh.visitorId).not.toBe(ada.visitorId);
    expect(afresh.conversation).toBeNull();
    expect(afresh.welcome.en.greeting).not.toMatch(/continues in the browser/);
    expect((await fetch(`${t.url}/api/visitor/attachments/${'a'.repeat(22)}`, { headers: { authorization: `Bearer ${ada.token}` } })).status).toBe(401);
    adaBack.disconnect();

    // Bea is whole: readable, searchable (what she writes next too), exportable.
    expect(await search('B-2002')).toEqual([bea.conversationId]);
    expect(await search('bea@shop')).toEqual([bea.conversationId]);
    data(await bea.socket.emitWithAck('message:send', { clientId: 'bea-000002', text: 'Found it, merci beaucoup' }));
    expect(await search('merci beaucoup')).toEqual([bea.conversationId]);
    const beaFile = (await api(t, boss, 'GET', `/api/admin/visitors/${bea.visitorId}/export`)).body as VisitorExport;
    expect(beaFile.conversations[0]!.messages.map((m) => m.text)).toEqual(expect.arrayContaining(['Where is parcel B-2002?', 'Found it, merci beaucoup']));
    expect(bea.socket.connected).toBe(true);

    // The audit log: who exported and erased whom, counts only.
    const audit = (await api(t, boss, 'GET', '/api/admin/audit?limit=200')).body.data as AuditPage;
    const privacy = audit.entries.filter((e) => e.action.startsWith('visitor.')).reverse();
    expect(privacy.map((e) => [e.actor.name, e.action, e.target, e.detail])).toEqual([
      ['Boss', 'visitor.exported', { type: 'visitor', id: ada.visitorId }, { conversations: 2, messages: file.conversations.reduce((n, c) => n + c.messages.length, 0) }],
      ['Boss', 'visitor.erased', { type: 'visitor', id: ada.visitorId }, { conversations: 2 }],
      ['Boss', 'visitor.exported', { type: 'visitor', id: bea.visitorId }, { conversations: 1, messages: beaFile.conversations[0]!.messages.length }],
    ]);
    for (const content of ['A-1001', 'ada@private', 'Lovelace', 'VIP', '555-0100']) expect(JSON.stringify(audit)).not.toContain(content);
  });

  it('refuses what is not a visitor id', async () => {
    for (const bad of ['a%20b', 'x'.repeat(65), 'a.b']) {
      const answer = await api(t, boss, 'DELETE', `/api/admin/visitors/${bad}`);
      expect([bad, answer.status, answer.body.error?.code]).toEqual([bad, 400, 'invalid_payload']);
    }
    expect((await api(t, boss, 'GET', '/api/admin/visitors/never-seen/export')).status).toBe(404);
  });
});
