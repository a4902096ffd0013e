import { describe, expect, it } from 'vitest';
import { pickAgent } from './assignment.js';

describe('pickAgent', () => {
  it('picks the least busy agent below capacity, the longest idle on a tie', () => {
    const anna = { id: 'anna', open: 2, capacity: 3, idleSince: 10 };
    const ben = { id: 'ben', open: 1, capacity: 1, idleSince: 5 };
    const cleo = { id: 'cleo', open: 2, capacity: 5, idleSince: 7 };
    expect(pickAgent([anna, ben, cleo])?.id).toBe('cleo');
    expect(pickAgent([anna, ben])?.id).toBe('anna');
    expect(pickAgent([ben])).toBeNull();
    expect(pickAgent([])).toBeNull();
  });
});
