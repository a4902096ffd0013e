/**
 * Learning from conversations (issue 14), through the whole server on both stores: visitors ask
 * what the demo knowledge cannot answer, an agent answers them over a real socket, the server
 * proposes knowledge changes (near-duplicates merged), an admin accepts (as is, edited),
 * rejects, and the next visitor asking in other words gets the AI's answer. Audit-logged. Erasing
 * a visitor (GDPR) takes their questions out of the proposals.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditPage, ChatMessage, KnowledgeGapGroup, KnowledgeProposal } from '@support-chat/shared';
import { createOfflineResponder } from '../src/ai/offline-responder.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { storeKnowledgeSources } from '../src/knowledge/learning/learn-phrasing.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/types.js';
import { connected, data, DEMO_KNOWLEDGE_DIR, nextEvent, startTestServer, stored, type AgentClient, type TestServer } from './harness.js';
import { postgresUnreachable, skipWithoutPostgres, testSchemas, TEST_DATABASE_URL } from './postgres.js';

const unreachable = await postgresUnreachable();
const schemas = testSchemas();
afterAll(async () => {
  if (!unreachable) await schemas.dropAll();
});

const stores: [string, () => Promise<Store>, boolean][] = [
  ['SQLite', async () => SqliteStore.open(fs.mkdtempSync(path.join(os.tmpdir(), 'sc-learn-')), { writer: 'loop' }), false],
  ['PostgreSQL', () => PostgresStore.open(TEST_DATABASE_URL, { schema: schemas.schema(), max: 4 }), skipWithoutPostgres('learning on PostgreSQL', unreachable)],
];

const PRICE_ENTRY = 'en/refunds.md#the-price-dropped-after-i-bought-it-can-i-get-the-difference';

describe.each(stores)('learning from conversations on %s', (_name, open, skip) => {
  let t: TestServer;
  let knowledge: KnowledgeBase;
  let admin: string;
  let annCookie: string;
  let ann: AgentClient;

  beforeEach(async ({ skip: skipTest }) => {
    if (skip) skipTest();
    const store = await open();
    knowledge = await KnowledgeBase.open({ dir: DEMO_KNOWLEDGE_DIR, ...storeKnowledgeSources(store) });
    t = await startTestServer({ store, knowledge, responder: createOfflineResponder({ retriever: knowledge }), routing: { assignment: 'manual' } });
    admin = await t.loginAgent('Lead', 'admin');
    annCookie = await t.loginAgent('Ann');
    ann = t.agent(annCookie);
    await connected(ann);
  });
  afterEach(async () => {
    ann?.disconnect();
    await t?.close();
    knowledge?.close();
  });

  const api = async <T>(path: string, cookie = admin, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${t.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: (await response.json()) as { ok: boolean; data: T; error?: { code: string; message: string } } };
  };
  const proposals = async () => (await api<{ proposals: KnowledgeProposal[] }>('/api/admin/knowledge/proposals')).body.data.proposals;

  /** A visitor asks; the AI answers (or not); returns the stored AI message. */
  async function ask(text: string): Promise<ChatMessage> {
    const visitor = t.visitor();
    await connected(visitor);
    const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    data(await visitor.emitWithAck('message:send', { clientId: `q-${Math.random().toString(36).slice(2, 10)}`, text }));
    const message = await answer;
    visitor.disconnect();
    return stored(t, message);
  }

  /** A visitor asks what the AI cannot answer, asks for a person, and Ann answers; the conversation's id. */
  async function agentAnswers(question: string, reply: string): Promise<string> {
    const visitor = t.visitor();
    await connected(visitor);
    const unanswered = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    const { conversation } = data(await visitor.emitWithAck('message:send', { clientId: `q-${Math.random().toString(36).slice(2, 10)}`, text: question }));
    expect((await stored(t, await unanswered)).provenance?.answered).toBe(false);
    const queued = nextEvent<{ id: string; status: string }>(ann, 'conversation:updated', (c) => c.id === conversation.id && c.status === 'queued');
    data(await visitor.emitWithAck('message:send', { clientId: `h-${Math.random().toString(36).slice(2, 10)}`, text: 'I want to talk to a person' }));
    await queued;
    data(await ann.emitWithAck('conversation:claim', { conversationId: conversation.id }));
    data(await ann.emitWithAck('message:send', { conversationId: conversation.id, clientId: `a-${Math.random().toString(36).slice(2, 10)}`, text: 'Hi!' }));
    data(await ann.emitWithAck('message:send', { conversationId: conversation.id, clientId: `a-${Math.random().toString(36).slice(2, 10)}`, text: reply }));
    visitor.disconnect();
    return conversation.id;
  }

  it('agents’ replies become proposals; accepted (as is, edited, a phrasing of a file entry) the AI answers the next visitor; rejected ones go', async () => {
    const students = 'Yes! Students get 10% off everything with a valid student email, applied at checkout.';
    await agentAnswers('Do you offer student discounts?', students);
    await agentAnswers('is there a discount for students?', students);
    await agentAnswers('Can I bring my dog into the store?', 'Hello, yes, dogs on a lead are welcome in our Portland showroom.');
    const priceAnswer = knowledge.entries.find((e) => e.id === PRICE_ENTRY)!.body;
    await agentAnswers('Will you match a lower price from another shop?', priceAnswer);
    await agentAnswers('my toaster smells like burning plastic', 'Please unplug it and send us a photo, we will look into it.');

    await expect.poll(async () => (await proposals()).length, { timeout: 5000 }).toBe(4);
    const all = await proposals();
    const [student, dog, price, toaster] = ['student', 'dog', 'lower price', 'toaster'].map((word) => all.find((p) => p.examples[0]!.question.includes(word))!);
    // Most asked first; the rewording merged into the first.
    expect(all[0]).toBe(student);
    expect(student).toMatchObject({ kind: 'entry', trigger: 'gap', count: 2, question: 'Do you offer student discounts?', answer: students });
    expect(student!.examples.map((e) => e.agentName)).toEqual(['Ann', 'Ann']);
    expect(dog).toMatchObject({ kind: 'entry', answer: 'yes, dogs on a lead are welcome in our Portland showroom.' });
    expect(price).toMatchObject({ kind: 'phrasing', entryId: PRICE_ENTRY, question: 'Will you match a lower price from another shop?' });

    // This week's gaps, the rewording counted with its question.
    const gaps = (await api<{ gaps: KnowledgeGapGroup[] }>('/api/admin/knowledge/gap-groups?days=7')).body.data.gaps;
    expect(gaps[0]).toMatchObject({ question: expect.stringMatching(/student/), count: 2 });
    expect(gaps[0]!.variants).toHaveLength(1);
    expect(gaps).toHaveLength(4);
    expect(gaps.filter((g) => g.answeredBy)).toEqual([]);

    // Only those allowed to manage the knowledge review.
    expect((await api('/api/admin/knowledge/proposals', annCookie)).status).toBe(403);
    const accept = (p: KnowledgeProposal, body: object = {}) => api<{ entryId: string }>(`/api/admin/knowledge/proposals/${p.id}/accept`, admin, { method: 'POST', body });

    expect((await accept(student!)).status).toBe(200);
    expect((await accept(student!)).body.error?.code).toBe('conflict'); // decided once
    const edited = await accept(dog!, { entry: { question: 'Can I bring my dog to the showroom?', phrasings: ['Are pets allowed in the store?'], answer: 'Yes: dogs on a lead are welcome in the **Portland showroom**.', lang: 'en', tags: ['showroom'] } });
    expect(edited.status).toBe(200);
    expect(edited.body.data.entryId).toMatch(/^console#/);
    expect((await accept(dog!, { phrasing: 'x' })).body.error?.code).toBe('invalid_payload'); // an entry proposal takes an entry
    expect((await accept(price!)).body.data.entryId).toBe(PRICE_ENTRY);
    expect((await api(`/api/admin/knowledge/proposals/${toaster!.id}/reject`, admin, { method: 'POST' })).status).toBe(200);
    expect(await proposals()).toEqual([]);

    // The gaps the accepted proposals answer are marked so, after the one still open (the
    // toaster's, rejected): they were listed as if nothing had been done (a probe).
    const after = (await api<{ gaps: KnowledgeGapGroup[] }>('/api/admin/knowledge/gap-groups?days=7')).body.data.gaps;
    expect(after.map((g) => [/student|dog|price|toaster/.exec(g.question)?.[0], g.answeredBy?.title ?? null])).toEqual([
      ['toaster', null],
      ['student', 'Do you offer student discounts?'],
      ['price', knowledge.entries.find((e) => e.id === PRICE_ENTRY)!.title],
      ['dog', 'Can I bring my dog to the showroom?'],
    ]);

    // The next visitors, in other words.
    const studentAnswer = await ask('any discount if I am a student?');
    expect(studentAnswer.provenance?.answered).toBe(true);
    expect(studentAnswer.text).toContain('10% off');
    const petAnswer = await ask('are pets allowed in your store?');
    expect(petAnswer.text).toContain('Portland showroom');
    const priceMatch = await ask('will you match a lower price from another store?');
    expect(priceMatch.sources?.[0]?.id).toBe(PRICE_ENTRY);
    // The file entry's learned phrasing is in the store, not in a file.
    expect(await t.store.listLearnedPhrasings()).toEqual([expect.objectContaining({ entryId: PRICE_ENTRY, phrasing: 'Will you match a lower price from another shop?', addedBy: 'Lead' })]);

    const audit = (await api<AuditPage>('/api/admin/audit?limit=20')).body.data.entries;
    expect(audit.filter((e) => e.action.startsWith('knowledge.proposal')).map((e) => [e.action, e.detail.kind, e.detail.edited ?? null]).reverse()).toEqual([
      ['knowledge.proposal_accepted', 'entry', false],
      ['knowledge.proposal_accepted', 'entry', true],
      ['knowledge.proposal_accepted', 'phrasing', false],
      ['knowledge.proposal_rejected', 'entry', null],
    ]);
    expect(audit.find((e) => e.action === 'knowledge.proposal_accepted')?.actor.name).toBe('Lead');

  });
  it('erasing a visitor takes their questions out of the proposals; one only they asked goes', async () => {
    const students = 'Yes! Students get 10% off everything with a valid student email, applied at checkout.';
    const first = await agentAnswers('Do you offer student discounts?', students);
    await agentAnswers('is there a discount for students?', students);
    const dog = await agentAnswers('Can I bring my dog into the store?', 'Hello, yes, dogs on a lead are welcome in our Portland showroom.');
    await expect.poll(async () => (await proposals()).length, { timeout: 5000 }).toBe(2);
    // Each question is another visitor's; Ada asked the student question first, so it is in her words.
    expect((await proposals()).find((p) => p.answer.includes('10% off'))).toMatchObject({ question: 'Do you offer student discounts?', count: 2 });
    const ada = (await t.store.getConversation(first))!.visitorId;
    expect((await t.store.getConversation(dog))!.visitorId).not.toBe(ada);
    const erased = await api(`/api/admin/visitors/${encodeURIComponent(ada)}`, admin, { method: 'DELETE' });
    expect(erased.status).toBe(200);

    const left = await proposals();
    expect(left).toHaveLength(2);
    const student = left.find((p) => p.answer.includes('10% off'))!;
    expect(student).toMatchObject({ question: 'is there a discount for students?', count: 1 });
    expect(student.examples.map((e) => e.conversationId)).not.toContain(first);
    expect(JSON.stringify(left)).not.toContain('Do you offer student discounts?');
    // The other visitor's, erased: their only proposal goes.
    const dogVisitor = (await t.store.getConversation(dog))!.visitorId;
    expect((await api(`/api/admin/visitors/${encodeURIComponent(dogVisitor)}`, admin, { method: 'DELETE' })).status).toBe(200);
    expect((await proposals()).map((p) => p.question)).toEqual(['is there a discount for students?']);
  });
});
