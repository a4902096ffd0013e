import { describe, expect, it } from 'vitest';
import { newMessageId } from './message-ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisecondsOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('newMessageId', () => {
  it('gives unique ids that sort in the order they were made (new rows go to the end of the id index)', () => {
    const ids = Array.from({ length: 1_000 }, () => newMessageId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('starts with the time it was made, in milliseconds', () => {
    const now = Date.now() + 60_000;
    expect(millisecondsOf(newMessageId(now))).toBe(now);
  });

  it('stays in order past 4,096 ids in one millisecond and when the clock goes back', () => {
    const now = Date.now() + 120_000;
    const ids = [
      ...Array.from({ length: 5_000 }, () => newMessageId(now)),
      ...Array.from({ length: 10 }, () => newMessageId(now - 30_000)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    // The overflow borrowed the next millisecond rather than wrapping the counter.
    expect(millisecondsOf(ids.at(-1)!)).toBeGreaterThan(now);
  });
});
