/**
 * The behaviour every Store implementation must have. Each implementation's test file calls
 * `describeStoreContract` with a factory, so SQLite and (later) Redis are held to the same rules.
 */
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { AuditEntry } from '@support-chat/shared';
import { reportFromFacts } from '../reports/report.js';
import { startOfDay } from '../time/zoned.js';
import type { AttachmentRecord, ConversationRecord, EmailRecord, Store } from './types.js';

function auditFixture(overrides: Partial<AuditEntry> & Pick<AuditEntry, 'id' | 'at'>): AuditEntry {
  return {
    actor: { id: 'agent-1', name: 'Ann' },
    action: 'conversation.claimed',
    target: { type: 'conversation', id: 'a' },
    detail: {},
    ...overrides,
  };
}

export function conversationFixture(overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id: overrides.id ?? `c-${Math.random().toString(36).slice(2)}`,
    visitorId: 'visitor-1',
    status: 'bot',
    assignedAgentId: null,
    locale: 'en',
    context: { pageUrl: 'https://shop.example/cart' },
    lastSeq: 0,
    createdAt: 1000,
    updatedAt: 1000,
    queuedAt: null,
    closedAt: null,
    ...overrides,
  };
}

function attachmentFixture(overrides: Partial<AttachmentRecord> & Pick<AttachmentRecord, 'id' | 'conversationId'>): AttachmentRecord {
  return {
    storageKey: `key-${overrides.id}`,
    name: 'kettle.jpg',
    contentType: 'image/jpeg',
    size: 1234,
    uploadedBy: 'visitor-1',
    createdAt: 1500,
    ...overrides,
  };
}

function emailFixture(overrides: Partial<EmailRecord> & Pick<EmailRecord, 'id'>): EmailRecord {
  return {
    kind: 'agent_reply',
    conversationId: 'a',
    to: null,
    fromSeq: 0,
    throughSeq: 1,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: 1000,
    createdAt: 1000,
    sentAt: null,
    lastError: null,
    ...overrides,
  };
}

export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} (Store contract)`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      await store.createVisitor({ id: 'visitor-1', createdAt: 1000 });
    });
    afterEach(async () => {
      await store.close();
    });

    it('assigns consecutive seqs per conversation, starting at 1', async () => {
      const a = conversationFixture({ id: 'a' });
      const b = conversationFixture({ id: 'b' });
      await store.createConversation(a);
      await store.createConversation(b);
      const seqs = [];
      for (const [conv, text] of [[a, 'one'], [b, 'uno'], [a, 'two'], [a, 'three']] as const) {
        const { message } = await store.appendMessage(conv.id, { senderId: 'visitor-1', author: 'visitor', kind: 'text', text }, 2000);
        seqs.push([conv.id, message.seq]);
      }
      expect(seqs).toEqual([['a', 1], ['b', 1], ['a', 2], ['a', 3]]);
      expect((await store.getConversation('a'))?.lastSeq).toBe(3);
    });

    it('returns the stored message for a repeated sender + clientId instead of appending again', async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      const draft = { senderId: 'visitor-1', author: 'visitor' as const, kind: 'text' as const, text: 'hi', clientId: 'client-0001' };
      const first = await store.appendMessage('a', draft, 2000);
      const again = await store.appendMessage('a', { ...draft, text: 'changed' }, 3000);
      expect(first.created).toBe(true);
      expect(again.created).toBe(false);
      expect(again.message).toEqual(first.message);
      expect(await store.listMessages('a', {})).toHaveLength(1);
    });

    it('dedupes within a conversation only: the same sender + clientId in another conversation is another message', async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      await store.createConversation(conversationFixture({ id: 'b' }));
      const draft = { senderId: 'agent-1', author: 'agent' as const, kind: 'text' as const, text: 'hello', clientId: 'client-0001' };
      const inA = await store.appendMessage('a', draft, 2000);
      const inB = await store.appendMessage('b', { ...draft, text: 'hello again' }, 3000);
      expect(inB.created).toBe(true);
      expect(inB.message).toMatchObject({ conversationId: 'b', seq: 1, text: 'hello again' });
      expect(inB.message.id).not.toBe(inA.message.id);
      expect((await store.listMessages('b', {})).map((m) => m.text)).toEqual(['hello again']);
    });

    it('returns the conversation as it is right after the append, and as it is now on a retried send', async () => {
      await store.createConversation(conversationFixture({ id: 'a', updatedAt: 1000 }));
      const draft = { senderId: 'visitor-1', author: 'visitor' as const, kind: 'text' as const, text: 'hi', clientId: 'client-0001' };
      const first = await store.appendMessage('a', draft, 2000);
      expect(first.conversation).toMatchObject({ id: 'a', lastSeq: 1, updatedAt: 2000, status: 'bot' });
      await store.appendMessage('a', { ...draft, text: 'two', clientId: 'client-0002' }, 2500);
      const retried = await store.appendMessage('a', draft, 3000);
      expect(retried.created).toBe(false);
      expect(retried.conversation).toEqual(await store.getConversation('a'));
      expect(retried.conversation.lastSeq).toBe(2);
    });

    it('keeps concurrent appends across conversations gap-free in each', async () => {
      const ids = ['a', 'b', 'c', 'd'];
      for (const id of ids) await store.createConversation(conversationFixture({ id }));
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.appendMessage(ids[i % ids.length]!, { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: `m${i}`, clientId: `c-${i}` }, 2000 + i),
        ),
      );
      for (const id of ids) {
        const seqs = results.filter((r) => r.message.conversationId === id).map((r) => r.message.seq).sort((x, y) => x - y);
        expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect((await store.listMessages(id, {})).map((m) => m.seq)).toEqual(seqs);
        expect((await store.getConversation(id))?.lastSeq).toBe(50);
      }
    });

    it('keeps concurrent appends gap-free and unique', async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: `m${i}`, clientId: `client-${String(i).padStart(4, '0')}` }, 2000 + i),
        ),
      );
      expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it("appends to the visitor's latest conversation while it is open, in one step, and says when there is none (issue 9)", async () => {
      const say = (text: string, clientId: string) => ({ senderId: 'visitor-2', author: 'visitor' as const, kind: 'text' as const, text, clientId });
      expect(await store.appendToOpenConversation('visitor-2', say('hi', 'client-0001'), 2000)).toBeNull();
      await store.openConversation(conversationFixture({ id: 'open', visitorId: 'visitor-2', createdAt: 1500 }));
      const first = await store.appendToOpenConversation('visitor-2', say('hi', 'client-0001'), 2000);
      expect(first).toMatchObject({
        created: true,
        message: { conversationId: 'open', seq: 1, author: 'visitor', kind: 'text', text: 'hi', clientId: 'client-0001', createdAt: 2000 },
        conversation: { id: 'open', visitorId: 'visitor-2', status: 'bot', lastSeq: 1, updatedAt: 2000 },
      });
      expect(await store.listMessages('open', {})).toEqual([first!.message]);
      // A retried send returns the stored copy; racing sends get consecutive seqs.
      const retried = await store.appendToOpenConversation('visitor-2', say('changed', 'client-0001'), 3000);
      expect(retried).toMatchObject({ created: false, message: first!.message, conversation: { lastSeq: 1 } });
      const racing = await Promise.all(
        Array.from({ length: 30 }, (_, i) => store.appendToOpenConversation('visitor-2', say(`m${i}`, `client-race-${i}`), 4000 + i)),
      );
      expect(racing.map((r) => r!.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
      expect((await store.getConversation('open'))?.lastSeq).toBe(31);
      // Only the latest counts: once it is closed there is none, though an older one is still open.
      await store.createConversation(conversationFixture({ id: 'older', visitorId: 'visitor-2', createdAt: 1000 }));
      await store.transitionConversation('open', ['bot'], { status: 'closed', closedAt: 5000 });
      expect(await store.appendToOpenConversation('visitor-2', say('hello?', 'client-0002'), 6000)).toBeNull();
      expect((await store.getConversation('older'))?.lastSeq).toBe(0);
      expect((await store.getConversation('open'))?.lastSeq).toBe(31);
    });

    it("appends an agent's reply in one step only while the conversation is assigned to them (issue 9)", async () => {
      const reply = (text: string, clientId: string, senderId = 'agent-1') => ({ senderId, author: 'agent' as const, kind: 'text' as const, text, clientId });
      expect(await store.appendIfAssignedTo('nope', 'agent-1', reply('hi', 'client-0001'), 2000)).toBeNull();
      await store.createConversation(conversationFixture({ id: 'mine', status: 'assigned', assignedAgentId: 'agent-1' }));
      expect(await store.appendIfAssignedTo('mine', 'agent-2', reply('hi', 'client-0001', 'agent-2'), 2000)).toBeNull();
      const first = await store.appendIfAssignedTo('mine', 'agent-1', reply('hi', 'client-0001'), 2000);
      expect(first).toMatchObject({
        created: true,
        message: { conversationId: 'mine', seq: 1, author: 'agent', text: 'hi', clientId: 'client-0001', createdAt: 2000 },
        conversation: { id: 'mine', status: 'assigned', assignedAgentId: 'agent-1', lastSeq: 1, updatedAt: 2000 },
      });
      expect(await store.appendIfAssignedTo('mine', 'agent-1', reply('changed', 'client-0001'), 3000)).toMatchObject({ created: false, message: first!.message });
      const racing = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.appendIfAssignedTo('mine', 'agent-1', reply(`m${i}`, `client-race-${i}`), 4000 + i)),
      );
      expect(racing.map((r) => r!.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
      await store.transitionConversation('mine', ['assigned'], { status: 'closed', closedAt: 5000 });
      expect(await store.appendIfAssignedTo('mine', 'agent-1', reply('still there?', 'client-0002'), 6000)).toBeNull();
      expect((await store.getConversation('mine'))?.lastSeq).toBe(21);
    });

    it("appends the AI's answer only while the AI has the conversation, in one step", async () => {
      const answer = (text: string, clientId: string) => ({ senderId: 'ai', author: 'ai' as const, kind: 'text' as const, text, clientId });
      expect(await store.appendWhileStatus('nope', 'bot', answer('hi', 'answer-0'), 1000)).toBeNull();
      await store.createConversation(conversationFixture({ id: 'ai', status: 'bot' }));
      const first = await store.appendWhileStatus('ai', 'bot', answer('Returns take 14 days.', 'answer-1'), 2000);
      expect(first).toMatchObject({ created: true, message: { conversationId: 'ai', seq: 1, author: 'ai' }, conversation: { id: 'ai', status: 'bot', lastSeq: 1 } });
      // The same answer again (another process answered the same question): the stored one.
      expect(await store.appendWhileStatus('ai', 'bot', answer('other words', 'answer-1'), 2500)).toMatchObject({ created: false, message: first!.message });
      const racing = await Promise.all(Array.from({ length: 10 }, (_, i) => store.appendWhileStatus('ai', 'bot', answer(`a${i}`, `answer-race-${i}`), 3000 + i)));
      expect(racing.map((r) => r!.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
      // A person took it: the AI's answer is not stored, nothing moves.
      await store.transitionConversation('ai', ['bot'], { status: 'queued', queuedAt: 4000 });
      expect(await store.appendWhileStatus('ai', 'bot', answer('too late', 'answer-2'), 5000)).toBeNull();
      expect((await store.getConversation('ai'))?.lastSeq).toBe(11);
    });

    it('lists messages after a seq, hiding notes unless asked', async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      await store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'q' }, 1);
      await store.appendMessage('a', { senderId: 'system', author: 'system', kind: 'note', text: 'internal' }, 2);
      await store.appendMessage('a', { senderId: 'ai', author: 'ai', kind: 'text', text: 'answer', sources: [{ id: 'k1', title: 'Returns' }] }, 3);
      const visible = await store.listMessages('a', { afterSeq: 0 });
      expect(visible.map((m) => m.text)).toEqual(['q', 'answer']);
      expect(visible[1]?.sources).toEqual([{ id: 'k1', title: 'Returns' }]);
      const all = await store.listMessages('a', { afterSeq: 1, includeNotes: true });
      expect(all.map((m) => m.seq)).toEqual([2, 3]);
    });

    it("finds a conversation's last chat message: the visitor's, an agent's or the AI's words, never a system line or a note", async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      await store.createConversation(conversationFixture({ id: 'b' }));
      expect(await store.lastChatMessage('a')).toBeNull();
      await store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'where is my parcel?' }, 1);
      await store.appendMessage('a', { senderId: 'system', author: 'system', kind: 'event', text: 'queued', event: { type: 'queued' } }, 2);
      await store.appendMessage('a', { senderId: 'system', author: 'system', kind: 'event', text: 'Ann joined', event: { type: 'assigned', agentName: 'Ann' } }, 3);
      await store.appendMessage('a', { senderId: 'agent-1', author: 'agent', kind: 'note', text: 'checked the warehouse' }, 4);
      expect(await store.lastChatMessage('a')).toMatchObject({ seq: 1, author: 'visitor', text: 'where is my parcel?' });
      await store.appendMessage('a', { senderId: 'agent-1', author: 'agent', kind: 'text', text: 'on its way', clientId: 'reply-0001' }, 5);
      await store.appendMessage('b', { senderId: 'ai', author: 'ai', kind: 'text', text: 'other conversation' }, 6);
      expect(await store.lastChatMessage('a')).toMatchObject({ seq: 5, author: 'agent', text: 'on its way' });
      expect(await store.lastChatMessage('missing')).toBeNull();
      // A resend's answer: by the dedupe's key, the sender's own message only.
      expect(await store.findSentMessage('a', 'agent-1', 'reply-0001')).toMatchObject({ seq: 5, text: 'on its way' });
      expect(await store.findSentMessage('a', 'agent-2', 'reply-0001')).toBeNull();
      expect(await store.findSentMessage('b', 'agent-1', 'reply-0001')).toBeNull();
    });

    it('transitions status only from the expected statuses (compare-and-set)', async () => {
      await store.createConversation(conversationFixture({ id: 'a', status: 'queued', queuedAt: 5 }));
      const [first, second] = await Promise.all([
        store.transitionConversation('a', ['queued'], { status: 'assigned', assignedAgentId: 'agent-1' }),
        store.transitionConversation('a', ['queued'], { status: 'assigned', assignedAgentId: 'agent-2' }),
      ]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      const stored = await store.getConversation('a');
      expect(stored?.status).toBe('assigned');
      expect(stored?.assignedAgentId).toBe((first ?? second)?.assignedAgentId);
    });

    it('transitions only from the expected agent when asked to (two teammates taking over one chat)', async () => {
      await store.createConversation(conversationFixture({ id: 'a', status: 'assigned', assignedAgentId: 'away-1' }));
      const takeOver = (agent: string) => store.transitionConversation('a', ['assigned'], { assignedAgentId: agent }, { assignedAgentId: 'away-1' });
      const [first, second] = await Promise.all([takeOver('agent-2'), takeOver('agent-3')]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      expect((await store.getConversation('a'))?.assignedAgentId).toBe((first ?? second)?.assignedAgentId);
      // Nobody's: null expects an unassigned conversation.
      await store.createConversation(conversationFixture({ id: 'b', status: 'queued', queuedAt: 5 }));
      expect(await store.transitionConversation('b', ['queued'], { status: 'closed' }, { assignedAgentId: 'agent-2' })).toBeNull();
      expect(await store.transitionConversation('b', ['queued'], { status: 'closed' }, { assignedAgentId: null })).toMatchObject({ status: 'closed' });
    });

    it('orders the queue by queuedAt', async () => {
      await store.createConversation(conversationFixture({ id: 'late', status: 'queued', queuedAt: 300 }));
      await store.createConversation(conversationFixture({ id: 'early', status: 'queued', queuedAt: 100 }));
      await store.createConversation(conversationFixture({ id: 'bot' }));
      expect(await store.queuePosition('early')).toBe(1);
      expect(await store.queuePosition('late')).toBe(2);
      expect(await store.queuePosition('bot')).toBeNull();
    });

    it("restarts a visitor's sessions from a moment, never back to an earlier one, creating the visitor if need be", async () => {
      expect(await store.getVisitor('visitor-1')).toMatchObject({ id: 'visitor-1', sessionsFrom: 0 });
      await store.restartVisitorSessions('visitor-1', 5_000);
      await store.restartVisitorSessions('visitor-1', 4_000);
      expect(await store.getVisitor('visitor-1')).toMatchObject({ id: 'visitor-1', createdAt: 1000, sessionsFrom: 5_000 });
      await store.restartVisitorSessions('visitor-unseen', 7_000);
      expect(await store.getVisitor('visitor-unseen')).toEqual({ id: 'visitor-unseen', createdAt: 7_000, sessionsFrom: 7_000 });
    });

    it("gives every conversation of one visitor to another (a visitor who signs in), and ends the first one's sessions", async () => {
      await store.createVisitor({ id: 'anon-1', createdAt: 50 });
      await store.createVisitor({ id: 'user-1', createdAt: 60 });
      await store.createConversation(conversationFixture({ id: 'anon-old', visitorId: 'anon-1', status: 'closed', createdAt: 100, closedAt: 120 }));
      await store.createConversation(conversationFixture({ id: 'mine', visitorId: 'user-1', status: 'closed', createdAt: 150, closedAt: 160 }));
      await store.createConversation(conversationFixture({ id: 'anon-new', visitorId: 'anon-1', createdAt: 200 }));
      await store.appendMessage('anon-new', { senderId: 'anon-1', author: 'visitor', kind: 'text', text: 'Where is my parcel?', clientId: 'adopt-1' }, 210);

      expect(await store.adoptVisitor('anon-1', 'user-1', 3_000)).toEqual(['anon-old', 'anon-new']);
      expect((await store.listVisitorConversations('user-1')).map((c) => c.id)).toEqual(['anon-old', 'mine', 'anon-new']);
      expect(await store.findLatestConversation('user-1')).toMatchObject({ id: 'anon-new', visitorId: 'user-1', lastSeq: 1 });
      expect(await store.listVisitorConversations('anon-1')).toEqual([]);
      expect(await store.getVisitor('anon-1')).toEqual({ id: 'anon-1', createdAt: 0, sessionsFrom: 3_000 });
      expect(await store.getVisitor('user-1')).toMatchObject({ createdAt: 60 });
      // Nothing left to move: a second sign-in (another tab, another process) moves nothing.
      expect(await store.adoptVisitor('anon-1', 'user-1', 4_000)).toEqual([]);
      // A user never seen before gets a record; search finds the conversation by its new visitor.
      await store.createVisitor({ id: 'anon-2', createdAt: 70 });
      await store.createConversation(conversationFixture({ id: 'anon-2-chat', visitorId: 'anon-2', createdAt: 300 }));
      expect(await store.adoptVisitor('anon-2', 'user-new', 5_000)).toEqual(['anon-2-chat']);
      expect(await store.getVisitor('user-new')).toMatchObject({ createdAt: 5_000, sessionsFrom: 0 });
      expect((await store.searchConversations({ text: 'user-new', limit: 5 })).map((c) => c.id)).toEqual(['anon-2-chat']);
      expect(await store.searchConversations({ text: 'anon-2', limit: 5 })).toEqual([]);
    });

    it('opens one conversation per visitor even when first messages race, and a new one after closing', async () => {
      const results = await Promise.all(
        ['x1', 'x2', 'x3'].map((id) => store.openConversation(conversationFixture({ id, visitorId: 'visitor-new' }))),
      );
      expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await store.getVisitor('visitor-new')).not.toBeNull();
      await store.transitionConversation(results[0]!.conversation.id, ['bot'], { status: 'closed', closedAt: 9 });
      const next = await store.openConversation(conversationFixture({ id: 'x4', visitorId: 'visitor-new', context: {} }));
      expect(next).toMatchObject({ created: true, conversation: { id: 'x4', status: 'bot' } });
      // The visitor's page context carries over to their next conversation.
      expect(next.conversation.context).toEqual({ pageUrl: 'https://shop.example/cart' });
    });

    it('finds the latest conversation of a visitor and filters lists by status', async () => {
      await store.createConversation(conversationFixture({ id: 'old', status: 'closed', createdAt: 1, updatedAt: 1 }));
      await store.createConversation(conversationFixture({ id: 'new', createdAt: 2, updatedAt: 2 }));
      expect((await store.findLatestConversation('visitor-1'))?.id).toBe('new');
      expect((await store.listConversations({ statuses: ['closed'] })).map((c) => c.id)).toEqual(['old']);
    });

    it('lists and updates agents', async () => {
      await store.createAgent({ id: 'a1', email: 'a1@x.io', name: 'A', role: 'agent', passwordHash: 'h', createdAt: 1, capacity: 5 });
      await store.createAgent({ id: 'a2', email: 'a2@x.io', name: 'B', role: 'admin', passwordHash: 'h', createdAt: 2, capacity: 5 });
      expect((await store.listAgents()).map((a) => a.id)).toEqual(['a1', 'a2']);
      expect(await store.updateAgent('a1', { capacity: 2, name: 'Ann' })).toMatchObject({ id: 'a1', capacity: 2, name: 'Ann', role: 'agent' });
      expect(await store.updateAgent('nobody', { capacity: 2 })).toBeNull();
    });

    it("keeps each agent's console language, none until they pick one", async () => {
      await store.createAgent({ id: 'a1', email: 'a1@x.io', name: 'A', role: 'agent', passwordHash: 'h', createdAt: 1, capacity: 5 });
      expect((await store.getAgent('a1'))?.locale).toBeNull();
      expect(await store.updateAgent('a1', { locale: 'zh-CN' })).toMatchObject({ id: 'a1', locale: 'zh-CN', capacity: 5 });
      expect((await store.findAgentByEmail('a1@x.io'))?.locale).toBe('zh-CN');
      await store.updateAgent('a1', { capacity: 3 });
      expect((await store.listAgents())[0]).toMatchObject({ locale: 'zh-CN', capacity: 3 });
      expect((await store.updateAgent('a1', { locale: 'en' }))?.locale).toBe('en');
    });

    it('stores console knowledge entries with revisions, and a version every change raises (issue 14)', async () => {
      const v0 = await store.knowledgeVersion();
      const write = {
        id: 'k1',
        question: 'Do you ship to Canada?',
        phrasings: ['Can I order from Toronto?', '你们发货到加拿大吗？'],
        answer: 'Yes, in **5–8** business days.',
        lang: 'en' as const,
        tags: ['shipping'],
        url: '/help/shipping',
        updatedAt: 100,
        updatedBy: 'Ann',
      };
      const created = await store.saveKnowledgeEntry(write);
      expect(created).toEqual({ ...write, createdAt: 100, revision: 1 });
      const v1 = await store.knowledgeVersion();
      expect(v1).toBeGreaterThan(v0);
      await store.saveKnowledgeEntry({ id: 'k2', question: '多久能到？', phrasings: [], answer: '三到五天。', lang: 'zh', tags: [], updatedAt: 101, updatedBy: 'Bo' });
      expect((await store.listKnowledgeEntries()).map((e) => e.id)).toEqual(['k1', 'k2']);
      expect((await store.listKnowledgeEntries())[1]).not.toHaveProperty('url');

      const edited = await store.saveKnowledgeEntry({ ...write, answer: 'Yes.', url: undefined, updatedAt: 200, updatedBy: 'Bo' }, { expectRevision: 1 });
      expect(edited).toMatchObject({ answer: 'Yes.', createdAt: 100, updatedAt: 200, updatedBy: 'Bo', revision: 2 });
      expect(edited).not.toHaveProperty('url');
      expect(await store.knowledgeVersion()).toBeGreaterThan(v1);
      // An editor who started from revision 1 does not overwrite revision 2.
      await expect(store.saveKnowledgeEntry({ ...write, answer: 'stale' }, { expectRevision: 1 })).rejects.toMatchObject({ code: 'conflict' });
      await expect(store.saveKnowledgeEntry({ ...write, id: 'gone' }, { expectRevision: 1 })).rejects.toMatchObject({ code: 'not_found' });
      expect((await store.listKnowledgeEntries())[0]).toMatchObject({ answer: 'Yes.', revision: 2, phrasings: write.phrasings });

      const v2 = await store.knowledgeVersion();
      expect(await store.deleteKnowledgeEntry('k2')).toBe(true);
      expect(await store.deleteKnowledgeEntry('k2')).toBe(false);
      expect(await store.knowledgeVersion()).toBeGreaterThan(v2);
      expect((await store.listKnowledgeEntries()).map((e) => e.id)).toEqual(['k1']);
    });

    it('counts the AI answers citing each knowledge entry, their thumbs, and the questions they answered (issue 14)', async () => {
      const answered = { responder: 'offline' as const, passageIds: ['a.md#x'], scores: [1], answered: true, latencyMs: 1 };
      const source = (id: string) => ({ id, title: id });
      await store.openConversation(conversationFixture({ id: 'u1' }));
      await store.appendMessage('u1', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'Do you ship to Canada?' }, 10);
      await store.appendMessage('u1', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Yes', provenance: answered, sources: [source('console#k1')], feedback: 'helpful' }, 11);
      await store.appendMessage('u1', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'And to Alaska?' }, 20);
      await store.appendMessage('u1', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Yes', provenance: answered, sources: [source('console#k1'), source('a.md#x')], feedback: 'not_helpful' }, 21);
      await store.appendMessage('u1', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'Return?' }, 30);
      await store.appendMessage('u1', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Returns…', provenance: answered, sources: [source('a.md#x')] }, 31);
      // Not answers from knowledge: an unanswered reply (its suggestion is no source) and an agent's.
      await store.appendMessage('u1', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Not found', provenance: { ...answered, answered: false }, sources: [] }, 40);
      await store.appendMessage('u1', { senderId: 'agent-1', author: 'agent', kind: 'text', text: 'see console#k1', sources: [source('console#k1')] }, 41);

      const usage = await store.knowledgeUsage(0, 1000);
      expect(usage.sort((a, b) => a.entryId.localeCompare(b.entryId))).toEqual([
        { entryId: 'a.md#x', answers: 2, helpful: 0, notHelpful: 1, lastUsedAt: 31 },
        { entryId: 'console#k1', answers: 2, helpful: 1, notHelpful: 1, lastUsedAt: 21 },
      ]);
      expect(await store.knowledgeUsage(15, 1000)).toHaveLength(2);
      expect(await store.knowledgeUsage(25, 1000)).toEqual([{ entryId: 'a.md#x', answers: 1, helpful: 0, notHelpful: 0, lastUsedAt: 31 }]);
      expect(await store.knowledgeQuestions('console#k1', 0, 10)).toEqual([
        { question: 'And to Alaska?', answeredAt: 21, conversationId: 'u1', feedback: 'not_helpful' },
        { question: 'Do you ship to Canada?', answeredAt: 11, conversationId: 'u1', feedback: 'helpful' },
      ]);
      expect(await store.knowledgeQuestions('console#k1', 0, 1)).toHaveLength(1);
      expect(await store.knowledgeQuestions('console#k1', 15, 10)).toHaveLength(1);
      expect(await store.knowledgeQuestions('nothing', 0, 10)).toEqual([]);
    });

    it('counts the knowledge report: answers accepted (no thumbs down, no later hand-off) per entry, and gaps per interval (issue 14)', async () => {
      const answered = { responder: 'offline' as const, passageIds: [], scores: [1], answered: true, latencyMs: 1 };
      const unanswered = { ...answered, answered: false };
      const source = (id: string) => ({ id, title: id });
      const ai = (sources: string[], extra: { feedback?: 'helpful' | 'not_helpful' } = {}) =>
        ({ senderId: 'ai', author: 'ai' as const, kind: 'text' as const, text: 'A', provenance: answered, sources: sources.map(source), ...extra });
      await store.createConversation(conversationFixture({ id: 'k1' }));
      await store.appendMessage('k1', ai(['a.md#x']), 10); // accepted
      await store.appendMessage('k1', ai(['a.md#x', 'b.md#y'], { feedback: 'helpful' }), 11); // accepted, for both
      await store.appendMessage('k1', ai(['b.md#y'], { feedback: 'not_helpful' }), 12); // thumbs down
      await store.createConversation(conversationFixture({ id: 'k2' }));
      await store.appendMessage('k2', ai(['a.md#x']), 20); // handed off afterwards: not accepted
      await store.appendMessage('k2', { senderId: 'ai', author: 'ai', kind: 'text', text: '?', provenance: unanswered, sources: [] }, 21);
      await store.appendMessage('k2', { senderId: 'system', author: 'system', kind: 'event', text: 'q', event: { type: 'queued' } }, 22);
      await store.createConversation(conversationFixture({ id: 'k3' }));
      await store.appendMessage('k3', { senderId: 'system', author: 'system', kind: 'event', text: 'q', event: { type: 'queued' } }, 30);
      await store.appendMessage('k3', ai(['b.md#y']), 31); // a hand-off before it does not count
      await store.appendMessage('k3', { senderId: 'ai', author: 'ai', kind: 'text', text: '?', provenance: unanswered, sources: [] }, 32);
      await store.appendMessage('k3', { senderId: 'ai', author: 'ai', kind: 'text', text: '?', provenance: unanswered, sources: [] }, 45);

      const outcomes = await store.knowledgeAnswerOutcomes(0, 100);
      expect({ answers: outcomes.answers, accepted: outcomes.accepted }).toEqual({ answers: 5, accepted: 3 });
      expect(outcomes.perEntry.sort((a, b) => a.entryId.localeCompare(b.entryId))).toEqual([
        { entryId: 'a.md#x', answers: 3, accepted: 2, notHelpful: 0 },
        { entryId: 'b.md#y', answers: 3, accepted: 2, notHelpful: 1 },
      ]);
      expect((await store.knowledgeAnswerOutcomes(13, 31)).perEntry).toEqual([{ entryId: 'a.md#x', answers: 1, accepted: 0, notHelpful: 0 }]);
      expect(await store.knowledgeAnswerOutcomes(100, 200)).toEqual({ answers: 0, accepted: 0, perEntry: [] });

      expect(await store.knowledgeGapCounts([0, 30, 40, 50])).toEqual([1, 1, 1]);
      expect(await store.knowledgeGapCounts([21, 22, 45])).toEqual([1, 1]);
      expect(await store.knowledgeGapCounts([0])).toEqual([]);
    });

    it('keeps knowledge proposals: merged examples, most asked first, decided once (issue 14)', async () => {
      const example = (at: number, question = 'Do you ship to Canada?') => ({
        question,
        answer: 'Yes, in 5–8 days.',
        conversationId: `c${at}`,
        agentName: 'Ann',
        trigger: 'gap' as const,
        at,
      });
      const proposal = {
        id: 'p1',
        kind: 'entry' as const,
        status: 'open' as const,
        question: 'Do you ship to Canada?',
        answer: 'Yes, in 5–8 days.',
        lang: 'en' as const,
        trigger: 'gap' as const,
        count: 1,
        examples: [example(10)],
        createdAt: 10,
        updatedAt: 10,
      };
      await store.createKnowledgeProposal(proposal);
      await store.createKnowledgeProposal({
        ...proposal,
        id: 'p2',
        kind: 'phrasing',
        question: 'Is my kettle covered?',
        answer: '',
        entryId: 'en/warranty.md#how-long-is-the-warranty',
        entryQuestion: 'How long is the warranty?',
        examples: [example(20, 'Is my kettle covered?')],
        createdAt: 20,
        updatedAt: 20,
      });
      expect(await store.getKnowledgeProposal('p1')).toEqual(proposal);
      expect(await store.getKnowledgeProposal('nope')).toBeNull();
      // Newest first while counts tie; the most asked first once one is asked again.
      expect((await store.listKnowledgeProposals('open', 10)).map((p) => p.id)).toEqual(['p2', 'p1']);
      for (let at = 30; at < 37; at++) await store.addKnowledgeProposalExample('p1', example(at, `Ship to Canada? (${at})`), 5);
      const merged = (await store.getKnowledgeProposal('p1'))!;
      expect(merged.count).toBe(8);
      expect(merged.updatedAt).toBe(36);
      expect(merged.examples.map((e) => e.at)).toEqual([32, 33, 34, 35, 36]);
      expect((await store.listKnowledgeProposals('open', 10)).map((p) => p.id)).toEqual(['p1', 'p2']);
      expect((await store.listKnowledgeProposals('open', 1)).map((p) => p.id)).toEqual(['p1']);
      expect((await store.listKnowledgeProposals('open', 10))[1]).toMatchObject({ entryId: 'en/warranty.md#how-long-is-the-warranty', entryQuestion: 'How long is the warranty?' });

      // Decided once: a second admin's decision finds it no longer open.
      const accepted = await store.decideKnowledgeProposal('p1', { from: 'open', to: 'accepted', at: 50, by: 'Lead' });
      expect(accepted).toMatchObject({ status: 'accepted', decidedAt: 50, decidedBy: 'Lead', count: 8 });
      expect(await store.decideKnowledgeProposal('p1', { from: 'open', to: 'rejected', at: 51, by: 'Other' })).toBeNull();
      expect(await store.addKnowledgeProposalExample('p1', example(60), 5)).toBeNull();
      expect((await store.getKnowledgeProposal('p1'))!.count).toBe(8);
      expect((await store.listKnowledgeProposals('open', 10)).map((p) => p.id)).toEqual(['p2']);
      expect((await store.listKnowledgeProposals('accepted', 10)).map((p) => p.id)).toEqual(['p1']);
      // Back to open (applying it failed): the decision is cleared.
      const reopened = await store.decideKnowledgeProposal('p1', { from: 'accepted', to: 'open', at: 52, by: 'Lead' });
      expect(reopened?.status).toBe('open');
      expect(reopened).not.toHaveProperty('decidedAt');
      expect(reopened).not.toHaveProperty('decidedBy');
      expect(await store.decideKnowledgeProposal('nope', { from: 'open', to: 'rejected', at: 1, by: 'x' })).toBeNull();
    });

    it('erasing a visitor drops their questions from knowledge proposals; a proposal left with none goes (issue 14)', async () => {
      await store.createVisitor({ id: 'visitor-2', createdAt: 1000 });
      await store.createConversation(conversationFixture({ id: 'mine' }));
      await store.createConversation(conversationFixture({ id: 'theirs', visitorId: 'visitor-2' }));
      const example = (conversationId: string, question: string, at: number) => ({
        question,
        answer: `Hello! ${question} Yes, in 5–8 days.`,
        conversationId,
        agentName: 'Ann',
        trigger: 'gap' as const,
        at,
      });
      const base = { kind: 'entry' as const, status: 'open' as const, lang: 'en' as const, trigger: 'gap' as const, createdAt: 10, updatedAt: 20 };
      // Made from visitor-1's question, then asked again by visitor-2: it stays, in visitor-2's words.
      await store.createKnowledgeProposal({
        ...base,
        id: 'shared',
        question: 'Ship to Canada, I am Ada from Toronto?',
        answer: 'Yes, in 5–8 days.',
        count: 3,
        examples: [example('mine', 'Ship to Canada, I am Ada from Toronto?', 10), example('theirs', 'Do you ship to Canada?', 20)],
      });
      // Only visitor-1 asked it: gone, whatever its status.
      await store.createKnowledgeProposal({ ...base, id: 'only-mine', question: 'My order 4411 is late', answer: 'Sorry!', count: 1, examples: [example('mine', 'My order 4411 is late', 11)] });
      await store.createKnowledgeProposal({ ...base, id: 'decided-mine', status: 'accepted', decidedAt: 30, decidedBy: 'Lead', question: 'Gift wrap?', answer: 'Yes.', count: 1, examples: [example('mine', 'Gift wrap?', 12)] });
      // Another visitor's: untouched.
      const other = { ...base, id: 'other', kind: 'phrasing' as const, question: 'Is my kettle covered?', answer: '', entryId: 'en/warranty.md#w', entryQuestion: 'Warranty?', count: 1, examples: [example('theirs', 'Is my kettle covered?', 13)] };
      await store.createKnowledgeProposal(other);

      await store.eraseVisitor('visitor-1', 100);

      expect(await store.getKnowledgeProposal('only-mine')).toBeNull();
      expect(await store.getKnowledgeProposal('decided-mine')).toBeNull();
      expect(await store.getKnowledgeProposal('other')).toEqual(other);
      const shared = (await store.getKnowledgeProposal('shared'))!;
      expect(shared.examples).toEqual([example('theirs', 'Do you ship to Canada?', 20)]);
      // Its headline was the erased visitor's words: it now reads as the remaining example.
      expect(shared).toMatchObject({ question: 'Do you ship to Canada?', answer: 'Hello! Do you ship to Canada? Yes, in 5–8 days.', count: 2, status: 'open' });
      expect(JSON.stringify(await store.listKnowledgeProposals('open', 10))).not.toMatch(/Ada|4411|mine/);
    });

    it('stores learned phrasings once per entry and raises the knowledge version (issue 14)', async () => {
      const v0 = await store.knowledgeVersion();
      const learned = (entryId: string, phrasing: string, addedAt: number) => ({ entryId, phrasing, addedAt, addedBy: 'Lead' });
      expect(await store.addLearnedPhrasings([learned('en/a.md#x', 'kettle broken', 1), learned('console#k1', '水壶坏了', 2)])).toBe(2);
      const v1 = await store.knowledgeVersion();
      expect(v1).toBeGreaterThan(v0);
      // The same text for the same entry is stored once; for another entry it is another phrasing.
      expect(await store.addLearnedPhrasings([learned('en/a.md#x', 'kettle broken', 3)])).toBe(0);
      expect(await store.knowledgeVersion()).toBe(v1);
      expect(await store.addLearnedPhrasings([learned('en/a.md#x', 'kettle broken', 4), learned('en/b.md#y', 'kettle broken', 4)])).toBe(1);
      expect(await store.knowledgeVersion()).toBeGreaterThan(v1);
      expect(await store.listLearnedPhrasings()).toEqual([
        learned('en/a.md#x', 'kettle broken', 1),
        learned('console#k1', '水壶坏了', 2),
        learned('en/b.md#y', 'kettle broken', 4),
      ]);
      expect(await store.addLearnedPhrasings([])).toBe(0);
    });

    it('keeps canned replies unique by shortcut', async () => {
      await store.saveCannedReply({ id: 'r1', shortcut: 'refund-time', text: 'Refunds take 5 days.', updatedAt: 1 });
      await store.saveCannedReply({ id: 'r2', shortcut: 'hello', text: 'Hi!', updatedAt: 1 });
      await expect(store.saveCannedReply({ id: 'r3', shortcut: 'hello', text: 'dup', updatedAt: 2 })).rejects.toMatchObject({ code: 'conflict' });
      await store.saveCannedReply({ id: 'r1', shortcut: 'refund-time', text: 'Refunds take 3 days.', updatedAt: 3 });
      expect((await store.listCannedReplies()).map((r) => [r.shortcut, r.text])).toEqual([
        ['hello', 'Hi!'],
        ['refund-time', 'Refunds take 3 days.'],
      ]);
      expect(await store.deleteCannedReply('r2')).toBe(true);
      expect(await store.deleteCannedReply('r2')).toBe(false);
    });

    it('searches conversations by visitor, attributes and message text, with wildcards taken literally', async () => {
      await store.createConversation(conversationFixture({ id: 'anna', context: { attributes: { email: 'anna@shop.example' } }, createdAt: 10, updatedAt: 10 }));
      await store.createConversation(conversationFixture({ id: 'ben', createdAt: 20, updatedAt: 20 }));
      await store.appendMessage('ben', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'My blender is 100% broken' }, 21);
      expect((await store.searchConversations({ text: 'ANNA@shop', limit: 10 })).map((c) => c.id)).toEqual(['anna']);
      expect((await store.searchConversations({ text: 'blender', limit: 10 })).map((c) => c.id)).toEqual(['ben']);
      expect((await store.searchConversations({ text: '100%', limit: 10 })).map((c) => c.id)).toEqual(['ben']);
      expect(await store.searchConversations({ text: '%', limit: 10 })).toHaveLength(1);
      expect((await store.searchConversations({ from: 15, limit: 10 })).map((c) => c.id)).toEqual(['ben']);
    });

    it('searches by the name and address a visitor left with a message (Chinese names too)', async () => {
      await store.createConversation(conversationFixture({ id: 'left', status: 'queued', queuedAt: 10, createdAt: 10, updatedAt: 10 }));
      await store.createConversation(conversationFixture({ id: 'other', createdAt: 20, updatedAt: 20 }));
      await store.transitionConversation('left', ['queued'], { leftMessage: { email: 'zhangsan@example.cn', name: '张三' }, handoffReason: 'offline_message' });
      const ids = async (text: string) => (await store.searchConversations({ text, limit: 10 })).map((c) => c.id);
      expect(await ids('zhangsan@example')).toEqual(['left']);
      expect(await ids('张三')).toEqual(['left']);
      expect(await ids('张')).toEqual(['left']);
      // Its values, not the keys they are stored under.
      expect(await ids('"email"')).toEqual([]);
    });

    it('finds a substring regardless of case in any script, and only where its characters are together', async () => {
      await store.createConversation(conversationFixture({ id: 'de', createdAt: 10, updatedAt: 10 }));
      await store.appendMessage('de', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'Großer Ärger mit der LIEFERUNG' }, 11);
      await store.createConversation(conversationFixture({ id: 'split', createdAt: 20, updatedAt: 20 }));
      // Every trigram of "abcd" (abc, bcd) is here, but not "abcd".
      await store.appendMessage('split', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'abcXbcd' }, 21);
      const ids = async (text: string) => (await store.searchConversations({ text, limit: 10 })).map((c) => c.id);
      expect(await ids('ärger')).toEqual(['de']);
      expect(await ids('ÄRGER MIT')).toEqual(['de']);
      expect(await ids('lieferung')).toEqual(['de']);
      expect(await ids('abcd')).toEqual([]);
      expect(await ids('bcXb')).toEqual(['split']);
    });

    it('derives report facts, answer ratings and knowledge gaps from messages', async () => {
      await store.createConversation(conversationFixture({ id: 'ai-only', createdAt: 100 }));
      await store.appendMessage('ai-only', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'Do you sell gift cards?' }, 101);
      const unanswered = { responder: 'offline' as const, passageIds: [], scores: [], answered: false, latencyMs: 1 };
      await store.appendMessage('ai-only', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Not found', provenance: unanswered, feedback: 'not_helpful' }, 102);
      await store.createConversation(conversationFixture({ id: 'human', createdAt: 200, humanInvolved: true }));
      await store.appendMessage('human', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'do you sell GIFT cards? ' }, 201);
      await store.appendMessage('human', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Not found', provenance: unanswered }, 202);
      await store.appendMessage('human', { senderId: 'system', author: 'system', kind: 'event', text: 'queued', event: { type: 'queued' } }, 210);
      await store.appendMessage('human', { senderId: 'system', author: 'system', kind: 'event', text: 'joined', event: { type: 'assigned', agentName: 'Ann' } }, 220);
      await store.appendMessage('human', { senderId: 'a1', author: 'agent', kind: 'text', text: 'Yes we do' }, 250);

      const facts = await store.reportFacts(0, 1000);
      expect(facts.map((f) => [f.conversation.id, f.handedOffAt, f.firstAgentReplyAt, f.conversation.humanInvolved])).toEqual([
        ['ai-only', null, null, false],
        ['human', 210, 250, true],
      ]);
      // Later replies and hand-offs leave the first ones; one stamped earlier (a clock behind) moves them.
      await store.appendMessage('human', { senderId: 'a1', author: 'agent', kind: 'text', text: 'Here is how' }, 300);
      await store.appendMessage('human', { senderId: 'system', author: 'system', kind: 'event', text: 'queued', event: { type: 'queued' } }, 310);
      const later = await store.reportFacts(150, 1000);
      expect(later.map((f) => [f.handedOffAt, f.firstAgentReplyAt])).toEqual([[210, 250]]);
      await store.appendMessage('human', { senderId: 'a2', author: 'agent', kind: 'text', text: 'Hello' }, 240);
      await store.appendMessage('human', { senderId: 'system', author: 'system', kind: 'event', text: 'queued', event: { type: 'queued' } }, 205);
      const earlier = await store.reportFacts(150, 1000);
      expect(earlier.map((f) => [f.handedOffAt, f.firstAgentReplyAt])).toEqual([[205, 240]]);
      expect(await store.reportFacts(150, 1000)).toHaveLength(1);
      expect(await store.answerFeedbackCounts(0, 1000)).toEqual({ helpful: 0, notHelpful: 1 });
      const gaps = await store.knowledgeGaps(0, 1000, 10);
      expect(gaps).toHaveLength(1);
      expect(gaps[0]).toMatchObject({ count: 2, lastAskedAt: 202 });
      expect(gaps[0]!.question.toLowerCase()).toContain('gift cards');
    });

    it('searches Chinese by one, two and three or more characters, and English regardless of case', async () => {
      const text = (conversationId: string, t: string, at: number, kind: 'text' | 'note' = 'text') =>
        store.appendMessage(conversationId, { senderId: 'visitor-1', author: kind === 'note' ? 'agent' : 'visitor', kind, text: t }, at);
      await store.createConversation(conversationFixture({ id: 'refund', createdAt: 10, updatedAt: 10 }));
      await text('refund', '我要退款，订单号 A-1001', 11);
      await store.createConversation(conversationFixture({ id: 'invoice', context: { attributes: { name: '张三' } }, createdAt: 20, updatedAt: 20 }));
      await text('invoice', '客户需要发票 Invoice PENDING', 21, 'note');
      await store.createConversation(conversationFixture({ id: 'goods', createdAt: 30, updatedAt: 30 }));
      await text('goods', '退货', 31);
      const ids = async (t: string, status?: ConversationRecord['status']) =>
        (await store.searchConversations({ text: t, status, limit: 10 })).map((c) => c.id);
      expect(await ids('退')).toEqual(['goods', 'refund']);
      expect(await ids('退款')).toEqual(['refund']);
      expect(await ids('款退')).toEqual([]);
      expect(await ids('要退款')).toEqual(['refund']);
      expect(await ids('张三')).toEqual(['invoice']);
      expect(await ids('发票')).toEqual(['invoice']);
      expect(await ids('invoice p')).toEqual(['invoice']);
      expect(await ids('订单号 a-1')).toEqual(['refund']);
      expect(await ids('1')).toEqual(['goods', 'invoice', 'refund']);
      expect(await ids('ok')).toEqual([]);
      expect(await ids('退', 'closed')).toEqual([]);
    });

    it('searches the visitor context as it is now', async () => {
      await store.createConversation(conversationFixture({ id: 'a', context: { attributes: { email: 'old@shop.example', name: '李雷' } } }));
      await store.updateConversationContext('a', { attributes: { email: 'new@shop.example', name: '韩梅梅' } });
      const ids = async (t: string) => (await store.searchConversations({ text: t, limit: 10 })).map((c) => c.id);
      expect(await ids('new@shop')).toEqual(['a']);
      expect(await ids('old@shop')).toEqual([]);
      expect(await ids('梅梅')).toEqual(['a']);
      expect(await ids('李雷')).toEqual([]);
    });

    it('pages conversations newest first with a keyset cursor', async () => {
      for (const [id, updatedAt] of [['a', 30], ['b', 20], ['c', 20], ['d', 10]] as const) {
        await store.createConversation(conversationFixture({ id, status: 'closed', updatedAt }));
      }
      const first = await store.listConversations({ statuses: ['closed'], limit: 2 });
      expect(first.map((c) => c.id)).toEqual(['a', 'c']);
      const last = first[first.length - 1]!;
      const next = await store.listConversations({ statuses: ['closed'], limit: 2, before: { updatedAt: last.updatedAt, id: last.id } });
      expect(next.map((c) => c.id)).toEqual(['b', 'd']);
    });

    it("moves a conversation's updatedAt with a message only once it is a second newer, whichever append writes it", async () => {
      await store.createConversation(conversationFixture({ id: 'a', status: 'assigned', assignedAgentId: 'a1', createdAt: 1000, updatedAt: 1000 }));
      const visitor = { senderId: 'visitor-1', author: 'visitor' as const, kind: 'text' as const, text: 'hi' };
      const agent = { senderId: 'a1', author: 'agent' as const, kind: 'text' as const, text: 'hello' };
      const moves: [number, number][] = [];
      const seen = (r: { conversation: ConversationRecord } | null) => moves.push([r!.conversation.lastSeq, r!.conversation.updatedAt]);
      seen(await store.appendMessage('a', visitor, 1500));
      seen(await store.appendToOpenConversation('visitor-1', visitor, 1999));
      seen(await store.appendIfAssignedTo('a', 'a1', agent, 2000));
      seen(await store.appendWhileStatus('a', 'assigned', agent, 2500));
      seen(await store.appendMessage('a', visitor, 3100));
      expect(moves).toEqual([[1, 1000], [2, 1000], [3, 2000], [4, 2000], [5, 3100]]);
      expect(await store.getConversation('a')).toMatchObject({ lastSeq: 5, updatedAt: 3100 });
      // Messages keep their own exact times.
      expect((await store.listMessages('a', {})).map((m) => m.createdAt)).toEqual([1500, 1999, 2000, 2500, 3100]);
    });

    it('breaks knowledge gap ties the same way in every store: the first conversation and seq, then the question', async () => {
      // Created in reverse, so neither rowid nor insertion order is the answer.
      for (const id of ['c', 'b', 'a']) {
        await store.createVisitor({ id: `visitor-${id}`, createdAt: 1 });
        await store.createConversation(conversationFixture({ id, visitorId: `visitor-${id}`, createdAt: 10 }));
      }
      const ask = async (conversationId: string, question: string, at: number) => {
        await store.appendMessage(conversationId, { senderId: `visitor-${conversationId}`, author: 'visitor', kind: 'text', text: question }, at - 1);
        await store.appendMessage(conversationId, { senderId: 'ai', author: 'ai', kind: 'text', text: 'Not found', provenance: { responder: 'offline', passageIds: [], scores: [], answered: false, latencyMs: 1 } }, at);
      };
      await ask('c', 'Zebra?', 50);
      await ask('c', 'REFUND', 50);
      await ask('b', 'refund', 50);
      await ask('a', 'Apple?', 50);
      expect(await store.knowledgeGaps(0, 1000, 10)).toEqual([
        { question: 'refund', count: 2, lastAskedAt: 50, conversationId: 'b' },
        { question: 'Apple?', count: 1, lastAskedAt: 50, conversationId: 'a' },
        { question: 'Zebra?', count: 1, lastAskedAt: 50, conversationId: 'c' },
      ]);
    });

    it('computes the report as reportFromFacts defines it', async () => {
      await store.createConversation(conversationFixture({ id: 'h', status: 'closed', createdAt: 100, closedAt: 300, rating: { score: 4, ratedAt: 310 } }));
      await store.appendMessage('h', { senderId: 'system', author: 'system', kind: 'event', text: 'queued', event: { type: 'queued' } }, 110);
      await store.appendMessage('h', { senderId: 'a1', author: 'agent', kind: 'text', text: 'Hello' }, 170);
      await store.createConversation(conversationFixture({ id: 'b', createdAt: 200 }));
      const range = { fromDay: '1970-01-01', toDay: '1970-01-02', timeZone: 'Asia/Shanghai' };
      const report = await store.report(range, 5_000_000);
      expect(report).toEqual(await reportFromFacts(store, range, 5_000_000));
      expect(report.totals).toMatchObject({ conversations: 2, handedOff: 1 });
    });

    it('computes every figure of a varied report as reportFromFacts defines it', async () => {
      // Days in Asia/Shanghai (UTC+8): 1970-01-01 starts at -8 h, 01-02 at +16 h.
      const H = 3_600_000;
      const now = 100 * H;
      const add = async (id: string, createdAt: number, o: Partial<ConversationRecord>, labels: string[] = [], handoff?: { at: number; reply?: number }) => {
        await store.createConversation(conversationFixture({ id, createdAt, updatedAt: createdAt, ...o }));
        if (handoff) {
          await store.appendMessage(id, { senderId: 'system', author: 'system', kind: 'event', text: 'queued', event: { type: 'queued' } }, handoff.at);
          if (handoff.reply !== undefined) await store.appendMessage(id, { senderId: 'a1', author: 'agent', kind: 'text', text: 'Hi' }, handoff.reply);
        }
        if (labels.length) await store.changeConversationLabels(id, { add: labels, remove: [] });
      };
      await add('idle-bot', 1 * H, {}, ['billing']); // finished by idleness, resolved by the AI
      await add('fresh-bot', 99 * H, { updatedAt: 99.9 * H }, ['billing', 'vip']); // neither
      await add('closed-ai', 2 * H, { status: 'closed', closedAt: 3 * H, rating: { score: 5, ratedAt: 3 * H } }, ['vip']);
      await add('closed-human', 20 * H, { status: 'closed', closedAt: 30 * H, humanInvolved: true, rating: { score: 2, ratedAt: 30 * H } }, ['billing'], { at: 21 * H, reply: 21.5 * H });
      await add('queued', 40 * H, { status: 'queued', queuedAt: 41 * H }, [], { at: 41 * H });
      await add('assigned', 41 * H, { status: 'assigned', humanInvolved: true, rating: { score: 3, ratedAt: 45 * H } }, ['vip'], { at: 42 * H, reply: 42.25 * H });
      await add('reply-before-queue', 50 * H, { status: 'closed', closedAt: 60 * H }, [], { at: 52 * H, reply: 51 * H });
      await add('before-range', -20 * H, { status: 'closed', closedAt: -19 * H, rating: { score: 1, ratedAt: -19 * H } }, ['billing']);
      await add('after-range', 200 * H, { status: 'closed', closedAt: 201 * H }, ['vip']);
      const range = { fromDay: '1970-01-01', toDay: '1970-01-05', timeZone: 'Asia/Shanghai' };
      const report = await store.report(range, now);
      expect(report).toEqual(await reportFromFacts(store, range, now));
      expect(report.totals).toEqual({ conversations: 7, closed: 4, aiResolved: 2, handedOff: 4, aiResolutionRate: 0.5, handoffRate: 4 / 7 });
      expect(report.conversationsPerDay.map((d) => d.total)).toEqual([2, 1, 3, 0, 1]);
      expect(report.firstResponseSeconds).toEqual({ median: 1350, p90: 1710, samples: 2 });
      expect(report.csat).toEqual({ average: 10 / 3, responses: 3, distribution: { '1': 0, '2': 1, '3': 1, '4': 0, '5': 1 } });
      expect(report.labels).toEqual([
        { label: 'billing', conversations: 3, handedOff: 1, aiResolved: 1, csatAverage: 2 },
        { label: 'vip', conversations: 3, handedOff: 1, aiResolved: 1, csatAverage: 4 },
      ]);
    });

    it('puts each conversation on its day across a daylight-saving change and an odd historical offset, as reportFromFacts does', async () => {
      // New York's 1 November 2026 lasts 25 hours; Monrovia moved from −0:44:30 to UTC on
      // 7 January 1972, so its days there do not start on a quarter hour.
      const cases = [
        { timeZone: 'America/New_York', fromDay: '2026-10-31', toDay: '2026-11-02', midnights: ['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03'] },
        { timeZone: 'Africa/Monrovia', fromDay: '1972-01-05', toDay: '1972-01-08', midnights: ['1972-01-05', '1972-01-06', '1972-01-07', '1972-01-08', '1972-01-09'] },
      ];
      let n = 0;
      for (const { timeZone, midnights } of cases) {
        for (const day of midnights) {
          const midnight = startOfDay(day, timeZone);
          // Either side of each midnight, and mid-morning, when the clocks change.
          for (const at of [midnight - 1, midnight, midnight + 1, midnight + 1.5 * 3_600_000]) {
            await store.createConversation(conversationFixture({ id: `c${n++}`, createdAt: at, updatedAt: at, status: n % 2 ? 'closed' : 'bot', closedAt: n % 2 ? at : null }));
          }
        }
      }
      for (const { timeZone, fromDay, toDay, midnights } of cases) {
        const range = { fromDay, toDay, timeZone };
        const report = await store.report(range, Date.UTC(2030, 0, 1));
        expect(report).toEqual(await reportFromFacts(store, range, Date.UTC(2030, 0, 1)));
        // Each day holds its own midnight, the instant after, mid-morning and the instant before
        // the next midnight; the instant before the first midnight is outside the range.
        expect(report.conversationsPerDay.map((d) => d.total)).toEqual(midnights.slice(0, -1).map(() => 4));
      }
    });

    it('keeps the hand-off fields of a conversation, and patches them with a status move', async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      expect(await store.getConversation('a')).toMatchObject({
        handoffReason: null,
        leftMessage: null,
        visitorReadSeq: 0,
        agentReadSeq: 0,
        rating: null,
        humanInvolved: false,
        assignedAt: null,
      });
      await store.transitionConversation('a', ['bot'], {
        status: 'queued',
        queuedAt: 10,
        handoffReason: 'offline_message',
        leftMessage: { email: 'eve@example.com', name: 'Eve' },
      });
      await store.transitionConversation('a', ['queued'], { status: 'assigned', assignedAgentId: 'ag', humanInvolved: true, assignedAt: 20 });
      await store.transitionConversation('a', ['assigned'], { status: 'closed', closedAt: 30 });
      const rated = await store.transitionConversation('a', ['closed'], { rating: { score: 4, comment: 'quick', ratedAt: 40 } });
      expect(rated).toMatchObject({
        status: 'closed',
        handoffReason: 'offline_message',
        leftMessage: { email: 'eve@example.com', name: 'Eve' },
        humanInvolved: true,
        assignedAt: 20,
        rating: { score: 4, comment: 'quick', ratedAt: 40 },
      });
    });

    it('raises read seqs and never lowers them or passes the last seq', async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      for (const text of ['one', 'two', 'three']) {
        await store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text }, 2);
      }
      expect((await store.markConversationRead('a', 'visitor', 2))?.visitorReadSeq).toBe(2);
      expect(await store.markConversationRead('a', 'visitor', 1)).toBeNull();
      expect((await store.markConversationRead('a', 'visitor', 99))?.visitorReadSeq).toBe(3);
      expect((await store.markConversationRead('a', 'agent', 1))?.agentReadSeq).toBe(1);
      expect(await store.getConversation('a')).toMatchObject({ visitorReadSeq: 3, agentReadSeq: 1 });
    });

    it('lists the queue in queue order', async () => {
      await store.createConversation(conversationFixture({ id: 'late', status: 'queued', queuedAt: 300, updatedAt: 1 }));
      await store.createConversation(conversationFixture({ id: 'early', status: 'queued', queuedAt: 100, updatedAt: 2 }));
      await store.createConversation(conversationFixture({ id: 'tie', status: 'queued', queuedAt: 300, updatedAt: 3 }));
      const queue = await store.listConversations({ statuses: ['queued'], order: 'queue' });
      expect(queue.map((c) => c.id)).toEqual(['early', 'late', 'tie']);
      expect(await store.queuePosition('tie')).toBe(3);
    });

    it('stores routing settings, with defaults until saved', async () => {
      expect(await store.getRoutingSettings()).toEqual({
        assignment: 'auto',
        defaultCapacity: 5,
        disconnectGraceSeconds: 60,
        handoffKeywords: [],
        handoffAttributes: [],
        businessHours: null,
      });
      const settings = {
        assignment: 'manual' as const,
        defaultCapacity: 3,
        disconnectGraceSeconds: 10,
        handoffKeywords: ['refund', '投诉'],
        handoffAttributes: [{ key: 'plan', value: 'vip' }],
        businessHours: { timeZone: 'Asia/Shanghai', days: { mon: [['09:00', '18:00']] as [string, string][] } },
      };
      await store.saveRoutingSettings(settings);
      expect(await store.getRoutingSettings()).toEqual(settings);
      await store.saveRoutingSettings({ ...settings, assignment: 'auto' });
      expect((await store.getRoutingSettings()).assignment).toBe('auto');
    });

    it('stores agents, sessions and settings', async () => {
      await store.createAgent({ id: 'ag', email: 'anna@example.com', name: 'Anna', role: 'agent', passwordHash: 'x', createdAt: 1, capacity: 3 });
      expect(await store.findAgentByEmail('ANNA@example.com')).toMatchObject({ id: 'ag', capacity: 3 });
      expect(await store.countAgents()).toBe(1);
      await store.createSession({ tokenHash: 'h', agentId: 'ag', createdAt: 1, expiresAt: 2 });
      expect((await store.getSession('h'))?.agentId).toBe('ag');
      await store.deleteSession('h');
      expect(await store.getSession('h')).toBeNull();
      expect(await store.setSettingIfAbsent('secret', 'first')).toBe('first');
      expect(await store.setSettingIfAbsent('secret', 'second')).toBe('first');
    });

    it('saves a setting over what was stored, leaving the other keys alone', async () => {
      expect(await store.getSetting('welcome')).toBeNull();
      await store.saveSetting('welcome', '{"greeting":"你好"}');
      expect(await store.getSetting('welcome')).toBe('{"greeting":"你好"}');
      await store.saveSetting('welcome', '{"greeting":"Hi"}');
      expect(await store.getSetting('welcome')).toBe('{"greeting":"Hi"}');
      await store.setSettingIfAbsent('secret', 'kept');
      await store.saveSetting('welcome', '');
      expect(await store.getSetting('welcome')).toBe('');
      expect(await store.getSetting('secret')).toBe('kept');
    });

    const agentFixture = (id: string, role: 'admin' | 'agent' = 'agent') =>
      ({ id, email: `${id}@example.com`, name: id.toUpperCase(), role, passwordHash: `hash-of-${id}`, createdAt: 1, capacity: 3 }) as const;
    const session = (tokenHash: string, agentId: string) => ({ tokenHash, agentId, createdAt: 1, expiresAt: 10_000 });

    it("ends every session of an agent together with a password change, and no one else's", async () => {
      await store.createAgent(agentFixture('ann'));
      await store.createAgent(agentFixture('bob'));
      await store.createSession(session('ann-1', 'ann'));
      await store.createSession(session('ann-2', 'ann'));
      await store.createSession(session('bob-1', 'bob'));
      expect(await store.updateAgent('ann', { capacity: 4 })).toMatchObject({ capacity: 4, deactivatedAt: null });
      expect(await store.getSession('ann-1')).not.toBeNull();
      expect(await store.updateAgent('ann', { passwordHash: 'new-hash' }, { endSessions: true })).toMatchObject({ passwordHash: 'new-hash' });
      expect(await store.getSession('ann-1')).toBeNull();
      expect(await store.getSession('ann-2')).toBeNull();
      expect(await store.getSession('bob-1')).not.toBeNull();
      expect(await store.updateAgent('nobody', { passwordHash: 'x' }, { endSessions: true })).toBeNull();
    });

    it('creates a session only while the agent is active and has the password the login verified', async () => {
      await store.createAgent(agentFixture('ann'));
      expect(await store.createSession(session('s1', 'ann'), { passwordHash: 'hash-of-ann' })).toBe(true);
      expect(await store.getSession('s1')).not.toBeNull();
      await store.updateAgent('ann', { passwordHash: 'changed' }, { endSessions: true });
      expect(await store.createSession(session('s2', 'ann'), { passwordHash: 'hash-of-ann' })).toBe(false);
      expect(await store.getSession('s2')).toBeNull();
      await store.deactivateAgent('ann', 5);
      expect(await store.createSession(session('s3', 'ann'), { passwordHash: 'changed' })).toBe(false);
      await store.reactivateAgent('ann');
      expect(await store.createSession(session('s4', 'ann'), { passwordHash: 'changed' })).toBe(true);
    });

    it('deactivates an agent with their sessions, keeps the first time, and reactivates them', async () => {
      await store.createAgent(agentFixture('boss', 'admin'));
      await store.createAgent(agentFixture('ann'));
      await store.createSession(session('ann-1', 'ann'));
      await store.createSession(session('boss-1', 'boss'));
      expect(await store.deactivateAgent('ann', 100)).toMatchObject({ id: 'ann', deactivatedAt: 100 });
      expect(await store.getSession('ann-1')).toBeNull();
      expect(await store.getSession('boss-1')).not.toBeNull();
      expect(await store.deactivateAgent('ann', 200)).toMatchObject({ deactivatedAt: 100 });
      expect((await store.getAgent('ann'))?.deactivatedAt).toBe(100);
      expect((await store.findAgentByEmail('ann@example.com'))?.deactivatedAt).toBe(100);
      expect(new Map((await store.listAgents()).map((a) => [a.id, a.deactivatedAt]))).toEqual(new Map([['boss', null], ['ann', 100]]));
      expect(await store.reactivateAgent('ann')).toMatchObject({ id: 'ann', deactivatedAt: null });
      expect(await store.deactivateAgent('nobody', 1)).toBeNull();
      expect(await store.reactivateAgent('nobody')).toBeNull();
    });

    it('never deactivates the last active admin, even when two admins deactivate each other at once', async () => {
      await store.createAgent(agentFixture('a', 'admin'));
      await store.createAgent(agentFixture('b', 'admin'));
      await store.createAgent(agentFixture('c'));
      await expect(store.deactivateAgent('c', 1)).resolves.toMatchObject({ deactivatedAt: 1 });
      const results = await Promise.allSettled([store.deactivateAgent('a', 2), store.deactivateAgent('b', 2)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: 'invalid_state' });
      expect((await store.listAgents()).filter((a) => a.role === 'admin' && !a.deactivatedAt)).toHaveLength(1);
    });

    it('keeps the audit log newest first, paged by keyset, filtered by agent and action', async () => {
      await store.appendAudit(auditFixture({ id: 'e1', at: 100, detail: { from: 'queued' } }));
      await store.appendAudit(auditFixture({ id: 'e2', at: 200, actor: { id: 'admin-1', name: 'Boss 老板' }, action: 'settings.routing_changed', target: { type: 'setting', id: 'routing' }, detail: { changed: ['assignment', 'businessHours'] } }));
      await store.appendAudit(auditFixture({ id: 'e4', at: 200, action: 'conversation.closed' }));
      await store.appendAudit(auditFixture({ id: 'e3', at: 200, action: 'conversation.transferred', detail: { toAgentId: 'agent-2', note: null, ok: true, n: 3 } }));
      const all = await store.listAudit({ limit: 10 });
      expect(all.map((e) => e.id)).toEqual(['e4', 'e3', 'e2', 'e1']);
      expect(all[2]).toEqual({
        id: 'e2',
        at: 200,
        actor: { id: 'admin-1', name: 'Boss 老板' },
        action: 'settings.routing_changed',
        target: { type: 'setting', id: 'routing' },
        detail: { changed: ['assignment', 'businessHours'] },
      });
      expect(all[1]!.detail).toEqual({ toAgentId: 'agent-2', note: null, ok: true, n: 3 });
      const first = await store.listAudit({ limit: 2 });
      const last = first.at(-1)!;
      expect((await store.listAudit({ limit: 2, before: { at: last.at, id: last.id } })).map((e) => e.id)).toEqual(['e2', 'e1']);
      expect((await store.listAudit({ limit: 10, actorId: 'agent-1' })).map((e) => e.id)).toEqual(['e4', 'e3', 'e1']);
      expect((await store.listAudit({ limit: 10, action: 'conversation.closed' })).map((e) => e.id)).toEqual(['e4']);
      expect((await store.listAudit({ limit: 10, actorId: 'agent-1', action: 'conversation.claimed', before: { at: 150, id: 'z' } })).map((e) => e.id)).toEqual(['e1']);
    });

    it('erases one visitor whole (conversations, messages, ratings, context, search, reports) and leaves the others', async () => {
      await store.createVisitor({ id: 'visitor-2', createdAt: 1000 });
      // visitor-2 first, so visitor-1's messages are the newest rows: erasing them frees their
      // rowids in SQLite, and the message written after the erasure must still be found.
      await store.createConversation(conversationFixture({ id: 'other', visitorId: 'visitor-2', createdAt: 50, updatedAt: 50, context: { attributes: { name: 'Bea' } } }));
      await store.appendMessage('other', { senderId: 'visitor-2', author: 'visitor', kind: 'text', text: 'Where is my parcel?' }, 51);
      const unanswered = { responder: 'offline' as const, passageIds: [], scores: [], answered: false, latencyMs: 1 };
      await store.appendMessage('other', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Not found', provenance: unanswered, feedback: 'helpful' }, 52);

      await store.createConversation(conversationFixture({ id: 'old', createdAt: 60, updatedAt: 60, context: { pageUrl: 'https://shop.example/private', userAgent: 'Secret/1.0', attributes: { email: 'ada@private.example' } } }));
      await store.appendMessage('old', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'My card number is 4111' }, 61);
      await store.appendMessage('old', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Not found', provenance: unanswered, feedback: 'not_helpful' }, 62);
      await store.appendMessage('old', { senderId: 'a1', author: 'agent', kind: 'note', text: 'VIP customer 张三' }, 63);
      await store.transitionConversation('old', ['bot'], { status: 'closed', closedAt: 64, rating: { score: 2, comment: 'slow reply', ratedAt: 65 } });
      await store.createConversation(conversationFixture({ id: 'new', status: 'queued', queuedAt: 70, createdAt: 70, updatedAt: 70 }));
      await store.transitionConversation('new', ['queued'], { leftMessage: { email: 'ada@private.example', name: 'Ada' }, handoffReason: 'offline_message' });
      await store.appendMessage('new', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'Please call me back' }, 71);

      const ids = async (text: string) => (await store.searchConversations({ text, limit: 10 })).map((c) => c.id);
      expect(await ids('card number')).toEqual(['old']);
      expect((await store.listVisitorConversations('visitor-1')).map((c) => c.id)).toEqual(['old', 'new']);
      expect((await store.listVisitorConversations('visitor-2')).map((c) => c.id)).toEqual(['other']);

      expect(await store.enqueueEmail(emailFixture({ id: 'transcript:old', conversationId: 'old', kind: 'transcript', to: 'ada@private.example' }))).toBe(true);
      await store.createAttachment(attachmentFixture({ id: 'f-old', conversationId: 'old', storageKey: 'key-old' }));
      await store.createAttachment(attachmentFixture({ id: 'f-other', conversationId: 'other', storageKey: 'key-other' }));
      const audit = auditFixture({ id: 'erasure', at: 80, action: 'visitor.erased', target: { type: 'visitor', id: 'visitor-1' }, detail: { conversations: 2 } });
      expect(await store.eraseVisitor('visitor-1', 85, audit)).toEqual({ conversations: 2, messages: 4, visitor: true, attachments: ['key-old'] });
      expect(await store.getAttachment('f-old')).toBeNull();
      expect(await store.getAttachment('f-other')).toMatchObject({ storageKey: 'key-other' });

      // Only the bare record that keeps older tokens out: nothing of theirs.
      expect(await store.getVisitor('visitor-1')).toEqual({ id: 'visitor-1', createdAt: 0, sessionsFrom: 85 });
      expect(await store.getConversation('old')).toBeNull();
      expect(await store.getConversation('new')).toBeNull();
      expect(await store.findLatestConversation('visitor-1')).toBeNull();
      expect(await store.listVisitorConversations('visitor-1')).toEqual([]);
      expect(await store.listMessages('old', { includeNotes: true })).toEqual([]);
      expect(await store.getEmail('transcript:old')).toBeNull();
      expect(await store.listConversations({})).toHaveLength(1);
      for (const text of ['card number', '4111', '张三', 'ada@private', 'shop.example/private', 'Secret/1.0', 'visitor-1', 'call me back', '张']) {
        expect(await ids(text), text).toEqual([]);
      }
      expect((await store.reportFacts(0, 1000)).map((f) => f.conversation.id)).toEqual(['other']);
      expect(await store.answerFeedbackCounts(0, 1000)).toEqual({ helpful: 1, notHelpful: 0 });
      expect((await store.knowledgeGaps(0, 1000, 10)).map((g) => g.question)).toEqual(['Where is my parcel?']);
      expect((await store.listAudit({ limit: 10 })).map((e) => [e.id, e.action, e.target.id])).toEqual([['erasure', 'visitor.erased', 'visitor-1']]);

      // The other visitor is whole, and what is written next is found.
      expect((await store.getConversation('other'))?.lastSeq).toBe(2);
      expect((await store.listMessages('other', {})).map((m) => m.text)).toEqual(['Where is my parcel?', 'Not found']);
      await store.appendMessage('other', { senderId: 'visitor-2', author: 'visitor', kind: 'text', text: 'It arrived, thanks' }, 90);
      await store.appendMessage('other', { senderId: 'visitor-2', author: 'visitor', kind: 'text', text: '收到了' }, 91);
      expect(await ids('parcel')).toEqual(['other']);
      expect(await ids('arrived')).toEqual(['other']);
      expect(await ids('收到')).toEqual(['other']);
      expect(await ids('Bea')).toEqual(['other']);

      // A visitor the store never knew: nothing to erase. One erased already: nothing left.
      const nothing = { conversations: 0, messages: 0, visitor: false, attachments: [] };
      expect(await store.eraseVisitor('visitor-unknown', 90, auditFixture({ id: 'no-1', at: 90, action: 'visitor.erased' }))).toEqual(nothing);
      expect(await store.eraseVisitor('visitor-1', 91, auditFixture({ id: 'no-2', at: 91, action: 'visitor.erased' }))).toEqual(nothing);
      expect(await store.eraseVisitor('visitor-unknown', 92)).toEqual(nothing);
      expect(await store.getVisitor('visitor-unknown')).toBeNull();
      expect((await store.listAudit({ limit: 10 })).map((e) => e.id)).toEqual(['erasure']);
      // The visitor may come back as a new visitor with the same id (a signed user), seen from
      // then on; the floor stays, and a later erasure raises it.
      const again = await store.openConversation(conversationFixture({ id: 'back', context: {}, createdAt: 95 }));
      expect(again).toMatchObject({ created: true, conversation: { id: 'back', context: {} } });
      expect(await store.getVisitor('visitor-1')).toEqual({ id: 'visitor-1', createdAt: 95, sessionsFrom: 85 });
      expect(await store.eraseVisitor('visitor-1', 99)).toMatchObject({ conversations: 1, visitor: true });
      expect(await store.getVisitor('visitor-1')).toEqual({ id: 'visitor-1', createdAt: 0, sessionsFrom: 99 });
    });

    it('records attachments, reads them by id, lists and counts them per conversation (issue 13)', async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      await store.createConversation(conversationFixture({ id: 'b' }));
      const photo = attachmentFixture({ id: 'f1', conversationId: 'a', createdAt: 2000, size: 10_485_760 });
      const label = attachmentFixture({ id: 'f2', conversationId: 'a', name: '退货标签.pdf', contentType: 'application/pdf', uploadedBy: 'agent-1', createdAt: 2001 });
      await store.createAttachment(label);
      await store.createAttachment(photo);
      await store.createAttachment(attachmentFixture({ id: 'f3', conversationId: 'b' }));
      expect(await store.getAttachment('f1')).toEqual(photo);
      expect(await store.getAttachment('f2')).toEqual(label);
      expect(await store.getAttachment('nope')).toBeNull();
      expect(await store.listAttachments('a')).toEqual([photo, label]);
      expect(await store.countAttachments('a')).toBe(2);
      expect(await store.countAttachments('c')).toBe(0);
    });

    it('records an attachment only under the bound, when many arrive at once', async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      await store.createConversation(conversationFixture({ id: 'b' }));
      await store.createAttachment(attachmentFixture({ id: 'b1', conversationId: 'b' }));
      const recorded = await Promise.all(Array.from({ length: 12 }, (_, i) => store.createAttachment(attachmentFixture({ id: `f${i}`, conversationId: 'a' }), { atMost: 5 })));
      expect(recorded.filter(Boolean)).toHaveLength(5);
      expect(await store.countAttachments('a')).toBe(5);
      expect(await store.createAttachment(attachmentFixture({ id: 'b2', conversationId: 'b' }), { atMost: 2 })).toBe(true);
      expect(await store.createAttachment(attachmentFixture({ id: 'b3', conversationId: 'b' }), { atMost: 2 })).toBe(false);
    });

    it('queues each email once, hands out the due ones in order, and records an outcome once (issue 13)', async () => {
      expect(await store.enqueueEmail(emailFixture({ id: 'reply:a:3', throughSeq: 3, nextAttemptAt: 2000 }))).toBe(true);
      expect(await store.enqueueEmail(emailFixture({ id: 'reply:a:3', throughSeq: 99 }))).toBe(false);
      await store.enqueueEmail(emailFixture({ id: 'offline:m1', kind: 'offline_message', throughSeq: 1, nextAttemptAt: 1500 }));
      await store.enqueueEmail(emailFixture({ id: 'transcript:b', kind: 'transcript', conversationId: 'b', to: '张@example.com', throughSeq: 7, nextAttemptAt: 5000 }));
      expect(await store.getEmail('reply:a:3')).toEqual(emailFixture({ id: 'reply:a:3', throughSeq: 3, nextAttemptAt: 2000 }));
      expect(await store.getEmail('nope')).toBeNull();
      expect((await store.dueEmails(2000, 10)).map((e) => e.id)).toEqual(['offline:m1', 'reply:a:3']);
      expect((await store.dueEmails(2000, 1)).map((e) => e.id)).toEqual(['offline:m1']);
      expect((await store.dueEmails(1000, 10)).map((e) => e.id)).toEqual([]);

      // A failed attempt: retried later. Two senders recording the same attempt: one wins.
      const retry = { attempts: 1, nextAttemptAt: 9000, lastError: '451 try later' };
      expect(await store.updateEmail('offline:m1', 0, retry)).toMatchObject({ id: 'offline:m1', status: 'pending', ...retry });
      expect(await store.updateEmail('offline:m1', 0, { attempts: 1, nextAttemptAt: 1 })).toBeNull();
      expect((await store.dueEmails(5000, 10)).map((e) => e.id)).toEqual(['reply:a:3', 'transcript:b']);
      const sent = await store.updateEmail('offline:m1', 1, { status: 'sent', attempts: 2, sentAt: 9100, lastError: null });
      expect(sent).toMatchObject({ status: 'sent', attempts: 2, sentAt: 9100, lastError: null, nextAttemptAt: 9000 });
      expect(await store.getEmail('offline:m1')).toEqual(sent);
      // Sent is final: no more outcomes, never due again.
      expect(await store.updateEmail('offline:m1', 2, { status: 'failed' })).toBeNull();
      expect((await store.dueEmails(99_999, 10)).map((e) => e.id)).toEqual(['reply:a:3', 'transcript:b']);
      expect(await store.updateEmail('transcript:b', 0, { status: 'failed', attempts: 1, lastError: '550 no such user' })).toMatchObject({ status: 'failed' });
      expect((await store.dueEmails(99_999, 10)).map((e) => e.id)).toEqual(['reply:a:3']);

      await store.enqueueEmail(emailFixture({ id: 'reply:a:9', fromSeq: 3, throughSeq: 9 }));
      expect(await store.emailedThroughSeq('a', ['agent_reply'])).toBe(9);
      expect(await store.emailedThroughSeq('a', ['transcript'])).toBe(0);
      expect(await store.emailedThroughSeq('b', ['agent_reply', 'transcript'])).toBe(7);
      expect(await store.emailedThroughSeq('zzz', ['agent_reply'])).toBe(0);
    });
  });
}
