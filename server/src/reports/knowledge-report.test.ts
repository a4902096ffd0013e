import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite-store.js';
import { conversationFixture } from '../store/store-contract.js';
import { startOfDay } from '../time/zoned.js';
import { buildKnowledgeReport, reportWeeks, weekStart } from './knowledge-report.js';

describe('knowledge report weeks', () => {
  it('start on Monday and are clipped to the range, in its time zone', () => {
    expect(weekStart('2026-03-04')).toBe('2026-03-02'); // a Wednesday
    expect(weekStart('2026-03-02')).toBe('2026-03-02');
    expect(weekStart('2026-03-08')).toBe('2026-03-02'); // a Sunday
    const weeks = reportWeeks({ fromDay: '2026-03-04', toDay: '2026-03-10', timeZone: 'Asia/Shanghai' });
    expect(weeks.map((w) => w.weekStart)).toEqual(['2026-03-02', '2026-03-09']);
    expect(weeks[0]!.from).toBe(startOfDay('2026-03-04', 'Asia/Shanghai'));
    expect(weeks[0]!.to).toBe(startOfDay('2026-03-09', 'Asia/Shanghai'));
    expect(weeks[1]!.to).toBe(startOfDay('2026-03-11', 'Asia/Shanghai'));
  });
});

describe('buildKnowledgeReport', () => {
  it('joins the store\'s counts with the entries served: per entry, never used, thumbs down, gaps by week, accepted share', async () => {
    const store = SqliteStore.open(':memory:');
    const day = (d: string) => startOfDay(d, 'UTC');
    const answered = { responder: 'offline' as const, passageIds: [], scores: [1], answered: true, latencyMs: 1 };
    const ai = (id: string, extra = {}) => ({ senderId: 'ai', author: 'ai' as const, kind: 'text' as const, text: 'A', provenance: answered, sources: [{ id, title: id }], ...extra });
    const gap = { senderId: 'ai', author: 'ai' as const, kind: 'text' as const, text: '?', provenance: { ...answered, answered: false }, sources: [] };
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await store.createConversation(conversationFixture({ id: 'c1' }));
    await store.appendMessage('c1', ai('a.md#returns'), day('2026-03-03'));
    await store.appendMessage('c1', ai('a.md#returns'), day('2026-03-04'));
    await store.appendMessage('c1', ai('a.md#shipping', { feedback: 'not_helpful' }), day('2026-03-04') + 1);
    await store.appendMessage('c1', ai('gone.md#old'), day('2026-03-05'));
    await store.appendMessage('c1', gap, day('2026-03-05') + 1);
    await store.appendMessage('c1', gap, day('2026-03-10'));
    await store.appendMessage('c1', gap, day('2026-03-12')); // after the range

    const entries = [
      { id: 'a.md#returns', title: 'How do I return an item?' },
      { id: 'a.md#shipping', title: 'How long does shipping take?' },
      { id: 'b.md#warranty', title: 'How long is the warranty?' },
    ];
    const report = await buildKnowledgeReport(store, entries, { fromDay: '2026-03-01', toDay: '2026-03-10', timeZone: 'UTC' });
    expect(report.answers).toBe(4);
    expect(report.accepted).toBe(3);
    expect(report.acceptedShare).toBe(0.75);
    expect(report.perEntry.map((e) => [e.entryId, e.answers, e.title])).toEqual([
      ['a.md#returns', 2, 'How do I return an item?'],
      ['a.md#shipping', 1, 'How long does shipping take?'],
      ['gone.md#old', 1, undefined], // no longer in the knowledge: shown by id
    ]);
    expect(report.mostThumbsDown.map((e) => [e.entryId, e.notHelpful])).toEqual([['a.md#shipping', 1]]);
    expect(report.neverUsed).toEqual({ count: 1, entries: [{ entryId: 'b.md#warranty', title: 'How long is the warranty?' }] });
    expect(report.gapsByWeek).toEqual([
      { weekStart: '2026-02-23', count: 0 },
      { weekStart: '2026-03-02', count: 1 },
      { weekStart: '2026-03-09', count: 1 },
    ]);
    await store.close();
  });
});
