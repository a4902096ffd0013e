import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOfflineResponder } from '../../ai/offline-responder.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { followConsoleEntries } from '../console-entries.js';
import { KnowledgeBase } from '../knowledge-base.js';
import { learnPhrasing, learnPhrasings, storeKnowledgeSources } from './learn-phrasing.js';

const FILE = `---\nlang: en\n---\n# Care\n\n## What if my order arrives damaged?\n\nWrite to us within 30 days with a photo: we send a new one free of charge.\n\n## How long is the warranty?\n\nTwo years on every appliance.\n`;
const DAMAGED = 'care.md#what-if-my-order-arrives-damaged';

describe('learning phrasings (the code path of an admin accepting a proposal)', () => {
  let dir: string;
  let dataDir: string;
  let store: SqliteStore;
  const opened: KnowledgeBase[] = [];
  const open = async () => {
    const kb = await KnowledgeBase.open({ dir, ...storeKnowledgeSources(store) });
    opened.push(kb);
    return kb;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'learn-kb-'));
    dataDir = await mkdtemp(path.join(tmpdir(), 'learn-data-'));
    await writeFile(path.join(dir, 'care.md'), FILE);
    store = await SqliteStore.open(dataDir, { writer: 'loop' });
  });
  afterEach(async () => {
    for (const kb of opened.splice(0)) kb.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a file entry learns a phrasing: stored by its id, indexed at once here and on reload in another process', async () => {
    const knowledge = await open();
    const ask = (kb: KnowledgeBase, question: string) => createOfflineResponder({ retriever: kb }).answer({ conversationId: 'c', question, history: [], locale: 'en' });
    const question = 'my kettle came with a cracked lid, what now?';
    expect((await ask(knowledge, question)).provenance.answered).toBe(false);

    const other = await open(); // another process, polling the store's version
    const stop = followConsoleEntries({ store, knowledge: other, intervalMs: 20 });
    try {
      const result = await learnPhrasing({ store, knowledge }, { entryId: DAMAGED, phrasing: `  ${question} ` }, { by: 'Lead', at: 5 });
      expect(result.added).toBe(1);
      expect(knowledge.entries.find((e) => e.id === DAMAGED)?.phrasings).toEqual([question]);
      const answer = await ask(knowledge, 'cracked lid on my kettle, what now');
      expect(answer.provenance.answered).toBe(true);
      expect(answer.sources?.[0]?.id).toBe(DAMAGED);
      expect(await store.listLearnedPhrasings()).toEqual([{ entryId: DAMAGED, phrasing: question, addedAt: 5, addedBy: 'Lead' }]);
      await expect.poll(() => other.entries.find((e) => e.id === DAMAGED)?.phrasings, { timeout: 2000 }).toEqual([question]);
    } finally {
      stop();
    }
    // Learned again (another admin, the eval): nothing new, no rebuild.
    expect(await learnPhrasing({ store, knowledge }, { entryId: DAMAGED, phrasing: question.toUpperCase() }, { by: 'Lead' })).toEqual({ added: 0, snapshot: null });
    // A fresh start reads it from the store.
    expect((await open()).entries.find((e) => e.id === DAMAGED)?.phrasings).toEqual([question]);
  });

  it('a console entry gets the phrasing in its own list; many phrasings re-index once; an unknown entry is refused', async () => {
    await store.saveKnowledgeEntry({ id: 'k1', question: 'Do you offer gift wrapping?', phrasings: ['gift wrap?'], answer: 'Yes.', lang: 'en', tags: [], updatedAt: 1, updatedBy: 'Ann' });
    const knowledge = await open();
    const reloads: string[] = [];
    const spy = { entries: knowledge.entries, reload: (reason?: string) => (reloads.push(reason ?? ''), knowledge.reload(reason)) };
    const result = await learnPhrasings(
      { store, knowledge: spy },
      [
        { entryId: 'console#k1', phrasing: 'can you wrap it as a present' },
        { entryId: 'console#k1', phrasing: 'GIFT WRAP?' },
        { entryId: DAMAGED, phrasing: 'broken on arrival' },
      ],
      { by: 'Lead', at: 9 },
    );
    expect(result.added).toBe(2);
    expect(reloads).toHaveLength(1);
    expect((await store.listKnowledgeEntries())[0]).toMatchObject({ phrasings: ['gift wrap?', 'can you wrap it as a present'], updatedBy: 'Lead', revision: 2 });
    expect(await store.listLearnedPhrasings()).toHaveLength(1);
    expect(knowledge.entries.find((e) => e.id === 'console#k1')?.phrasings).toContain('can you wrap it as a present');
    await expect(learnPhrasing({ store, knowledge }, { entryId: 'care.md#nothing', phrasing: 'x' }, { by: 'Lead' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a learned phrasing whose entry is gone is not indexed and is reported', async () => {
    await store.addLearnedPhrasings([{ entryId: 'care.md#renamed', phrasing: 'old words', addedAt: 1, addedBy: 'Lead' }]);
    const knowledge = await open();
    expect(knowledge.snapshot.warnings).toEqual([expect.stringContaining('care.md#renamed')]);
  });
});
