import { describe, expect, it } from 'vitest';
import { labelFilterUpdated } from './label-filter.js';
import { conv } from './test-fixtures.js';

describe('labelFilterUpdated', () => {
  const a = conv('a', { labels: ['billing'] });
  it('adds a conversation that gets the label and drops one that loses it', () => {
    const b = conv('b', { labels: ['billing', 'vip'] });
    expect(labelFilterUpdated({ label: 'billing', query: '' }, [a], b).map((c) => c.id)).toEqual(['b', 'a']);
    const lost = conv('a', { labels: [] });
    expect(labelFilterUpdated({ label: 'billing', query: '' }, [lost], lost)).toEqual([]);
  });
  it('adds nothing when text or dates filter too, and leaves plain searches alone', () => {
    const b = conv('b', { labels: ['billing'] });
    expect(labelFilterUpdated({ label: 'billing', query: 'kettle' }, [a], b)).toEqual([a]);
    expect(labelFilterUpdated({ label: 'billing', query: '', from: 1 }, [a], b)).toEqual([a]);
    expect(labelFilterUpdated({ query: 'x' }, [a], conv('a', { labels: [] }))).toEqual([a]);
  });
});
