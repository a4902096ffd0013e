import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS, type ChatMessage } from '@support-chat/shared';
import { ChatError } from '../errors.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { ConversationRecord } from '../store/types.js';
import { DomainEventBus } from './events.js';
import { ConversationService, RERATE_AFTER_MS } from './service.js';
import { canTransition } from './state.js';

describe('conversation states', () => {
  it('allows the main path and forbids leaving closed', () => {
    expect(canTransition('bot', 'queued')).toBe(true);
    expect(canTransition('queued', 'assigned')).toBe(true);
    expect(canTransition('assigned', 'closed')).toBe(true);
    expect(canTransition('closed', 'bot')).toBe(false);
    expect(canTransition('closed', 'assigned')).toBe(false);
  });
});

describe('ConversationService', () => {
  let service: ConversationService;
  let created: ChatMessage[];
  let now: number;
  let contextChanges: ConversationRecord[];
  let bus: DomainEventBus;
  const anna = { id: 'agent-anna', name: 'Anna' };
  const ben = { id: 'agent-ben', name: 'Ben' };

  beforeEach(async () => {
    const store = SqliteStore.open(':memory:');
    for (const a of [anna, ben]) {
      await store.createAgent({ ...a, email: `${a.id}@x.test`, role: 'agent', passwordHash: 'x', createdAt: 0, capacity: 5 });
    }
    bus = new DomainEventBus();
    created = [];
    bus.on('messageCreated', (m) => created.push(m));
    contextChanges = [];
    bus.on('contextChanged', (c) => contextChanges.push(c));
    now = 1_000;
    service = new ConversationService(store, bus, { now: () => now++ });
  });

  it('starts a conversation with the first visitor message and dedupes a retried send', async () => {
    const first = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hello', locale: 'en' });
    const retry = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hello', locale: 'en' });
    expect(first.created).toBe(true);
    expect(retry.created).toBe(false);
    expect(retry.message.id).toBe(first.message.id);
    expect(first.conversation.status).toBe('bot');
    expect(created.map((m) => m.text)).toEqual(['hello']);
  });

  it('asks the flood limits only before opening a conversation, never for a send into the open one', async () => {
    let admitted = 0;
    let refuse = false;
    const admit = async () => {
      if (refuse) throw new ChatError('rate_limited', 'You have started too many conversations.');
      admitted++;
    };
    const send = (clientId: string) => service.postVisitorMessage('visitor-aaaa', { clientId, text: clientId, locale: 'en', admit });
    const first = await send('client-0001');
    await send('client-0002');
    expect(admitted).toBe(1);
    refuse = true;
    // Past the limit, the visitor keeps writing in the conversation they have.
    expect((await send('client-0003')).message.seq).toBe(3);
    await service.close(first.conversation.id, 'agent');
    await expect(send('client-0004')).rejects.toMatchObject({ code: 'rate_limited' });
    refuse = false;
    const next = await send('client-0005');
    expect(admitted).toBe(2);
    expect(next.conversation.id).not.toBe(first.conversation.id);
    expect(next.message.seq).toBe(1);
    expect(created.map((m) => m.text)).toEqual(['client-0001', 'client-0002', 'client-0003', 'The conversation was closed by the agent.', 'client-0005']);
  });

  it('queues, assigns and closes with a system line for each step', async () => {
    const { conversation } = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hi', locale: 'en' });
    await service.requestHuman(conversation.id);
    expect((await service.toVisitorView(await service.getConversation(conversation.id))).queuePosition).toBe(1);
    const assigned = await service.claim(conversation.id, anna);
    expect(assigned.assignedAgentId).toBe(anna.id);
    expect((await service.toVisitorView(assigned)).agentName).toBe('Anna');
    await service.close(conversation.id, 'agent');
    expect(created.map((m) => m.event?.type ?? m.text)).toEqual(['hi', 'queued', 'assigned', 'closed']);
    expect(created.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('lets only one of two agents claim a conversation', async () => {
    const { conversation } = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hi', locale: 'en' });
    await service.requestHuman(conversation.id);
    const results = await Promise.allSettled([service.claim(conversation.id, anna), service.claim(conversation.id, ben)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ChatError);
    expect((rejected.reason as ChatError).code).toBe('conflict');
  });

  it('refuses agent replies until the agent has claimed the conversation', async () => {
    const { conversation } = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hi', locale: 'en' });
    await expect(
      service.postAgentMessage(anna, { conversationId: conversation.id, clientId: 'agent-msg-1', text: 'hello' }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
    await service.claim(conversation.id, anna);
    const reply = await service.postAgentMessage(anna, { conversationId: conversation.id, clientId: 'agent-msg-1', text: 'hello' });
    expect(reply).toMatchObject({ author: 'agent', authorName: 'Anna', text: 'hello' });
    await expect(
      service.postAgentMessage(ben, { conversationId: conversation.id, clientId: 'agent-msg-2', text: 'me too' }),
    ).rejects.toMatchObject({ code: 'invalid_state' });

    // The ack of that reply was lost and the visitor closed meanwhile: its resend gets the stored
    // reply (it was delivered), a new reply is refused.
    await service.close(conversation.id, 'visitor');
    expect(await service.postAgentMessage(anna, { conversationId: conversation.id, clientId: 'agent-msg-1', text: 'hello' })).toEqual(reply);
    // Only her own: another agent's send with that client id is not answered with her reply.
    await expect(service.postAgentMessage(ben, { conversationId: conversation.id, clientId: 'agent-msg-1', text: 'hello' })).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(
      service.postAgentMessage(anna, { conversationId: conversation.id, clientId: 'agent-msg-3', text: 'and more' }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('starts a new conversation after the last one closed, and resumes from a seq', async () => {
    const first = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'one', locale: 'en' });
    await service.close(first.conversation.id, 'agent');
    const second = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0002', text: 'two', locale: 'en' });
    expect(second.conversation.id).not.toBe(first.conversation.id);
    const resumed = await service.resumeVisitor('visitor-aaaa', { afterSeq: 0 });
    expect(resumed.conversation?.id).toBe(second.conversation.id);
    expect(resumed.messages.map((m) => m.text)).toEqual(['two']);
    // A client still on the old conversation gets the new one from the start.
    const stale = await service.resumeVisitor('visitor-aaaa', { afterSeq: 5, conversationId: first.conversation.id });
    expect(stale.messages.map((m) => m.text)).toEqual(['two']);
  });

  it("writes and announces the visitor's context only when it changed (every page they open resumes)", async () => {
    await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hi', locale: 'en', context: { pageUrl: 'https://shop.example/' } });
    await service.resumeVisitor('visitor-aaaa', { afterSeq: 0, context: { pageUrl: 'https://shop.example/' } });
    expect(contextChanges).toEqual([]);
    const moved = await service.resumeVisitor('visitor-aaaa', { afterSeq: 0, context: { pageUrl: 'https://shop.example/returns', attributes: { plan: 'pro' } } });
    expect(contextChanges.map((c) => c.context)).toEqual([{ pageUrl: 'https://shop.example/returns', attributes: { plan: 'pro' } }]);
    expect(moved.conversation!.context).toEqual(contextChanges[0]!.context);
    expect((await service.getConversation(moved.conversation!.id)).context).toEqual(contextChanges[0]!.context);
  });

  it("keeps at most the attribute limit across resumes: stored ones change, new ones join while there is room (a stranger's resumes grew it without end)", async () => {
    await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hi', locale: 'en' });
    const batch = (round: number) => Object.fromEntries(Array.from({ length: LIMITS.attributeCount }, (_, i) => [`k${round}-${i}`, 'v'.repeat(500)]));
    for (let round = 0; round < 5; round++) await service.resumeVisitor('visitor-aaaa', { afterSeq: 0, context: { attributes: batch(round) } });
    const { conversation } = await service.resumeVisitor('visitor-aaaa', { afterSeq: 0, context: { attributes: { plan: 'pro', 'k0-0': 'changed' } } });
    const attributes = conversation!.context.attributes!;
    expect(Object.keys(attributes)).toHaveLength(LIMITS.attributeCount);
    expect(attributes).toMatchObject({ 'k0-0': 'changed', 'k0-29': 'v'.repeat(500) });
    expect(Object.keys(attributes).some((key) => !key.startsWith('k0-'))).toBe(false);
    // The same attributes again, in another order: nothing written, nothing announced.
    const changes = contextChanges.length;
    const reordered = Object.fromEntries(Object.entries(attributes).reverse());
    await service.resumeVisitor('visitor-aaaa', { afterSeq: 0, context: { attributes: reordered } });
    expect(contextChanges).toHaveLength(changes);
  });

  it('transfers, requeues first in line, hands back and reopens, with a system line each', async () => {
    const first = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hi', locale: 'en' });
    const id = first.conversation.id;
    await service.requestHuman(id, 'rule', { rule: { keyword: 'refund' } });
    const queuedAt = (await service.getConversation(id)).queuedAt;
    await service.claim(id, anna);
    expect(await service.getConversation(id)).toMatchObject({ handoffReason: 'rule', humanInvolved: true, assignedAgentId: anna.id });
    expect((await service.transfer(id, ben)).assignedAgentId).toBe(ben.id);
    // Another visitor queues later; the requeued conversation keeps its earlier place.
    const other = await service.postVisitorMessage('visitor-bbbb', { clientId: 'client-0002', text: 'hey', locale: 'en' });
    await service.requestHuman(other.conversation.id);
    expect(await service.requeue(id, anna.id)).toBeNull(); // not Anna's any more
    const requeued = await service.requeue(id, ben.id);
    expect(requeued).toMatchObject({ status: 'queued', queuedAt, assignedAgentId: null });
    expect((await service.toVisitorView(requeued!)).queuePosition).toBe(1);
    expect((await service.handBack(id)).status).toBe('bot');
    await service.close(id, 'agent');
    const reopened = await service.reopen(id, anna);
    expect(reopened).toMatchObject({ status: 'assigned', assignedAgentId: anna.id, closedAt: null });
    expect(created.filter((m) => m.conversationId === id).map((m) => m.event?.type ?? m.text)).toEqual([
      'hi', 'queued', 'assigned', 'transferred', 'queued', 'returned_to_ai', 'closed', 'assigned',
    ]);
  });

  it('takes over from the AI as an agent takeover, and reopens only the latest conversation', async () => {
    const first = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'one', locale: 'en' });
    expect((await service.claim(first.conversation.id, anna)).handoffReason).toBe('agent_takeover');
    await service.close(first.conversation.id, 'agent');
    await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0002', text: 'two', locale: 'en' });
    await expect(service.reopen(first.conversation.id, anna)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('lets only the visitor rate, and only once closed', async () => {
    const { conversation } = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hi', locale: 'en' });
    const rating = { conversationId: conversation.id, score: 5, comment: 'great' };
    await expect(service.rate('visitor-aaaa', rating)).rejects.toMatchObject({ code: 'invalid_state' });
    await service.close(conversation.id, 'agent');
    await expect(service.rate('visitor-other', rating)).rejects.toMatchObject({ code: 'not_found' });
    expect((await service.rate('visitor-aaaa', rating)).rating).toMatchObject({ score: 5, comment: 'great' });
    const rated: ConversationRecord[] = [];
    const off = bus.on('conversationRated', (c) => rated.push(c));
    // Changed at once: refused (alternating scores were a stream of events); a little later, taken.
    await expect(service.rate('visitor-aaaa', { ...rating, score: 3, comment: undefined })).rejects.toMatchObject({ code: 'rate_limited' });
    now += RERATE_AFTER_MS;
    expect((await service.rate('visitor-aaaa', { ...rating, score: 3, comment: undefined })).rating).toEqual({ score: 3, ratedAt: expect.any(Number) });
    // Rated the same again: nothing written, nothing announced (webhooks hear each rating).
    const again = await service.rate('visitor-aaaa', { ...rating, score: 3, comment: '' });
    expect(again.rating).toEqual(rated[0]!.rating);
    expect(rated).toHaveLength(1);
    off();
  });

  it('queues a message left while nobody was available, once', async () => {
    const input = { clientId: 'client-0001', email: 'eve@example.com', name: 'Eve', text: 'Call me back', locale: 'en' as const };
    const left = await service.leaveMessage('visitor-aaaa', input);
    expect(left.conversation).toMatchObject({ status: 'queued', handoffReason: 'offline_message', leftMessage: { email: 'eve@example.com', name: 'Eve' } });
    const again = await service.leaveMessage('visitor-aaaa', input);
    expect(again.message.id).toBe(left.message.id);
    expect(created.map((m) => m.event?.type ?? m.text)).toEqual(['Call me back', 'queued']);
  });

  it('keeps internal notes away from the visitor history', async () => {
    const { conversation } = await service.postVisitorMessage('visitor-aaaa', { clientId: 'client-0001', text: 'hi', locale: 'en' });
    await service.addAgentNote(anna, { conversationId: conversation.id, clientId: 'note-00001', text: 'VIP customer' });
    await service.addSystemNote(conversation, { type: 'requeued', agentName: 'Anna', cause: 'deactivated' });
    expect((await service.resumeVisitor('visitor-aaaa', { afterSeq: 0 })).messages.map((m) => m.text)).toEqual(['hi']);
    expect((await service.history(conversation.id)).map((m) => m.text)).toEqual(['hi', 'VIP customer', 'Anna was deactivated by an admin: back in the queue, first in line.']);
  });
});
