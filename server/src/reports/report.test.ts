import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite-store.js';
import { conversationFixture } from '../store/store-contract.js';
import { buildReport, IDLE_FINISHED_MS } from './report.js';

const DAY = Date.UTC(2026, 10, 24);
const NOW = DAY + 20 * 3600_000;

describe('buildReport', () => {
  it('counts AI-resolved, hand-offs and first response times for the chosen days', async () => {
    const store = SqliteStore.open(':memory:');
    await store.createVisitor({ id: 'visitor-1', createdAt: 0 });
    const at = (h: number) => DAY + h * 3600_000;
    // Answered by the AI and left alone long ago: resolved. Still going: not finished yet.
    await store.createConversation(conversationFixture({ id: 'ai-idle', createdAt: at(1), updatedAt: NOW - IDLE_FINISHED_MS - 1 }));
    await store.createConversation(conversationFixture({ id: 'ai-live', createdAt: at(2), updatedAt: NOW - 60_000 }));
    // Two handed off to people, who answered after 90 s and 30 s.
    for (const [id, wait] of [['slow', 90], ['fast', 30]] as const) {
      await store.createConversation(conversationFixture({ id, status: 'closed', createdAt: at(3), updatedAt: at(4), closedAt: at(4) }));
      await store.appendMessage(id, { senderId: 'system', author: 'system', kind: 'event', text: 'q', event: { type: 'queued' } }, at(3));
      await store.appendMessage(id, { senderId: 'a', author: 'agent', kind: 'text', text: 'hi' }, at(3) + wait * 1000);
    }
    // Yesterday: outside the range.
    await store.createConversation(conversationFixture({ id: 'old', createdAt: DAY - 3600_000 }));

    const report = await buildReport(store, { fromDay: '2026-11-24', toDay: '2026-11-24', timeZone: 'UTC' }, NOW);
    expect(report.totals).toEqual({
      conversations: 4,
      closed: 3,
      aiResolved: 1,
      handedOff: 2,
      aiResolutionRate: 1 / 3,
      handoffRate: 0.5,
    });
    expect(report.conversationsPerDay).toEqual([{ day: '2026-11-24', total: 4, aiResolved: 1, handedOff: 2 }]);
    expect(report.firstResponseSeconds).toEqual({ median: 60, p90: 84, samples: 2 });
    expect(report.csat).toMatchObject({ average: null, responses: 0 });

    // The same instants seen from Shanghai (UTC+8): the 01:00 UTC conversation is on the 24th there
    // too, but yesterday's 23:00 UTC one moves into the 24th.
    const shanghai = await buildReport(store, { fromDay: '2026-11-24', toDay: '2026-11-24', timeZone: 'Asia/Shanghai' }, NOW);
    expect(shanghai.totals.conversations).toBe(5);
  });
});
