import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainEventBus } from '../conversations/events.js';
import { ConversationService } from '../conversations/service.js';
import { searchSchema } from './search-index.js';
import { sqliteLowerTrim } from './sqlite-reads.js';
import { MIGRATIONS, SqliteStore } from './sqlite-store.js';
import { conversationFixture } from './store-contract.js';
import type { MessageDraft, Store } from './types.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-reads-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const unanswered = { responder: 'offline' as const, passageIds: [], scores: [], answered: false, latencyMs: 1 };

async function seed(store: Store): Promise<void> {
  await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
  for (let i = 0; i < 8; i++) {
    const status = (['bot', 'queued', 'assigned', 'closed'] as const)[i % 4]!;
    const id = `c${i}`;
    await store.createConversation(
      conversationFixture({ id, status, assignedAgentId: status === 'assigned' ? 'ag' : null, queuedAt: status === 'queued' ? 5 : null, createdAt: 10 + i, updatedAt: 10 + i }),
    );
    await store.appendMessage(id, { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: `我要退款 order ${i}` }, 20 + i);
    await store.appendMessage(id, { senderId: 'ai', author: 'ai', kind: 'text', text: 'Sorry', provenance: unanswered, feedback: 'helpful' }, 30 + i);
    await store.appendMessage(id, { senderId: 'system', author: 'system', kind: 'event', text: 'q', event: { type: 'queued' } }, 40 + i);
    await store.appendMessage(id, { senderId: 'ag', author: 'agent', kind: 'text', text: 'Hello' }, 50 + i);
  }
}

describe('SqliteStore reads', () => {
  it('runs every report, gaps, search, indexer and inbox query from an index: no full SCAN of messages', async () => {
    // The SQL that really ran (better-sqlite3 logs it with its values), planned again by SQLite:
    // the in-memory store runs the search indexer's reads on the same connection, so they are in it.
    const ran = new Set<string>();
    const store = SqliteStore.open(':memory:', { verbose: (sql) => ran.add(String(sql)) });
    await seed(store);
    ran.clear();
    for (const text of ['refund order', 'ORDER 1', '退款', '退', '我要退款', 'ok', '%', undefined]) {
      await store.searchConversations({ text, limit: 50 });
      await store.searchConversations({ text, status: 'closed', from: 0, to: 100, limit: 50 });
    }
    await store.report({ fromDay: '1970-01-01', toDay: '1970-01-31', timeZone: 'Asia/Shanghai' }, 1000);
    await store.knowledgeGaps(0, 1000, 100);
    await store.knowledgeAnswerOutcomes(0, 1000);
    await store.knowledgeGapCounts([0, 500, 1000]);
    const service = new ConversationService(store, new DomainEventBus(), { now: () => 1000 });
    const inbox = await service.listInbox('ag', { limit: 1 });
    expect(Object.keys(inbox.more).sort()).toEqual(['bot', 'closed', 'mine', 'team']);
    for (const [section, cursor] of Object.entries(inbox.more)) await service.listInbox('ag', { section: section as 'bot', cursor, limit: 1 });
    const queries = [...ran].filter((sql) => /^\s*(SELECT|WITH)/i.test(sql));
    expect(queries.length).toBeGreaterThan(10);

    const dir = tempDir();
    await SqliteStore.open(dir).close();
    // The search index as the reader thread attaches it (its own file there, in memory here).
    const db = new Database(path.join(dir, 'support-chat.sqlite'));
    db.exec("ATTACH DATABASE ':memory:' AS search");
    db.exec(searchSchema('search'));
    const scans = queries.flatMap((sql) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .filter((row) => /^SCAN (messages|m|a|v|h)\b/.test(row.detail))
        .map((row) => `${row.detail}  ←  ${sql.replace(/\s+/g, ' ').slice(0, 120)}`),
    );
    // The report's two queries read one covering index, with no lookup of each conversation in the table.
    const reportQueries = queries.filter((sql) => /FROM conversations\b[^]*WHERE created_at >= \S+ AND created_at < /.test(sql));
    expect(reportQueries).toHaveLength(2);
    const reportPlans = reportQueries.map((sql) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).filter((detail) => /conversations/.test(detail)),
    );
    db.close();
    await store.close();
    expect(scans).toEqual([]);
    expect(reportPlans).toEqual(reportQueries.map(() => ['SEARCH conversations USING COVERING INDEX conversations_report_facts (created_at>? AND created_at<?)']));
  });

  it('indexes the messages and conversations a database held before the search and report columns existed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'support-chat.sqlite');
    const before = MIGRATIONS.findIndex((sql) => sql.includes('GENERATED ALWAYS'));
    const old = new Database(file);
    for (const sql of MIGRATIONS.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    old.prepare('INSERT INTO visitors (id, created_at) VALUES (?, ?)').run('visitor-1', 1);
    old
      .prepare(`INSERT INTO conversations (id, visitor_id, status, locale, context, last_seq, created_at, updated_at)
                VALUES ('old', 'visitor-1', 'closed', 'zh-CN', ?, 2, 10, 30)`)
      .run(JSON.stringify({ attributes: { name: '王芳' } }));
    const insert = old.prepare(`INSERT INTO messages (id, conversation_id, seq, sender_id, kind, created_at, body) VALUES (?, 'old', ?, ?, 'text', ?, ?)`);
    insert.run('m1', 1, 'visitor-1', 20, JSON.stringify({ id: 'm1', conversationId: 'old', seq: 1, author: 'visitor', kind: 'text', text: '发票开错了', createdAt: 20 }));
    insert.run('m2', 2, 'ai', 25, JSON.stringify({ id: 'm2', conversationId: 'old', seq: 2, author: 'ai', kind: 'text', text: '?', provenance: unanswered, feedback: 'not_helpful', createdAt: 25 }));
    old.close();

    const store = SqliteStore.open(dir);
    const ids = async (text: string) => (await store.searchConversations({ text, limit: 5 })).map((c) => c.id);
    expect(await ids('发票')).toEqual(['old']);
    expect(await ids('开错了')).toEqual(['old']);
    expect(await ids('王芳')).toEqual(['old']);
    expect(await store.answerFeedbackCounts(0, 100)).toEqual({ helpful: 0, notHelpful: 1 });
    expect((await store.knowledgeGaps(0, 100, 5)).map((g) => g.question)).toEqual(['发票开错了']);
    await store.close();
  });

  it('answers on disk from the reader thread, seeing every write made before the call', async () => {
    const dir = tempDir();
    const store = SqliteStore.open(dir);
    await seed(store);
    const memory = SqliteStore.open(':memory:');
    await seed(memory);
    const range = { fromDay: '1970-01-01', toDay: '1970-01-01', timeZone: 'UTC' };
    expect(await store.report(range, 1000)).toEqual(await memory.report(range, 1000));
    expect(await store.searchConversations({ text: '退款', limit: 10 })).toEqual(await memory.searchConversations({ text: '退款', limit: 10 }));
    await store.appendMessage('c0', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'just written' }, 60);
    expect((await store.searchConversations({ text: 'just written', limit: 10 })).map((c) => c.id)).toEqual(['c0']);
    await store.close();
    await memory.close();
  });

  it("groups knowledge gaps by SQLite's own lower(trim()): ASCII letters, spaces only", () => {
    const db = new Database(':memory:');
    const cases = ['  Do you sell GIFT cards? ', '\tTabs\t', 'ÄRGER mit Lieferung', 'İstanbul', 'ΣΊΣΥΦΟΣ', '发票 Invoice ', ' \u00a0nbsp\u00a0 ', 'ǅ'];
    for (const text of cases) {
      expect(sqliteLowerTrim(text), JSON.stringify(text)).toBe(db.prepare('SELECT lower(trim(?))').pluck().get(text));
    }
    db.close();
  });

  it('pairs each unanswered reply with its question once, and still counts replies written since and forgets erased ones', async () => {
    const store = SqliteStore.open(':memory:');
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await store.createVisitor({ id: 'visitor-2', createdAt: 1 });
    const ask = async (conversationId: string, visitorId: string, question: string, at: number) => {
      await store.appendMessage(conversationId, { senderId: visitorId, author: 'visitor', kind: 'text', text: question }, at);
      await store.appendMessage(conversationId, { senderId: 'ai', author: 'ai', kind: 'text', text: 'Not found', provenance: unanswered }, at + 1);
    };
    await store.createConversation(conversationFixture({ id: 'a', visitorId: 'visitor-1', createdAt: 10 }));
    await store.createConversation(conversationFixture({ id: 'b', visitorId: 'visitor-2', createdAt: 10 }));
    await ask('a', 'visitor-1', 'Gift cards?', 11);
    const gaps = () => store.knowledgeGaps(0, 1000, 10);
    expect(await gaps()).toEqual([{ question: 'Gift cards?', count: 1, lastAskedAt: 12, conversationId: 'a' }]);
    await ask('b', 'visitor-2', ' gift CARDS?', 21);
    await ask('b', 'visitor-2', 'Invoice', 31);
    expect(await gaps()).toEqual([
      { question: ' gift CARDS?', count: 2, lastAskedAt: 22, conversationId: 'b' },
      { question: 'Invoice', count: 1, lastAskedAt: 32, conversationId: 'b' },
    ]);
    await store.eraseVisitor('visitor-2', 100);
    expect(await gaps()).toEqual([{ question: 'Gift cards?', count: 1, lastAskedAt: 12, conversationId: 'a' }]);
    await store.close();
  });

  it('looks each question up once, and forgets every remembered question when a visitor is erased', async () => {
    let lookups = 0;
    const store = SqliteStore.open(':memory:', { verbose: (sql) => String(sql).startsWith("SELECT text FROM messages WHERE conversation_id") && lookups++ });
    for (const id of ['a', 'b']) {
      await store.createVisitor({ id: `visitor-${id}`, createdAt: 1 });
      await store.createConversation(conversationFixture({ id, visitorId: `visitor-${id}`, createdAt: 10 }));
      await store.appendMessage(id, { senderId: `visitor-${id}`, author: 'visitor', kind: 'text', text: `Question ${id}` }, 11);
      await store.appendMessage(id, { senderId: 'ai', author: 'ai', kind: 'text', text: 'Not found', provenance: unanswered }, 12);
    }
    const gaps = () => store.knowledgeGaps(0, 1000, 10);
    await gaps();
    expect(lookups).toBe(2);
    await gaps();
    expect(lookups).toBe(2);
    await store.eraseVisitor('visitor-b', 100);
    expect((await gaps()).map((g) => g.question)).toEqual(['Question a']);
    // Forgotten with the erasure, the remaining question was looked up again.
    expect(lookups).toBe(3);
    await store.close();
  });

  it('leaves out a reply whose question has no text (an imported row), without failing the gaps', async () => {
    const store = SqliteStore.open(':memory:');
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await store.createConversation(conversationFixture({ id: 'a', visitorId: 'visitor-1', createdAt: 10 }));
    const textless = { senderId: 'visitor-1', author: 'visitor', kind: 'text' } as unknown as MessageDraft;
    await store.appendMessage('a', textless, 11);
    await store.appendMessage('a', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Not found', provenance: unanswered }, 12);
    expect(await store.knowledgeGaps(0, 1000, 10)).toEqual([]);
    await store.close();
  });
});
