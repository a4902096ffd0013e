import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@support-chat/shared';
import { MessageStore } from './message-store.js';

const msg = (conversationId: string, seq: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `${conversationId}-${seq}`,
  conversationId,
  seq,
  author: 'ai',
  kind: 'text',
  text: `${conversationId}#${seq}`,
  createdAt: seq,
  ...extra,
});

describe('MessageStore.resumeFrom', () => {
  it('resumes from the end of the unbroken run, not past a message that overtook a lower one', () => {
    const store = new MessageStore();
    store.add([msg('a', 1), msg('a', 2), msg('a', 4)]); // 3 is on its way from another process
    expect(store.lastSeq('a')).toBe(4);
    expect(store.resumeFrom('a')).toBe(2);
    store.add([msg('a', 3)]);
    expect(store.resumeFrom('a')).toBe(4);
  });

  it("counts what a resume left out as settled (notes visitors never see), so it is not asked for again", () => {
    const store = new MessageStore();
    store.add([msg('a', 1), msg('a', 3)]); // 2 is an agents-only note
    expect(store.resumeFrom('a')).toBe(1);
    store.settle('a', 3); // a resume after 1 answered everything through 3: it returned only 3
    expect(store.resumeFrom('a')).toBe(3);
    store.add([msg('a', 5)]);
    expect(store.resumeFrom('a')).toBe(3);
    expect(store.resumeFrom('b')).toBe(0);
    expect(store.resumeFrom(undefined)).toBe(0);
  });
});

describe('MessageStore', () => {
  it('orders by seq whatever the arrival order', () => {
    const store = new MessageStore();
    store.add([msg('a', 3), msg('a', 1)]);
    store.add([msg('a', 2)]);
    expect(store.list.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(store.lastSeq('a')).toBe(3);
    expect(store.lastSeq('b')).toBe(0);
  });

  it('keeps each message once, by id and by clientId, and returns only what is new', () => {
    const store = new MessageStore();
    expect(store.add([msg('a', 1, { clientId: 'client-1' })])).toHaveLength(1);
    expect(store.add([msg('a', 1, { clientId: 'client-1' })])).toEqual([]);
    expect(store.add([msg('a', 1, { id: 'other-id', clientId: 'client-1' })])).toEqual([]);
    const added = store.add([msg('a', 2), msg('a', 1)]);
    expect(added.map((m) => m.seq)).toEqual([2]);
    expect(store.list).toHaveLength(2);
    expect(store.hasClientId('client-1')).toBe(true);
  });

  it('keeps conversations in the order first seen, each by its own seq', () => {
    const store = new MessageStore();
    store.add([msg('old', 5), msg('old', 6)]);
    store.add([msg('new', 1)]);
    store.add([msg('old', 7)]);
    expect(store.list.map((m) => m.text)).toEqual(['old#5', 'old#6', 'old#7', 'new#1']);
    expect(store.lastSeq('new')).toBe(1);
  });

  it('replaces the list on change so views can compare by identity', () => {
    const store = new MessageStore();
    const before = store.list;
    store.add([msg('a', 1)]);
    expect(store.list).not.toBe(before);
    const after = store.list;
    store.add([msg('a', 1)]);
    expect(store.list).toBe(after);
  });

  it('replaces a message it holds (a rating), and ignores one it never saw', () => {
    const store = new MessageStore();
    store.add([msg('a', 1), msg('a', 2)]);
    const before = store.list;
    store.put(msg('a', 1, { feedback: 'helpful' }));
    expect(store.list).not.toBe(before);
    expect(store.list.map((m) => m.feedback)).toEqual(['helpful', undefined]);
    store.put(msg('b', 1));
    expect(store.list.map((m) => m.id)).toEqual(['a-1', 'a-2']);
  });
});
