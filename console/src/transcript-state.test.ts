import { describe, expect, it } from 'vitest';
import {
  abortStream,
  addPending,
  applyToken,
  applyTyping,
  clearTypingOf,
  emptyTranscript,
  failPending,
  lastSeq,
  mergeMessages,
  replaceMessage,
  resumeSeq,
  seenMarkerSeq,
} from './transcript-state.js';
import { msg } from './test-fixtures.js';

describe('replaceMessage', () => {
  it('swaps in the new version of a held message and ignores others', () => {
    const answer = msg('c1', 2, { author: 'ai' });
    const state = mergeMessages(emptyTranscript('c1'), [msg('c1', 1), answer]);
    const rated = replaceMessage(state, { ...answer, feedback: 'helpful' });
    expect(rated.messages.map((m) => m.feedback)).toEqual([undefined, 'helpful']);
    expect(replaceMessage(state, { ...answer, id: 'unknown', feedback: 'helpful' })).toBe(state);
    expect(replaceMessage(state, { ...answer, conversationId: 'other' })).toBe(state);
  });
});

describe('mergeMessages', () => {
  it('keeps messages ordered by seq and unique, whatever order they arrive in', () => {
    let s = emptyTranscript('c');
    s = mergeMessages(s, [msg('c', 3), msg('c', 1)]);
    s = mergeMessages(s, [msg('c', 2), msg('c', 3), msg('c', 5)]);
    expect(s.messages.map((m) => m.seq)).toEqual([1, 2, 3, 5]);
    expect(lastSeq(s)).toBe(5);
  });

  it('re-watches from the end of the unbroken run: a gap is a message missed, asked for again', () => {
    let s = mergeMessages(emptyTranscript('c'), [msg('c', 1), msg('c', 2), msg('c', 3), msg('c', 5)]);
    expect(resumeSeq(s)).toBe(3);
    s = mergeMessages(s, [msg('c', 4)]);
    expect(resumeSeq(s)).toBe(5);
    expect(resumeSeq(emptyTranscript('c'))).toBe(0);
  });

  it('ignores messages of another conversation', () => {
    const s = emptyTranscript('c');
    expect(mergeMessages(s, [msg('other', 1)])).toBe(s);
  });

  it('settles a pending send by clientId and a live stream by streamId', () => {
    let s = emptyTranscript('c');
    s = addPending(s, { clientId: 'client-1', kind: 'text', text: 'hi', createdAt: 1 });
    s = applyToken(s, { conversationId: 'c', streamId: 'st', delta: 'Hel', at: 0 }, 1);
    expect(s.pending).toHaveLength(1);
    expect(s.streams).toHaveLength(1);
    s = mergeMessages(s, [msg('c', 1, { author: 'agent', clientId: 'client-1' })]);
    expect(s.pending).toHaveLength(0);
    expect(s.streams).toHaveLength(1);
    s = mergeMessages(s, [msg('c', 2, { author: 'ai', streamId: 'st', text: 'Hello' })]);
    expect(s.streams).toHaveLength(0);
  });
});

describe('streamed AI answers', () => {
  it('assembles deltas per stream in arrival order', () => {
    let s = emptyTranscript('c');
    s = applyToken(s, { conversationId: 'c', streamId: 'a', delta: 'Open ', at: 0 }, 10);
    s = applyToken(s, { conversationId: 'c', streamId: 'b', delta: 'Other', at: 0 }, 11);
    s = applyToken(s, { conversationId: 'c', streamId: 'a', delta: 'daily.', at: 5 }, 12);
    expect(s.streams).toEqual([
      { streamId: 'a', text: 'Open daily.', startedAt: 10 },
      { streamId: 'b', text: 'Other', startedAt: 11 },
    ]);
  });

  it('drops an aborted stream and ignores late tokens for an answer already stored', () => {
    let s = emptyTranscript('c');
    s = applyToken(s, { conversationId: 'c', streamId: 'a', delta: 'x', at: 0 }, 1);
    s = abortStream(s, 'a');
    expect(s.streams).toHaveLength(0);
    s = mergeMessages(s, [msg('c', 1, { author: 'ai', streamId: 'done' })]);
    const late = applyToken(s, { conversationId: 'c', streamId: 'done', delta: 'late', at: 0 }, 2);
    expect(late).toBe(s);
  });

  it('ignores tokens for another conversation', () => {
    const s = emptyTranscript('c');
    expect(applyToken(s, { conversationId: 'x', streamId: 'a', delta: 'x', at: 0 }, 1)).toBe(s);
    // A stream first seen midway (opened or reconnected during the answer) waits for the stored answer.
    expect(applyToken(s, { conversationId: s.conversationId, streamId: 'midway', delta: 'r and click', at: 40 }, 1)).toBe(s);
  });
});

describe('pending sends', () => {
  it('marks a failed send and clears the error on retry, without duplicating it', () => {
    let s = emptyTranscript('c');
    s = addPending(s, { clientId: 'k1', kind: 'text', text: 'hello', createdAt: 1 });
    s = failPending(s, 'k1', 'timed out');
    expect(s.pending[0]?.error).toBe('timed out');
    s = addPending(s, s.pending[0]!);
    expect(s.pending).toHaveLength(1);
    expect(s.pending[0]?.error).toBeUndefined();
  });
});

describe('typing', () => {
  it('tracks who is typing and clears them when their message lands', () => {
    let s = emptyTranscript('c');
    s = applyTyping(s, { conversationId: 'c', author: 'visitor', typing: true });
    s = applyTyping(s, { conversationId: 'c', author: 'visitor', typing: true });
    expect(s.typing).toEqual([{ author: 'visitor' }]);
    s = clearTypingOf(s, msg('c', 1, { author: 'visitor' }));
    expect(s.typing).toEqual([]);
    s = applyTyping(s, { conversationId: 'c', author: 'agent', name: 'Anna', typing: true });
    s = applyTyping(s, { conversationId: 'c', author: 'agent', name: 'Anna', typing: false });
    expect(s.typing).toEqual([]);
  });
});

describe('seenMarkerSeq', () => {
  it('marks the last agent or AI message at or below what the visitor has read', () => {
    const s = mergeMessages(emptyTranscript('c'), [
      msg('c', 1),
      msg('c', 2, { author: 'ai' }),
      msg('c', 3, { author: 'agent' }),
      msg('c', 4, { author: 'agent', kind: 'note' }),
      msg('c', 5, { author: 'agent' }),
    ]);
    expect(seenMarkerSeq(s, undefined)).toBeNull();
    expect(seenMarkerSeq(s, 1)).toBeNull();
    expect(seenMarkerSeq(s, 2)).toBe(2);
    expect(seenMarkerSeq(s, 4)).toBe(3);
    expect(seenMarkerSeq(s, 9)).toBe(5);
  });
});
