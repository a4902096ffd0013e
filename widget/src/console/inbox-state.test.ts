import { describe, expect, it } from 'vitest';
import {
  CLOSED_LIMIT,
  conversationUpdated,
  emptyInbox,
  inboxLoaded,
  inboxSections,
  markSeen,
} from './inbox-state.js';
import { conv } from './test-fixtures.js';

const ME = 'agent-me';

describe('inboxSections', () => {
  it('puts each status in its tab, and assigned ones in Mine or Team by assignee', () => {
    const inbox = inboxLoaded(
      emptyInbox(),
      [
        conv('q', { status: 'queued' }),
        conv('b', { status: 'bot' }),
        conv('m', { status: 'assigned', assignedAgentId: ME }),
        conv('o', { status: 'assigned', assignedAgentId: 'someone-else' }),
        conv('c', { status: 'closed', closedAt: 5 }),
      ],
      null,
    );
    const s = inboxSections(inbox, ME);
    expect(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.map((c) => c.id)]))).toEqual({
      queued: ['q'],
      bot: ['b'],
      mine: ['m'],
      team: ['o'],
      closed: ['c'],
    });
  });

  it('orders the queue oldest first and the other tabs by latest activity', () => {
    const inbox = inboxLoaded(
      emptyInbox(),
      [
        conv('late', { status: 'queued', queuedAt: 300 }),
        conv('early', { status: 'queued', queuedAt: 100 }),
        conv('mid', { status: 'queued', queuedAt: 200 }),
        conv('b-old', { status: 'bot', lastMessage: { author: 'ai', text: 'x', createdAt: 10 } }),
        conv('b-new', { status: 'bot', lastMessage: { author: 'visitor', text: 'y', createdAt: 90 } }),
        conv('c-old', { status: 'closed', closedAt: 1 }),
        conv('c-new', { status: 'closed', closedAt: 2 }),
      ],
      null,
    );
    const s = inboxSections(inbox, ME);
    expect(s.queued.map((c) => c.id)).toEqual(['early', 'mid', 'late']);
    expect(s.bot.map((c) => c.id)).toEqual(['b-new', 'b-old']);
    expect(s.closed.map((c) => c.id)).toEqual(['c-new', 'c-old']);
  });

  it('caps the closed tab', () => {
    const closed = Array.from({ length: CLOSED_LIMIT + 5 }, (_, i) =>
      conv(`c${i}`, { status: 'closed', closedAt: i }),
    );
    const s = inboxSections(inboxLoaded(emptyInbox(), closed, null), ME);
    expect(s.closed).toHaveLength(CLOSED_LIMIT);
    expect(s.closed[0]?.id).toBe(`c${CLOSED_LIMIT + 4}`);
  });
});

describe('conversationUpdated', () => {
  it('moves a conversation between tabs when its status changes', () => {
    let inbox = inboxLoaded(emptyInbox(), [conv('a', { status: 'queued' })], null);
    expect(inboxSections(inbox, ME).queued).toHaveLength(1);
    inbox = conversationUpdated(inbox, conv('a', { status: 'assigned', assignedAgentId: ME, updatedAt: 2_000 }), null);
    const s = inboxSections(inbox, ME);
    expect(s.queued).toHaveLength(0);
    expect(s.mine.map((c) => c.id)).toEqual(['a']);
  });

  it('adds conversations it has not seen and ignores an older version of one it has', () => {
    let inbox = inboxLoaded(emptyInbox(), [], null);
    inbox = conversationUpdated(inbox, conv('n', { status: 'assigned', assignedAgentId: ME, updatedAt: 5_000 }), null);
    const stale = conversationUpdated(inbox, conv('n', { status: 'queued', updatedAt: 4_000 }), null);
    expect(stale).toBe(inbox);
    expect(inbox.byId.get('n')?.status).toBe('assigned');
  });

  it('returns new objects so a renderer sees the change', () => {
    const before = inboxLoaded(emptyInbox(), [conv('a')], null);
    const after = conversationUpdated(before, conv('a', { updatedAt: 2_000 }), null);
    expect(after).not.toBe(before);
    expect(after.byId).not.toBe(before.byId);
    expect(before.byId.get('a')?.updatedAt).toBe(1_000);
  });
});

describe('unread queued conversations', () => {
  it('counts conversations that become queued after the first load, not those already waiting', () => {
    let inbox = inboxLoaded(emptyInbox(), [conv('waiting', { status: 'queued' })], null);
    expect(inbox.unread.size).toBe(0);
    inbox = conversationUpdated(inbox, conv('fresh', { status: 'queued', updatedAt: 2_000 }), null);
    inbox = conversationUpdated(inbox, conv('bot', { status: 'bot', updatedAt: 2_000 }), null);
    expect([...inbox.unread]).toEqual(['fresh']);
  });

  it('does not count the conversation the agent has open, and clears on open or when it leaves the queue', () => {
    let inbox = inboxLoaded(emptyInbox(), [], null);
    inbox = conversationUpdated(inbox, conv('open', { status: 'queued' }), 'open');
    inbox = conversationUpdated(inbox, conv('x', { status: 'queued' }), 'open');
    inbox = conversationUpdated(inbox, conv('y', { status: 'queued' }), 'open');
    expect([...inbox.unread].sort()).toEqual(['x', 'y']);
    inbox = markSeen(inbox, 'x');
    inbox = conversationUpdated(inbox, conv('y', { status: 'assigned', assignedAgentId: 'z', updatedAt: 3_000 }), 'open');
    expect(inbox.unread.size).toBe(0);
  });

  it('after a reconnect, counts queued conversations that arrived meanwhile and keeps earlier unread', () => {
    let inbox = inboxLoaded(emptyInbox(), [conv('old', { status: 'queued' })], null);
    inbox = conversationUpdated(inbox, conv('u', { status: 'queued' }), null);
    inbox = inboxLoaded(
      inbox,
      [conv('old', { status: 'queued' }), conv('u', { status: 'queued' }), conv('missed', { status: 'queued' })],
      null,
    );
    expect([...inbox.unread].sort()).toEqual(['missed', 'u']);
  });
});
