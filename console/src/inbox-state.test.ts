import { describe, expect, it } from 'vitest';
import {
  arrivals,
  neighbour,
  conversationUpdated,
  emptyInbox,
  hasMore,
  inboxLoaded,
  inboxPageLoaded,
  inboxPatched,
  inboxSectionRefreshed,
  inboxSections,
  markSeen,
  messagePatch,
  sectionWithWork,
  teamSectionsOf,
} from './inbox-state.js';
import { conv, msg } from './test-fixtures.js';

const ME = 'agent-me';

describe('inboxSections', () => {
  it('puts each status in its tab, and assigned ones in Mine or Team by assignee', () => {
    const inbox = inboxLoaded(
      emptyInbox(ME),
      [
        conv('q', { status: 'queued' }),
        conv('b', { status: 'bot' }),
        conv('m', { status: 'assigned', assignedAgentId: ME }),
        conv('o', { status: 'assigned', assignedAgentId: 'someone-else' }),
        conv('c', { status: 'closed', closedAt: 5 }),
        conv('l', { status: 'queued', leftMessage: { email: 'v@x.io' } }),
      ],
      null,
    );
    const s = inboxSections(inbox);
    expect(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.map((c) => c.id)]))).toEqual({
      queued: ['q'],
      bot: ['b'],
      mine: ['m'],
      offline: ['l'],
      team: ['o'],
      closed: ['c'],
    });
  });

  it('orders the queue oldest first and the other tabs by latest activity', () => {
    const inbox = inboxLoaded(
      emptyInbox(ME),
      [
        conv('late', { status: 'queued', queuedAt: 300 }),
        conv('early', { status: 'queued', queuedAt: 100 }),
        conv('mid', { status: 'queued', queuedAt: 200 }),
        conv('b-old', { status: 'bot', lastMessage: { author: 'ai', kind: 'text', text: 'x', createdAt: 10 } }),
        conv('b-new', { status: 'bot', lastMessage: { author: 'visitor', kind: 'text', text: 'y', createdAt: 90 } }),
        conv('c-old', { status: 'closed', closedAt: 1 }),
        conv('c-new', { status: 'closed', closedAt: 2 }),
      ],
      null,
    );
    const s = inboxSections(inbox);
    expect(s.queued.map((c) => c.id)).toEqual(['early', 'mid', 'late']);
    expect(s.bot.map((c) => c.id)).toEqual(['b-new', 'b-old']);
    expect(s.closed.map((c) => c.id)).toEqual(['c-new', 'c-old']);
  });

  it('pages a section in, keeping newer versions, until the server has no more', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('c9', { status: 'closed', closedAt: 9 })], null, { closed: 'cur-1', bot: 'cur-b' });
    expect(hasMore(inbox, 'closed')).toBe(true);
    expect(hasMore(inbox, 'queued')).toBe(false);
    inbox = conversationUpdated(inbox, conv('c8', { status: 'assigned', assignedAgentId: ME, updatedAt: 50 }), null);
    const page = [conv('c8', { status: 'closed', closedAt: 8, updatedAt: 8 }), conv('c7', { status: 'closed', closedAt: 7 })];
    inbox = inboxPageLoaded(inbox, 'closed', page, { closed: 'cur-2' });
    expect(inboxSections(inbox).closed.map((c) => c.id)).toEqual(['c9', 'c7']);
    expect(inbox.byId.get('c8')?.status).toBe('assigned');
    expect(inbox.more).toEqual({ closed: 'cur-2', bot: 'cur-b' });
    inbox = inboxPageLoaded(inbox, 'closed', [], {});
    expect(hasMore(inbox, 'closed')).toBe(false);
    expect(inbox.more).toEqual({ bot: 'cur-b' });
  });
});

describe('conversationUpdated', () => {
  it('moves a conversation between tabs when its status changes', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('a', { status: 'queued' })], null);
    expect(inboxSections(inbox).queued).toHaveLength(1);
    inbox = conversationUpdated(inbox, conv('a', { status: 'assigned', assignedAgentId: ME, updatedAt: 2_000 }), null);
    const s = inboxSections(inbox);
    expect(s.queued).toHaveLength(0);
    expect(s.mine.map((c) => c.id)).toEqual(['a']);
  });

  it('adds conversations it has not seen and ignores an older version of one it has', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [], null);
    inbox = conversationUpdated(inbox, conv('n', { status: 'assigned', assignedAgentId: ME, updatedAt: 5_000 }), null);
    const stale = conversationUpdated(inbox, conv('n', { status: 'queued', updatedAt: 4_000 }), null);
    expect(stale).toBe(inbox);
    expect(inbox.byId.get('n')?.status).toBe('assigned');
  });

  it('never lets an update computed before a read receipt undo it', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('a', { lastSeq: 5, updatedAt: 2_000, visitorReadSeq: 3 })], null);
    inbox = conversationUpdated(inbox, conv('a', { lastSeq: 5, updatedAt: 2_000, visitorReadSeq: 5, agentReadSeq: 4 }), null);
    inbox = conversationUpdated(inbox, conv('a', { lastSeq: 5, updatedAt: 2_000, visitorReadSeq: 3, agentReadSeq: 2 }), null);
    expect(inbox.byId.get('a')).toMatchObject({ visitorReadSeq: 5, agentReadSeq: 4 });
  });

  it("applies the server's later version though its updatedAt lags the console's own message patch (it moves a second at a time)", () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('a', { status: 'assigned', assignedAgentId: ME, lastSeq: 4, updatedAt: 1_000 })], null);
    // Watching: the console moved the row itself, to the message's exact time.
    inbox = inboxPatched(inbox, [messagePatch(msg('a', 5, { createdAt: 1_600 }))], 'a');
    // The server's next version (closed, a seq later) still says 1,000: under a second since its last move.
    inbox = conversationUpdated(inbox, conv('a', { status: 'closed', lastSeq: 6, updatedAt: 1_000 }), null);
    expect(inbox.byId.get('a')).toMatchObject({ status: 'closed', lastSeq: 6 });
    // And a version older by seq stays out, whatever its time.
    expect(conversationUpdated(inbox, conv('a', { status: 'assigned', lastSeq: 5, updatedAt: 1_700 }), null)).toBe(inbox);
  });

  it("applies the server's version of the seq the console's own message patch brought (a claim's event line, then the claim)", () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('a', { status: 'queued', lastSeq: 4, updatedAt: 1_000 })], null);
    inbox = inboxPatched(inbox, [messagePatch(msg('a', 5, { author: 'system', kind: 'event', createdAt: 1_601 }))], 'a');
    inbox = conversationUpdated(inbox, conv('a', { status: 'assigned', assignedAgentId: ME, lastSeq: 5, updatedAt: 1_600 }), 'a');
    expect(inbox.byId.get('a')).toMatchObject({ status: 'assigned', lastSeq: 5, updatedAt: 1_600 });
  });

  it('returns new objects so a renderer sees the change', () => {
    const before = inboxLoaded(emptyInbox(ME), [conv('a')], null);
    const after = conversationUpdated(before, conv('a', { updatedAt: 2_000 }), null);
    expect(after).not.toBe(before);
    expect(after.byId).not.toBe(before.byId);
    expect(before.byId.get('a')?.updatedAt).toBe(1_000);
  });
});

describe('unread queued conversations', () => {
  it('counts conversations that become queued after the first load, not those already waiting', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('waiting', { status: 'queued' })], null);
    expect(inbox.unread.size).toBe(0);
    inbox = conversationUpdated(inbox, conv('fresh', { status: 'queued', updatedAt: 2_000 }), null);
    inbox = conversationUpdated(inbox, conv('bot', { status: 'bot', updatedAt: 2_000 }), null);
    expect([...inbox.unread]).toEqual(['fresh']);
  });

  it('does not count the conversation the agent has open, and clears on open or when it leaves the queue', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [], null);
    inbox = conversationUpdated(inbox, conv('open', { status: 'queued' }), 'open');
    inbox = conversationUpdated(inbox, conv('x', { status: 'queued' }), 'open');
    inbox = conversationUpdated(inbox, conv('y', { status: 'queued' }), 'open');
    expect([...inbox.unread].sort()).toEqual(['x', 'y']);
    inbox = markSeen(inbox, 'x');
    inbox = conversationUpdated(inbox, conv('y', { status: 'assigned', assignedAgentId: 'z', updatedAt: 3_000 }), 'open');
    expect(inbox.unread.size).toBe(0);
  });

  it('after a reconnect, counts queued conversations that arrived meanwhile and keeps earlier unread', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('old', { status: 'queued' })], null);
    inbox = conversationUpdated(inbox, conv('u', { status: 'queued' }), null);
    inbox = inboxLoaded(
      inbox,
      [conv('old', { status: 'queued' }), conv('u', { status: 'queued' }), conv('missed', { status: 'queued' })],
      null,
    );
    expect([...inbox.unread].sort()).toEqual(['missed', 'u']);
  });
});

describe('what calls for the agent', () => {
  it('counts offline messages, conversations assigned to me, and a visitor writing again in mine', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('m', { status: 'assigned', assignedAgentId: ME })], null);
    const before = inbox;
    inbox = conversationUpdated(inbox, conv('l', { status: 'queued', leftMessage: { email: 'v@x.io' } }), null);
    inbox = conversationUpdated(inbox, conv('t', { status: 'assigned', assignedAgentId: ME, updatedAt: 2_000 }), null);
    inbox = conversationUpdated(inbox, conv('o', { status: 'assigned', assignedAgentId: 'other', updatedAt: 2_000 }), null);
    expect([...inbox.unread].sort()).toEqual(['l', 't']);
    expect(arrivals(before, inbox).sort()).toEqual(['l', 't']);
    const seen = markSeen(markSeen(inbox, 'l'), 't');
    const wrote = conversationUpdated(
      seen,
      conv('m', { status: 'assigned', assignedAgentId: ME, updatedAt: 3_000, lastMessage: { author: 'visitor', kind: 'text', text: 'hi', createdAt: 3_000 } }),
      null,
    );
    expect([...wrote.unread]).toEqual(['m']);
    expect(arrivals(seen, wrote)).toEqual(['m']);
    const replied = conversationUpdated(
      markSeen(wrote, 'm'),
      conv('m', { status: 'assigned', assignedAgentId: ME, updatedAt: 4_000, lastMessage: { author: 'agent', kind: 'text', text: 'yo', createdAt: 4_000 } }),
      null,
    );
    expect(replied.unread.size).toBe(0);
  });

  it('on load, counts mine where the visitor wrote after what I last read', () => {
    const wrote = { author: 'visitor' as const, kind: 'text' as const, text: 'hello?', createdAt: 9 };
    const inbox = inboxLoaded(
      emptyInbox(ME),
      [
        conv('unread', { status: 'assigned', assignedAgentId: ME, lastSeq: 6, agentReadSeq: 4, lastMessage: wrote }),
        conv('read', { status: 'assigned', assignedAgentId: ME, lastSeq: 6, agentReadSeq: 6, lastMessage: wrote }),
        conv('theirs', { status: 'assigned', assignedAgentId: 'x', lastSeq: 6, agentReadSeq: 1, lastMessage: wrote }),
        conv('open', { status: 'assigned', assignedAgentId: ME, lastSeq: 6, agentReadSeq: 1, lastMessage: wrote }),
      ],
      'open',
    );
    expect([...inbox.unread]).toEqual(['unread']);
  });

  it('keeps an offline message under Offline until someone takes it', () => {
    const left = { leftMessage: { email: 'v@x.io' } };
    const inbox = inboxLoaded(
      emptyInbox(ME),
      [
        conv('waiting', { status: 'queued', ...left }),
        conv('taken', { status: 'assigned', assignedAgentId: ME, ...left }),
        conv('done', { status: 'closed', ...left }),
      ],
      null,
    );
    const s = inboxSections(inbox);
    expect([s.offline, s.mine, s.closed].map((l) => l.map((c) => c.id))).toEqual([['waiting'], ['taken'], ['done']]);
  });
});

describe('neighbour', () => {
  const list = [conv('a'), conv('b'), conv('c')];
  it('steps through the list and stays at the ends', () => {
    expect(neighbour(list, 'a', 1)).toBe('b');
    expect(neighbour(list, 'c', 1)).toBe('c');
    expect(neighbour(list, 'a', -1)).toBe('a');
    expect(neighbour(list, null, 1)).toBe('a');
    expect(neighbour(list, 'gone', -1)).toBe('c');
    expect(neighbour([], 'a', 1)).toBeNull();
  });
});

describe('inboxPatched', () => {
  const message = (text: string, createdAt: number) => ({ author: 'visitor' as const, kind: 'text' as const, text, createdAt });

  it('moves a row to its latest message and flags a visitor reply in one of mine as unread', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('m', { status: 'assigned', assignedAgentId: ME, lastSeq: 3, updatedAt: 100 })], null);
    inbox = inboxPatched(inbox, [{ id: 'm', lastSeq: 5, updatedAt: 200, lastMessage: message('still broken', 200), visitorReadSeq: 4, agentReadSeq: 3 }], null);
    expect(inbox.byId.get('m')).toMatchObject({ status: 'assigned', lastSeq: 5, updatedAt: 200, visitorReadSeq: 4, lastMessage: { text: 'still broken' } });
    expect(inbox.unread.has('m')).toBe(true);
  });

  it('ignores rows it does not hold, and an older patch only raises read receipts', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('b', { status: 'bot', lastSeq: 9, updatedAt: 900, visitorReadSeq: 2, lastMessage: message('new', 900) })], null);
    inbox = inboxPatched(
      inbox,
      [
        { id: 'unknown', lastSeq: 1, updatedAt: 1 },
        { id: 'b', lastSeq: 7, updatedAt: 700, lastMessage: message('old', 700), visitorReadSeq: 7, agentReadSeq: 0 },
      ],
      null,
    );
    expect(inbox.byId.has('unknown')).toBe(false);
    expect(inbox.byId.get('b')).toMatchObject({ lastSeq: 9, updatedAt: 900, visitorReadSeq: 7, lastMessage: { text: 'new' } });
  });
});

describe('the row preview', () => {
  it('follows what the visitor, an agent or the AI said; a system line or a note moves the row but keeps it', () => {
    let inbox = inboxLoaded(emptyInbox(ME), [conv('m', { status: 'assigned', assignedAgentId: ME })], 'm');
    const apply = (m: ReturnType<typeof msg>) => (inbox = inboxPatched(inbox, [messagePatch(m)], 'm'));
    apply(msg('m', 1, { text: 'where is my parcel?' }));
    apply(msg('m', 2, { author: 'system', kind: 'event', text: 'Ann joined the conversation' }));
    apply(msg('m', 3, { author: 'agent', kind: 'note', text: 'checked the warehouse' }));
    expect(inbox.byId.get('m')).toMatchObject({ lastSeq: 3, lastMessage: { author: 'visitor', text: 'where is my parcel?' } });
    apply(msg('m', 4, { author: 'agent', text: 'on its way' }));
    expect(inbox.byId.get('m')?.lastMessage).toMatchObject({ author: 'agent', text: 'on its way' });
  });
});

describe('sectionWithWork', () => {
  const sections = (conversations: ReturnType<typeof conv>[]) => inboxSections(inboxLoaded(emptyInbox(ME), conversations, null));

  it('opens on Mine when it holds conversations, else on the queue, else where anything is going on', () => {
    const mine = conv('m', { status: 'assigned', assignedAgentId: ME });
    const queued = conv('q', { status: 'queued' });
    const offline = conv('o', { status: 'queued', leftMessage: { email: 'v@x.io' } });
    const bot = conv('b', { status: 'bot' });
    const team = conv('t', { status: 'assigned', assignedAgentId: 'someone-else' });
    expect(sectionWithWork(sections([queued, mine, bot]))).toBe('mine');
    expect(sectionWithWork(sections([queued, offline, bot]))).toBe('queued');
    expect(sectionWithWork(sections([offline, bot]))).toBe('offline');
    expect(sectionWithWork(sections([bot, team]))).toBe('bot');
    expect(sectionWithWork(sections([team]))).toBe('team');
    expect(sectionWithWork(sections([conv('c', { status: 'closed' })]))).toBe('queued');
  });
});

describe('following the team', () => {
  it('follows for every tab that shows conversations neither mine nor queued, with the sections that hold them', () => {
    expect(teamSectionsOf('mine')).toEqual([]);
    expect(teamSectionsOf('queued')).toEqual([]);
    expect(teamSectionsOf('team')).toEqual(['team']);
    expect(teamSectionsOf('bot')).toEqual(['bot']);
    // A message left in a conversation the AI still has is listed under Offline.
    expect(teamSectionsOf('offline')).toEqual(['bot']);
    expect(teamSectionsOf('closed')).toEqual(['closed']);
  });

  it("refreshes a section's first page over stale rows, keeping newer ones and the cursor of the pages further on", () => {
    const colleague = { status: 'assigned' as const, assignedAgentId: 'someone-else' };
    let inbox = inboxLoaded(
      emptyInbox(ME),
      [conv('t1', { ...colleague, lastSeq: 2, updatedAt: 20, lastMessage: { author: 'visitor', kind: 'text', text: 'old', createdAt: 20 } }), conv('t2', { ...colleague, updatedAt: 90 })],
      null,
      { team: 'page-3', closed: 'c-2' },
    );
    inbox = inboxSectionRefreshed(inbox, 'team', [
      conv('t1', { ...colleague, lastSeq: 5, updatedAt: 50, lastMessage: { author: 'agent', kind: 'text', text: 'fresh', createdAt: 50 } }),
      conv('t2', { ...colleague, updatedAt: 10 }),
      conv('t3', { ...colleague, updatedAt: 5 }),
    ]);
    expect(inbox.byId.get('t1')).toMatchObject({ lastSeq: 5, lastMessage: { text: 'fresh' } });
    expect(inbox.byId.get('t2')?.updatedAt).toBe(90);
    expect(inboxSections(inbox).team.map((c) => c.id)).toEqual(['t2', 't1', 't3']);
    expect(inbox.more).toEqual({ team: 'page-3', closed: 'c-2' });
  });
});
