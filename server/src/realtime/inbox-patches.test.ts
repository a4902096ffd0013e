import type { AgentConversationPatch, ChatMessage } from '@support-chat/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationFixture } from '../store/store-contract.js';
import type { ConversationRecord } from '../store/types.js';
import { InboxPatches } from './inbox-patches.js';

function message(conversation: ConversationRecord, seq: number, text = `m${seq}`): ChatMessage {
  return { id: `${conversation.id}-${seq}`, conversationId: conversation.id, seq, author: 'visitor', kind: 'text', text, createdAt: 1000 + seq };
}

describe('InboxPatches', () => {
  const sent: { to: string; patches: AgentConversationPatch[] }[] = [];
  let patches: InboxPatches;
  afterEach(() => {
    patches.dispose();
    sent.length = 0;
  });
  const start = () =>
    (patches = new InboxPatches(
      {
        toEveryone: (list) => sent.push({ to: 'everyone', patches: list }),
        toTeamFollowers: (list) => sent.push({ to: 'followers', patches: list }),
        toAgent: (agentId, list) => sent.push({ to: agentId, patches: list }),
        toAgentUnlessWatching: (agentId, patch) => sent.push({ to: `${agentId} (not watching)`, patches: [patch] }),
        toWatchers: (patch, exceptAgentId) =>
          sent.push({ to: `watchers of ${patch.id}${exceptAgentId ? ` but ${exceptAgentId}` : ''}`, patches: [patch] }),
      },
      // Ticks longer than the test: it flushes by hand, so only coalescing is under test.
      { fastMs: 60_000, slowMs: 60_000 },
    ));

  it('sends each conversation once per tick, with its latest message and read receipts', () => {
    start();
    const c = conversationFixture({ id: 'a', status: 'bot' });
    for (let seq = 1; seq <= 100; seq++) patches.add({ ...c, lastSeq: seq, updatedAt: 1000 + seq }, message(c, seq));
    patches.add({ ...c, lastSeq: 100, updatedAt: 1100, visitorReadSeq: 100 });
    patches.flush();
    expect(sent).toEqual([
      // Whoever has it open has the messages, but not how far the visitor read.
      { to: 'watchers of a', patches: [{ id: 'a', lastSeq: 100, updatedAt: 1100, visitorReadSeq: 100, agentReadSeq: 0 }] },
      {
        to: 'followers',
        patches: [
          {
            id: 'a',
            lastSeq: 100,
            updatedAt: 1100,
            visitorReadSeq: 100,
            agentReadSeq: 0,
            lastMessage: { author: 'visitor', kind: 'text', text: 'm100', createdAt: 1100 },
          },
        ],
      },
    ]);
  });

  it('sends a queued row to everyone and an assigned row to its agent on the short tick; the rest wait for the long one, for followers', () => {
    start();
    const queued = conversationFixture({ id: 'q', status: 'queued' });
    const mine = conversationFixture({ id: 'm', status: 'assigned', assignedAgentId: 'anna' });
    const ai = conversationFixture({ id: 'b', status: 'bot' });
    for (const c of [queued, mine, ai]) patches.add({ ...c, lastSeq: 1 }, message(c, 1));
    patches.flushUrgent();
    expect(sent.map((s) => [s.to, s.patches.map((p) => p.id)])).toEqual([
      ['everyone', ['q']],
      // Anna's sockets on that conversation have the message itself.
      ['anna (not watching)', ['m']],
    ]);
    sent.length = 0;
    patches.flush();
    expect(sent.map((s) => [s.to, s.patches.map((p) => p.id)])).toEqual([['followers', ['q', 'm', 'b']]]);
  });

  it('keeps the message an earlier change brought when a later read receipt comes without one', () => {
    start();
    const c = conversationFixture({ id: 'a', status: 'bot' });
    patches.add({ ...c, lastSeq: 3 }, message(c, 3, 'where is my order'));
    patches.add({ ...c, lastSeq: 3, agentReadSeq: 3 });
    patches.flush();
    expect(sent.find((s) => s.to === 'followers')!.patches[0]).toMatchObject({ lastSeq: 3, agentReadSeq: 3, lastMessage: { text: 'where is my order' } });
  });

  it('previews only chat messages: a system line or a note after the visitor moves the row but keeps their words', () => {
    start();
    const mine = conversationFixture({ id: 'm', status: 'assigned', assignedAgentId: 'anna' });
    patches.add({ ...mine, lastSeq: 1 }, message(mine, 1, 'where is my parcel?'));
    patches.add({ ...mine, lastSeq: 2 }, { ...message(mine, 2, 'Anna joined the conversation'), author: 'system', kind: 'event' });
    patches.add({ ...mine, lastSeq: 3 }, { ...message(mine, 3, 'checked the warehouse'), author: 'agent', kind: 'note' });
    patches.flush();
    for (const { patches: list } of sent) {
      expect(list).toEqual([expect.objectContaining({ id: 'm', lastSeq: 3, lastMessage: expect.objectContaining({ author: 'visitor', text: 'where is my parcel?' }) })]);
    }
    sent.length = 0;
    // A later system line alone carries no preview: the console keeps the one it shows.
    patches.add({ ...mine, lastSeq: 4 }, { ...message(mine, 4, 'Anna closed the conversation'), author: 'system', kind: 'event' });
    patches.flush();
    expect(sent.length).toBeGreaterThan(0);
    for (const { patches: list } of sent) expect(list[0]).not.toHaveProperty('lastMessage');
    // Its agent's watching sockets have the message itself; only a read receipt goes to them too.
    expect(sent.map((s) => s.to)).toContain('anna (not watching)');
  });

  it('sends read receipts in an assigned conversation to all its agent\'s sockets, watchers too (they show "Seen")', () => {
    start();
    const mine = conversationFixture({ id: 'm', status: 'assigned', assignedAgentId: 'anna' });
    patches.add({ ...mine, lastSeq: 4 }, message(mine, 4));
    patches.add({ ...mine, lastSeq: 4, visitorReadSeq: 4 });
    patches.flushUrgent();
    expect(sent).toEqual([
      { to: 'anna', patches: [expect.objectContaining({ id: 'm', lastSeq: 4, visitorReadSeq: 4, lastMessage: expect.objectContaining({ text: 'm4' }) })] },
      // A colleague who has it open shows "Seen" too; Anna's sockets had it above.
      { to: 'watchers of m but anna', patches: [expect.objectContaining({ id: 'm', lastSeq: 4, visitorReadSeq: 4 })] },
    ]);
  });

  it('sends a queued row\'s read receipts to everyone, not again to its watchers', () => {
    start();
    const queued = conversationFixture({ id: 'q', status: 'queued' });
    patches.add({ ...queued, lastSeq: 2, visitorReadSeq: 2 });
    patches.flushUrgent();
    expect(sent.map((s) => s.to)).toEqual(['everyone']);
  });
});
