import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite-store.js';
import { conversationFixture } from '../store/store-contract.js';
import { DomainEventBus } from './events.js';
import { ConversationService } from './service.js';

describe('ConversationService.listInbox', () => {
  it('returns every queued conversation however many others there are, and pages the rest to the end', async () => {
    const store = SqliteStore.open(':memory:');
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    const service = new ConversationService(store, new DomainEventBus(), { now: () => 10_000 });
    for (let i = 0; i < 30; i++) {
      await store.createConversation(conversationFixture({ id: `bot-${i}`, updatedAt: 100 + (i % 7) }));
      await store.createConversation(conversationFixture({ id: `closed-${i}`, status: 'closed', updatedAt: 200 + i, closedAt: 200 + i }));
    }
    for (let i = 0; i < 12; i++) {
      await store.createConversation(conversationFixture({ id: `queued-${i}`, status: 'queued', queuedAt: 50 - i, updatedAt: i }));
    }
    await store.createConversation(conversationFixture({ id: 'mine', status: 'assigned', assignedAgentId: 'me', updatedAt: 5 }));
    await store.createConversation(conversationFixture({ id: 'theirs', status: 'assigned', assignedAgentId: 'you', updatedAt: 6 }));

    const first = await service.listInbox('me', { limit: 4 });
    const queued = first.conversations.filter((c) => c.status === 'queued');
    expect(queued.map((c) => c.id)).toEqual(Array.from({ length: 12 }, (_, i) => `queued-${11 - i}`));
    expect(queued.map((c) => c.queuePosition)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(first.conversations.filter((c) => c.status === 'bot')).toHaveLength(4);
    expect(first.conversations.filter((c) => c.id === 'mine')).toHaveLength(1); // in Mine's page and Team's, sent once
    expect(Object.keys(first.more).sort()).toEqual(['bot', 'closed']);

    // Walking the bot pages returns each conversation once, newest activity first.
    const seen = first.conversations.filter((c) => c.status === 'bot').map((c) => c.id);
    let cursor = first.more.bot;
    while (cursor) {
      const page = await service.listInbox('me', { section: 'bot', cursor, limit: 4 });
      expect(page.conversations.every((c) => c.status === 'bot')).toBe(true);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.more.bot;
    }
    expect(new Set(seen).size).toBe(30);
    expect(seen).toHaveLength(30);
    await expect(service.listInbox('me', { section: 'bot', cursor: 'nonsense' })).rejects.toMatchObject({ code: 'invalid_payload' });
    await store.close();
  });
});
