import { describe, expect, it } from 'vitest';
import { newMessageId } from './message-ids.js';

describe('newMessageId', () => {
  it('gives unique ids that sort in the order they were made (new rows go to the end of the id index)', () => {
    const ids = Array.from({ length: 1_000 }, () => newMessageId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
