/**
 * The model path through the whole server: a real OpenAI-compatible HTTP server (the fake),
 * the real `openai` client inside the OpenAI responder, the offline fallback, real sockets.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@support-chat/shared';
import { createLogger } from '../src/logger.js';
import { createKnowledgeIndex } from '../src/knowledge/bm25-index.js';
import { chooseResponder } from '../src/responders.js';
import { createFakeOpenAI, type FakeOpenAI } from './fake-openai.js';
import { connected, data, demoKnowledge, DEMO_KNOWLEDGE_DIR, nextEvent, startTestServer, type TestServer } from './harness.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import type { KnowledgeGapGroup } from '@support-chat/shared';
import { stored } from './harness.js';

describe('answers through an OpenAI-compatible endpoint', () => {
  let fake: FakeOpenAI;
  let t: TestServer;

  beforeEach(async () => {
    fake = await createFakeOpenAI();
    const retriever = createKnowledgeIndex(await demoKnowledge());
    const responder = chooseResponder(
      { openai: { apiKey: 'test-key', baseURL: fake.baseURL, model: 'fake-model', timeoutMs: 2000 } },
      retriever,
      createLogger('silent'),
    );
    t = await startTestServer({ responder });
  });
  afterEach(async () => {
    await t.close();
    await fake.close();
  });

  it('streams the model answer to the visitor and stores it once, with its sources', async () => {
    fake.reply({ text: 'Start a return from My account → Orders within 30 days [1].', chunkSize: 6, delayMs: 5 });
    const visitor = t.visitor();
    await connected(visitor);
    const tokens: string[] = [];
    const offsets: number[] = [];
    visitor.on('ai:token', (e) => (tokens.push(e.delta), offsets.push(e.at)));
    const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    const question = 'Hello, how can I return an item, please?';
    data(await visitor.emitWithAck('message:send', { clientId: 'client-0001', text: question }));
    const reply = await answer;

    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens.join('')).toBe(reply.text);
    // Each delta says where it starts: a client that joins midway can tell (and waits).
    expect(offsets).toEqual(tokens.map((_, i) => tokens.slice(0, i).join('').length));
    expect(reply.text).toContain('30 days');
    expect((await stored(t, reply)).provenance).toMatchObject({ responder: 'openai', model: 'fake-model', answered: true });
    expect(reply.sources?.[0]?.title).toMatch(/return/i);
    const [request] = fake.chatRequests();
    expect(request?.stream).toBe(true);
    // Passages go in the system side; the visitor's words only in a user turn.
    const system = request!.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    expect(system).toMatch(/return/i);
    expect(system).not.toContain(question);
    expect(request!.messages.at(-1)).toMatchObject({ role: 'user', content: expect.stringContaining(question) });
  });

  it('drops a stream cut mid-answer and answers from the knowledge base instead', async () => {
    fake.reply({ text: 'Returns are accepted within thirty days of delivery as long as', chunkSize: 8, cutAfterChunks: 3 });
    const visitor = t.visitor();
    await connected(visitor);
    const aborted = nextEvent<{ streamId: string }>(visitor, 'ai:stream-aborted');
    const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    data(await visitor.emitWithAck('message:send', { clientId: 'client-0001', text: 'How do I return an item?' }));
    const cut = await aborted;
    const reply = await answer;
    expect(reply.streamId).not.toBe(cut.streamId);
    expect((await stored(t, reply)).provenance?.responder).toBe('offline');
    expect(reply.text).not.toContain('as long as');
    const { messages } = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(messages.filter((m) => m.author === 'ai')).toHaveLength(1);
  });

  it('falls back when the endpoint answers 500 or 429', async () => {
    // One retry each (nothing was shown yet), then the offline answer.
    fake.reply({ status: 500 }, { status: 500 });
    const visitor = t.visitor();
    await connected(visitor);
    const first = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    data(await visitor.emitWithAck('message:send', { clientId: 'client-0001', text: 'How long does shipping take?' }));
    expect((await stored(t, await first)).provenance?.responder).toBe('offline');

    fake.reply({ status: 429, retryAfter: 30 });
    const second = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai' && m.seq > 2);
    data(await visitor.emitWithAck('message:send', { clientId: 'client-0002', text: 'When will I get my refund?' }));
    expect((await stored(t, await second)).provenance?.responder).toBe('offline');
    // A Retry-After longer than the visitor should wait is not waited out: no second request.
    expect(fake.chatRequests()).toHaveLength(3);
  });
});

describe('knowledge gaps while a model answers', () => {
  it('are never marked answered by the words alone: the model found a confident match wanting', async () => {
    const fake = await createFakeOpenAI();
    const knowledge = await KnowledgeBase.open({ dir: DEMO_KNOWLEDGE_DIR });
    const responder = chooseResponder(
      { openai: { apiKey: 'test-key', baseURL: fake.baseURL, model: 'fake-model', timeoutMs: 2000 } },
      knowledge,
      createLogger('silent'),
    );
    const t = await startTestServer({ responder, knowledge });
    try {
      // The lexical match is confident (the offline responder would answer it); the model declines.
      fake.reply({ text: 'NO_ANSWER' });
      const visitor = t.visitor();
      await connected(visitor);
      const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
      data(await visitor.emitWithAck('message:send', { clientId: 'client-0001', text: 'How do I return an item?' }));
      expect((await stored(t, await answer)).provenance).toMatchObject({ responder: 'openai', answered: false });
      const cookie = await t.loginAgent('Lead', 'admin');
      const response = await fetch(`${t.url}/api/admin/knowledge/gap-groups?days=7`, { headers: { cookie } });
      const { gaps } = ((await response.json()) as { data: { gaps: KnowledgeGapGroup[] } }).data;
      expect(gaps).toEqual([expect.objectContaining({ question: 'How do I return an item?' })]);
      expect(gaps[0]!.answeredBy).toBeUndefined();
    } finally {
      await t.close();
      knowledge.close();
      await fake.close();
    }
  });
});
