import { describe, expect, it } from 'vitest';
import type { AgentProfile } from '@support-chat/shared';
import { canClaim, canClose, canHandback, canNote, canReopen, canReply, canTransfer } from './permissions.js';
import { conv } from './test-fixtures.js';

const me: AgentProfile = { id: 'me', email: 'me@x.io', name: 'Mia', role: 'agent', capacity: 5 };
const admin: AgentProfile = { ...me, id: 'boss', role: 'admin' };
const mine = conv('a', { status: 'assigned', assignedAgentId: 'me', assignedAgentName: 'Mia' });
const theirs = conv('b', { status: 'assigned', assignedAgentId: 'ben', assignedAgentName: 'Ben' });

describe('canReply', () => {
  it('allows replies only to my own assigned conversation while online', () => {
    expect(canReply(mine, me, 'online').allowed).toBe(true);
    expect(canReply(mine, me, 'reconnecting')).toEqual({ allowed: false, reason: expect.stringMatching(/Reconnecting/) });
    expect(canReply(mine, me, 'offline').reason).toMatch(/Use Reconnect/);
  });

  it('says why not, per status', () => {
    expect(canReply(theirs, me, 'online').reason).toBe('Ben is handling this conversation.');
    expect(canReply(conv('q', { status: 'queued' }), me, 'online').reason).toBe('Claim this conversation to reply.');
    expect(canReply(conv('b', { status: 'bot' }), me, 'online').reason).toMatch(/^The AI is answering\. Take over the conversation to reply\.$/);
    expect(canReply(conv('c', { status: 'closed' }), me, 'online').reason).toBe('This conversation is closed.');
  });
});

describe('canClaim and canClose', () => {
  it('claims queued and AI-handled conversations only', () => {
    expect(canClaim(conv('q', { status: 'queued' }), 'online').allowed).toBe(true);
    expect(canClaim(conv('b', { status: 'bot' }), 'online').allowed).toBe(true);
    expect(canClaim(mine, 'online').allowed).toBe(false);
    expect(canClaim(conv('q', { status: 'queued' }), 'reconnecting').allowed).toBe(false);
  });

  it("lets an agent close anything open except a colleague's conversation; an admin may close that too", () => {
    expect(canClose(mine, me, 'online').allowed).toBe(true);
    expect(canClose(conv('q', { status: 'queued' }), me, 'online').allowed).toBe(true);
    expect(canClose(theirs, me, 'online')).toEqual({ allowed: false, reason: 'Assigned to Ben.' });
    expect(canClose(theirs, admin, 'online').allowed).toBe(true);
    expect(canClose(conv('c', { status: 'closed' }), admin, 'online').allowed).toBe(false);
  });
});

describe('transfer, hand back, reopen, notes', () => {
  it('lets the assignee (or an admin) transfer and hand back; anyone transfers a queued one', () => {
    expect(canTransfer(mine, me, 'online').allowed).toBe(true);
    expect(canTransfer(theirs, me, 'online').reason).toBe('Assigned to Ben.');
    expect(canTransfer(theirs, admin, 'online').allowed).toBe(true);
    expect(canTransfer(conv('q', { status: 'queued' }), me, 'online').allowed).toBe(true);
    expect(canTransfer(conv('b', { status: 'bot' }), me, 'online').allowed).toBe(false);
    expect(canTransfer(mine, me, 'reconnecting').reason).toBe('You are offline.');
    expect(canHandback(mine, me, 'online').allowed).toBe(true);
    expect(canHandback(theirs, me, 'online').allowed).toBe(false);
    expect(canHandback(conv('q', { status: 'queued' }), admin, 'online').allowed).toBe(false);
  });

  it("lets anyone transfer, hand back or close a colleague's conversation while that colleague is away", () => {
    expect(canTransfer(theirs, me, 'online', 'away').allowed).toBe(true);
    expect(canHandback(theirs, me, 'online', 'away').allowed).toBe(true);
    expect(canClose(theirs, me, 'online', 'away').allowed).toBe(true);
    expect(canTransfer(theirs, me, 'reconnecting', 'away').reason).toBe('You are offline.');
    // Replying still needs the conversation: the reason says how to get it.
    expect(canReply(theirs, me, 'online', 'away').reason).toBe('Ben is away: transfer the conversation to yourself to answer.');
    // Offline is also a reload: the disconnect grace decides, and the reason says so.
    expect(canReply(theirs, me, 'online', 'offline').reason).toBe('Ben is offline: unless they are back soon, the conversation returns to the queue.');
    // Online, offline, or not known (the team not loaded yet): only the handler or an admin.
    for (const handler of ['online', 'offline', undefined] as const) {
      expect(canClose(theirs, me, 'online', handler)).toEqual({ allowed: false, reason: 'Assigned to Ben.' });
      expect(canTransfer(theirs, me, 'online', handler).allowed).toBe(false);
      expect(canHandback(theirs, me, 'online', handler).allowed).toBe(false);
    }
  });

  it('reopens only closed conversations and takes notes anywhere while online', () => {
    expect(canReopen(conv('c', { status: 'closed' }), 'online').allowed).toBe(true);
    expect(canReopen(mine, 'online').allowed).toBe(false);
    expect(canNote('online').allowed).toBe(true);
    expect(canNote('offline').reason).toMatch(/Reconnect/);
  });
});
