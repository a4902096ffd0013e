/**
 * What every Store keeps for labels and the visitor's history (issue 13). Both store test files
 * run it beside the Store contract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LABEL_LIMITS } from '@support-chat/shared';
import { ChatError } from '../errors.js';
import { reportFromFacts } from '../reports/report.js';
import { conversationFixture } from './store-contract.js';
import type { Store } from './types.js';

export function describeLabelsContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} (labels and visitor history contract)`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      for (const id of ['visitor-1', 'visitor-2', 'visitor-3']) await store.createVisitor({ id, createdAt: 1000 });
    });
    afterEach(async () => {
      await store.close();
    });

    it('adds and removes labels atomically, sorted, reporting only what changed, and leaves updatedAt alone', async () => {
      await store.createConversation(conversationFixture({ id: 'a', updatedAt: 1234 }));
      const first = await store.changeConversationLabels('a', { add: ['vip', 'billing'], remove: [] });
      expect(first).toMatchObject({ added: ['billing', 'vip'], removed: [] });
      expect(first!.conversation.labels).toEqual(['billing', 'vip']);
      expect(first!.conversation.updatedAt).toBe(1234);
      const second = await store.changeConversationLabels('a', { add: ['billing', '退款'], remove: ['vip', 'absent'] });
      expect(second).toMatchObject({ added: ['退款'], removed: ['vip'] });
      expect((await store.getConversation('a'))!.labels).toEqual(['billing', '退款']);
      const none = await store.changeConversationLabels('a', { add: ['billing'], remove: ['nope'] });
      expect(none).toMatchObject({ added: [], removed: [] });
      expect(await store.changeConversationLabels('missing', { add: ['x'], remove: [] })).toBeNull();
      // A new conversation has none.
      await store.createConversation(conversationFixture({ id: 'b' }));
      expect((await store.getConversation('b'))!.labels).toEqual([]);
    });

    it('keeps every label of concurrent changes, and refuses more than the bound', async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      const labels = Array.from({ length: LABEL_LIMITS.perConversation }, (_, i) => `l${i}`);
      await Promise.all(labels.map((label) => store.changeConversationLabels('a', { add: [label], remove: [] })));
      expect((await store.getConversation('a'))!.labels).toEqual([...labels].sort());
      const over = store.changeConversationLabels('a', { add: ['one-more'], remove: [] });
      await expect(over).rejects.toBeInstanceOf(ChatError);
      await expect(over).rejects.toMatchObject({ code: 'invalid_payload' });
      // Swapping one for another stays within the bound.
      await store.changeConversationLabels('a', { add: ['one-more'], remove: ['l0'] });
      expect((await store.getConversation('a'))!.labels).toContain('one-more');
    });

    it('filters lists and searches by label through the label index, and counts labels in use', async () => {
      await store.createConversation(conversationFixture({ id: 'a', updatedAt: 1000 }));
      await store.createConversation(conversationFixture({ id: 'b', visitorId: 'visitor-2', updatedAt: 2000, status: 'closed' }));
      await store.createConversation(conversationFixture({ id: 'c', visitorId: 'visitor-3', updatedAt: 3000 }));
      await store.changeConversationLabels('a', { add: ['billing'], remove: [] });
      await store.changeConversationLabels('b', { add: ['billing', 'vip'], remove: [] });
      await store.changeConversationLabels('c', { add: ['vip'], remove: [] });
      const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
      expect(ids(await store.listConversations({ label: 'billing' }))).toEqual(['b', 'a']);
      expect(ids(await store.listConversations({ label: 'billing', statuses: ['bot'] }))).toEqual(['a']);
      expect(ids(await store.listConversations({ label: 'nobody' }))).toEqual([]);
      expect(ids(await store.searchConversations({ label: 'vip', limit: 10 }))).toEqual(['c', 'b']);
      expect(ids(await store.searchConversations({ label: 'vip', status: 'closed', limit: 10 }))).toEqual(['b']);
      expect(await store.labelCounts(10)).toEqual([
        { label: 'billing', conversations: 2 },
        { label: 'vip', conversations: 2 },
      ]);
      // A removed label no longer finds the conversation.
      await store.changeConversationLabels('b', { add: [], remove: ['billing'] });
      expect(ids(await store.listConversations({ label: 'billing' }))).toEqual(['a']);
      expect(await store.labelCounts(1)).toEqual([{ label: 'vip', conversations: 2 }]);
    });

    it('reports figures per label', async () => {
      const day = Date.UTC(2024, 4, 1, 12);
      await store.createConversation(conversationFixture({ id: 'a', createdAt: day, updatedAt: day, status: 'closed', closedAt: day, rating: { score: 4, ratedAt: day } }));
      await store.createConversation(conversationFixture({ id: 'b', visitorId: 'visitor-2', createdAt: day, updatedAt: day, status: 'closed', closedAt: day, rating: { score: 2, ratedAt: day } }));
      await store.changeConversationLabels('a', { add: ['billing', 'vip'], remove: [] });
      await store.changeConversationLabels('b', { add: ['billing'], remove: [] });
      const range = { fromDay: '2024-05-01', toDay: '2024-05-01', timeZone: 'UTC' };
      const report = await store.report(range, day + 1000);
      expect(report.labels).toEqual([
        { label: 'billing', conversations: 2, handedOff: 0, aiResolved: 2, csatAverage: 3 },
        { label: 'vip', conversations: 1, handedOff: 0, aiResolved: 1, csatAverage: 4 },
      ]);
      expect(report).toEqual(await reportFromFacts(store, range, day + 1000));
    });

    it("lists the visitor's and the verified user's other conversations, newest first, paged", async () => {
      const verified = { userId: 'user-42', attributes: {} };
      await store.createConversation(conversationFixture({ id: 'old', createdAt: 1000, status: 'closed' }));
      await store.createConversation(conversationFixture({ id: 'phone', visitorId: 'visitor-2', createdAt: 2000, status: 'closed', context: { verified } }));
      await store.createConversation(conversationFixture({ id: 'stranger', visitorId: 'visitor-3', createdAt: 2500, status: 'closed' }));
      await store.createConversation(conversationFixture({ id: 'mid', createdAt: 3000, status: 'closed' }));
      await store.createConversation(conversationFixture({ id: 'now', createdAt: 4000, context: { verified } }));
      const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
      expect(ids(await store.listConversationHistory({ visitorId: 'visitor-1', excludeId: 'now', limit: 10 }))).toEqual(['mid', 'old']);
      const all = await store.listConversationHistory({ visitorId: 'visitor-1', userId: 'user-42', excludeId: 'now', limit: 2 });
      expect(ids(all)).toEqual(['mid', 'phone']);
      const next = await store.listConversationHistory({
        visitorId: 'visitor-1',
        userId: 'user-42',
        excludeId: 'now',
        before: { createdAt: all[1]!.createdAt, id: all[1]!.id },
        limit: 2,
      });
      expect(ids(next)).toEqual(['old']);
    });

    it("finds a conversation's first visitor message, and erasing a visitor forgets their labels", async () => {
      await store.createConversation(conversationFixture({ id: 'a' }));
      await store.appendMessage('a', { senderId: 'ai', author: 'ai', kind: 'text', text: 'Hello!' }, 1000);
      await store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'Where is my order?' }, 1001);
      await store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'Hello?' }, 1002);
      expect((await store.firstVisitorMessage('a'))?.text).toBe('Where is my order?');
      await store.createConversation(conversationFixture({ id: 'b', visitorId: 'visitor-2' }));
      expect(await store.firstVisitorMessage('b')).toBeNull();
      await store.changeConversationLabels('a', { add: ['billing'], remove: [] });
      await store.eraseVisitor('visitor-1', 100);
      expect(await store.listConversations({ label: 'billing' })).toEqual([]);
      expect(await store.labelCounts(10)).toEqual([]);
    });
  });
}
