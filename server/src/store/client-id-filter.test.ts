import { describe, expect, it } from 'vitest';
import { ClientIdFilter } from './client-id-filter.js';

describe('ClientIdFilter', () => {
  const storedRows = () => {
    const rows = new Map<string, [string, string][]>([['c1', [['visitor-1', 'sent-before-restart']]]]);
    const reads: string[] = [];
    const stored = (conversationId: string) => {
      reads.push(conversationId);
      return rows.get(conversationId) ?? [];
    };
    return { rows, reads, stored };
  };

  it('knows the ids stored before it started, reading each conversation once', () => {
    const { reads, stored } = storedRows();
    const filter = new ClientIdFilter(stored);
    expect(filter.mayHave('c1', 'visitor-1', 'sent-before-restart')).toBe(true);
    expect(filter.mayHave('c1', 'visitor-1', 'new')).toBe(false);
    expect(filter.mayHave('c1', 'visitor-1', 'another')).toBe(false);
    expect(reads).toEqual(['c1']);
  });

  it('knows an id once it is added, for that conversation and sender only', () => {
    const filter = new ClientIdFilter(storedRows().stored);
    filter.add('c2', 'agent-1', 'reply-1');
    expect(filter.mayHave('c2', 'agent-1', 'reply-1')).toBe(true);
    expect(filter.mayHave('c2', 'agent-2', 'reply-1')).toBe(false);
    expect(filter.mayHave('c1', 'agent-1', 'reply-1')).toBe(false);
    // The separator keeps "a" + "bc" apart from "ab" + "c".
    filter.add('c3', 'a', 'bc');
    expect(filter.mayHave('c3', 'ab', 'c')).toBe(false);
  });

  it('drops the least recently used conversation past its bound and reads it again when it returns', () => {
    const { rows, reads, stored } = storedRows();
    const filter = new ClientIdFilter(stored, 2);
    filter.add('c1', 'visitor-1', 'x');
    filter.mayHave('c2', 'visitor-2', 'y');
    filter.mayHave('c1', 'visitor-1', 'x'); // c1 used last: c2 is the one to go
    filter.mayHave('c3', 'visitor-3', 'z');
    expect(filter.size).toBe(2);
    expect(reads).toEqual(['c1', 'c2', 'c3']);
    // What was added to c2 while held is in the table by then; the filter reads it back.
    rows.set('c2', [['visitor-2', 'added-while-held']]);
    expect(filter.mayHave('c2', 'visitor-2', 'added-while-held')).toBe(true);
    expect(reads).toEqual(['c1', 'c2', 'c3', 'c2']);
    // c2's return pushed c1 out in turn: it is read again, with what was added to it meanwhile.
    rows.set('c1', [['visitor-1', 'x']]);
    expect(filter.mayHave('c1', 'visitor-1', 'x')).toBe(true);
    expect(reads).toEqual(['c1', 'c2', 'c3', 'c2', 'c1']);
  });
});
