/**
 * The knowledge admin API and answer ratings through the whole server: real HTTP, real sockets.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@support-chat/shared';
import { createServer, type SupportChatServer } from '../src/app.js';
import { createOfflineResponder } from '../src/ai/offline-responder.js';
import { createAgent } from '../src/auth/agents.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { createLogger } from '../src/logger.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { connected, data, nextEvent, REPO_ROOT, startTestServer, type TestServer } from './harness.js';

describe('POST /api/admin/knowledge/reindex', () => {
  let dir: string;
  let server: SupportChatServer;
  let store: SqliteStore;
  let url: string;
  let knowledge: KnowledgeBase;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kb-api-'));
    await writeFile(path.join(dir, 'faq.csv'), 'question,answer\nHow long does shipping take?,Three days.\n');
    knowledge = await KnowledgeBase.open({ dir });
    store = SqliteStore.open(':memory:');
    server = await createServer({
      config: { allowedOrigins: '*', widgetDistDir: path.join(REPO_ROOT, 'widget', 'dist'), consoleDistDir: path.join(REPO_ROOT, 'console', 'dist'), demoDir: path.join(REPO_ROOT, 'examples', 'demo'), secret: 'x'.repeat(40), trustProxy: false },
      store,
      responder: createOfflineResponder({ retriever: knowledge }),
      logger: createLogger('silent'),
      knowledge,
    });
    url = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function login(role: 'admin' | 'agent'): Promise<string> {
    const email = `${role}-${Math.random().toString(36).slice(2)}@example.com`;
    await createAgent(store, { email, password: 'password-123', name: role, role });
    const response = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'password-123' }),
    });
    return response.headers.get('set-cookie')!.split(';')[0]!;
  }

  const reindex = (cookie?: string) =>
    fetch(`${url}/api/admin/knowledge/reindex`, { method: 'POST', headers: cookie ? { cookie } : {} });

  it('re-reads the folder for an admin and reports what it loaded', async () => {
    await writeFile(path.join(dir, 'faq.csv'), 'question,answer\nHow long does shipping take?,Three days.\nDo you ship abroad?,Yes.\nbad row\n');
    const response = await reindex(await login('admin'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; data: { entries: number; byLang: Record<string, number>; warnings: string[] } };
    expect(body).toMatchObject({ ok: true, data: { entries: 2, byLang: { en: 2 } } });
    expect(body.data.warnings).toEqual([expect.stringMatching(/^faq\.csv:4:/)]);
    expect(knowledge.size).toBe(2);
  });

  it("counts the folder's synonym groups beside the built-in ones, and they take effect at once", async () => {
    const cookie = await login('admin');
    const before = ((await (await reindex(cookie)).json()) as { data: { synonymGroups: number } }).data.synonymGroups;
    expect(before).toBeGreaterThan(0); // the built-in groups
    expect(await knowledge.search('postage')).toEqual([]);
    await writeFile(path.join(dir, 'synonyms.txt'), 'shipping, postage\nabroad, overseas, international\n');
    const after = ((await (await reindex(cookie)).json()) as { data: { synonymGroups: number } }).data.synonymGroups;
    expect(after).toBe(before + 2);
    expect((await knowledge.search('postage'))[0]?.entry.title).toBe('How long does shipping take?');
    await rm(path.join(dir, 'synonyms.txt'));
    await reindex(cookie);
  });

  it('refuses agents (403) and anonymous requests (401), without re-indexing', async () => {
    await writeFile(path.join(dir, 'more.csv'), 'question,answer\nCan I pay later?,No.\n');
    const before = knowledge.snapshot;
    const agent = await reindex(await login('agent'));
    expect(agent.status).toBe(403);
    expect(await agent.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const anonymous = await reindex();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(knowledge.snapshot).toBe(before);
  });
});

describe('message:rate', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  async function askedAndAnswered() {
    const visitor = t.visitor();
    await connected(visitor);
    const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    const sent = data(await visitor.emitWithAck('message:send', { clientId: `client-${Math.random().toString(36).slice(2, 10)}`, text: 'How do I return an item?' }));
    return { visitor, question: sent.message, answer: await answer };
  }

  it('stores the rating on the AI message and acks the updated message; rating again changes it', async () => {
    const { visitor, answer } = await askedAndAnswered();
    const rated = data(await visitor.emitWithAck('message:rate', { messageId: answer.id, helpful: false }));
    expect(rated.message).toMatchObject({ id: answer.id, feedback: 'not_helpful', text: answer.text });
    data(await visitor.emitWithAck('message:rate', { messageId: answer.id, helpful: true }));
    const [stored] = (await t.store.listMessages(answer.conversationId, {})).filter((m) => m.id === answer.id);
    expect(stored!.feedback).toBe('helpful');
  });

  it('shows the rating at once to agents watching the conversation', async () => {
    const { visitor, answer } = await askedAndAnswered();
    const agent = t.agent(await t.loginAgent('Watcher'));
    await connected(agent);
    data(await agent.emitWithAck('conversation:watch', { conversationId: answer.conversationId }));
    const updated = nextEvent<ChatMessage>(agent, 'message:updated');
    data(await visitor.emitWithAck('message:rate', { messageId: answer.id, helpful: true }));
    expect(await updated).toMatchObject({ id: answer.id, feedback: 'helpful', provenance: { answered: true } });
  });

  it("refuses the visitor's own message, another visitor's answer, and an unknown id", async () => {
    const alice = await askedAndAnswered();
    const bob = await askedAndAnswered();
    for (const messageId of [alice.question.id, bob.answer.id, 'no-such-message-id']) {
      const result = await alice.visitor.emitWithAck('message:rate', { messageId, helpful: true });
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    const bobs = await t.store.listMessages(bob.answer.conversationId, {});
    expect(bobs.find((m) => m.id === bob.answer.id)!.feedback).toBeUndefined();
    expect(await alice.visitor.emitWithAck('message:rate', { messageId: alice.answer.id } as never)).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
  });
});
