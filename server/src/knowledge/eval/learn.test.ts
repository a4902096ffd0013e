import { describe, expect, it } from 'vitest';
import { assertDisjoint, phrasingsFrom, splitById } from './learn.js';

const queries = Array.from({ length: 200 }, (_, i) => ({ id: `q-${i}`, query: `question number ${i}`, gold: [`kb-${i % 7}`] }));

describe('the learn / score split', () => {
  it('is decided by the id alone: the same halves in any order, whatever the text', () => {
    const { learn, score } = splitById(queries);
    const again = splitById([...queries].reverse().map((q) => ({ ...q, query: `${q.query} reworded` })));
    expect(new Set(again.learn.map((q) => q.id))).toEqual(new Set(learn.map((q) => q.id)));
    // Roughly halves (a hash, not a count): 200 questions split between 70 and 130.
    expect(learn.length).toBeGreaterThan(70);
    expect(score.length).toBeGreaterThan(70);
    // Another salt, other halves.
    expect(splitById(queries, 'another-salt').learn.map((q) => q.id)).not.toEqual(learn.map((q) => q.id));
  });

  it('is disjoint and complete', () => {
    const { learn, score } = splitById(queries);
    expect(learn.length + score.length).toBe(queries.length);
    const learned = new Set(learn.map((q) => q.id));
    expect(score.filter((q) => learned.has(q.id))).toEqual([]);
    expect(() => assertDisjoint(learn, score)).not.toThrow();
  });

  it('wants a unique id on every question', () => {
    expect(() => splitById([{ query: 'x', gold: ['a'] }])).toThrow(/no id/);
    expect(() => splitById([queries[0]!, queries[0]!])).toThrow(/twice/);
  });

  it('refuses a question both learned and scored, by id or by text', () => {
    expect(() => assertDisjoint([queries[0]!], [queries[0]!])).toThrow(/both learned and scored/);
    expect(() => assertDisjoint([{ query: 'Do you ship to Canada?', gold: ['a'] }], [{ id: 'x', query: 'do you  ship to canada', gold: ['a'] }])).toThrow(
      /both learned and scored/,
    );
  });

  it('learns each answerable question as a phrasing of its first gold entry', () => {
    expect(phrasingsFrom([{ query: 'a', gold: ['e1', 'e2'] }, { query: 'b', gold: [] }])).toEqual([{ entryId: 'e1', phrasing: 'a' }]);
  });
});
