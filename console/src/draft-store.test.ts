import { describe, expect, it } from 'vitest';
import { DraftStore, MAX_DRAFTS } from './draft-store.js';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    items,
  };
}

describe('DraftStore', () => {
  it('gives a reload the drafts the tab had, mode and sources included', () => {
    const storage = memoryStorage();
    const before = new DraftStore(storage);
    before.signedIn('agent-ann');
    before.set('conv-1', { text: 'Half a reply', sources: [{ id: 'returns-1', title: 'Returns', url: '/help/returns' }], mode: 'text' });
    before.set('conv-2', { text: 'A note for the team', sources: [], mode: 'note' });
    const after = new DraftStore(storage);
    after.signedIn('agent-ann'); // the same agent, back after a reload (or a session that expired)
    expect(after.get('conv-1')).toEqual({ text: 'Half a reply', sources: [{ id: 'returns-1', title: 'Returns', url: '/help/returns' }], mode: 'text' });
    expect(after.get('conv-2')?.mode).toBe('note');
    // Another agent signs in to this tab: none of Ann's drafts.
    after.signedIn('agent-bo');
    expect([after.get('conv-1'), new DraftStore(storage).get('conv-2')]).toEqual([undefined, undefined]);
  });

  it('forgets an emptied draft, keeps the latest ones only, and everything on sign-out', () => {
    const storage = memoryStorage();
    const drafts = new DraftStore(storage);
    drafts.set('conv-1', { text: 'typed', sources: [], mode: 'note' });
    drafts.set('conv-1', { text: '  ', sources: [], mode: 'note' });
    expect(drafts.get('conv-1')).toBeUndefined();
    for (let i = 0; i <= MAX_DRAFTS; i++) drafts.set(`conv-${i}`, { text: `draft ${i}`, sources: [], mode: 'text' });
    const reloaded = new DraftStore(storage);
    expect(reloaded.get('conv-0')).toBeUndefined(); // the one left longest ago
    expect(reloaded.get(`conv-${MAX_DRAFTS}`)?.text).toBe(`draft ${MAX_DRAFTS}`);
    reloaded.clear();
    expect(storage.items.size).toBe(0);
    expect(new DraftStore(storage).get(`conv-${MAX_DRAFTS}`)).toBeUndefined();
  });

  it('starts afresh from storage it cannot read, and works without storage', () => {
    const storage = memoryStorage();
    storage.setItem('support-console:drafts', '{"not":"a list"');
    expect(new DraftStore(storage).get('x')).toBeUndefined();
    storage.setItem('support-console:drafts', JSON.stringify({ agentId: 'a', drafts: [['conv-1', { text: 1, mode: 'evil' }], ['conv-2', { text: 'ok', sources: [], mode: 'text' }]] }));
    const drafts = new DraftStore(storage);
    expect([drafts.get('conv-1'), drafts.get('conv-2')?.text]).toEqual([undefined, 'ok']);
    const none = new DraftStore(null);
    none.set('conv-1', { text: 'kept in the page', sources: [], mode: 'text' });
    expect(none.get('conv-1')?.text).toBe('kept in the page');
  });
});
