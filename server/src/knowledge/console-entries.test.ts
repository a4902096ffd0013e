import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleKnowledgeEntry } from '@support-chat/shared';
import { SqliteStore } from '../store/sqlite-store.js';
import { exportConsoleMarkdown, followConsoleEntries, fromConsoleEntry, loadConsoleEntries } from './console-entries.js';
import { KnowledgeBase } from './knowledge-base.js';
import { parseMarkdown } from './markdown-source.js';

const entries: ConsoleKnowledgeEntry[] = [
  {
    id: 'a1',
    question: 'Do you ship to Canada?',
    phrasings: ['Can I order from Toronto, Ontario?', 'Do you deliver up north?'],
    answer: 'Yes: 5–8 business days.\n\n- Duties are included.\n\n### Remote areas\nAdd 2 days.',
    lang: 'en',
    tags: ['shipping', 'canada'],
    url: '/help/shipping',
    createdAt: 1,
    updatedAt: 2,
    updatedBy: 'Ann',
    revision: 3,
  },
  { id: 'a2', question: '可以开发票吗？', phrasings: [], answer: '可以，在订单页申请。', lang: 'zh', tags: [], createdAt: 1, updatedAt: 1, updatedBy: 'Bo', revision: 1 },
];

describe('exportConsoleMarkdown', () => {
  it('round-trips through the knowledge loader: the same questions, phrasings, answers, languages, tags and URLs', () => {
    const { entries: loaded, warnings } = parseMarkdown(exportConsoleMarkdown(entries), 'console.md');
    expect(warnings).toEqual([]);
    const strip = ({ id: _, document: __, ...rest }: { id: string; document: string }) => rest;
    expect(loaded.map(strip)).toEqual(entries.map(fromConsoleEntry).map(strip));
  });
});

describe('followConsoleEntries', () => {
  let dir: string;
  let store: SqliteStore;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kb-console-'));
    await writeFile(path.join(dir, 'faq.csv'), 'question,answer\nHow long does shipping take?,Three days.\n');
    store = SqliteStore.open(':memory:');
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("re-indexes another process's knowledge base within a second of a save or delete", async () => {
    // Two knowledge bases over one store: as two processes over one PostgreSQL.
    const other = await KnowledgeBase.open({ dir, consoleEntries: () => loadConsoleEntries(store) });
    const stop = followConsoleEntries({ store, knowledge: other, intervalMs: 50 });
    try {
      expect(other.size).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the follower has read the version
      await store.saveKnowledgeEntry({ ...entries[0]!, updatedAt: 5 });
      const started = Date.now();
      await expect.poll(() => other.size, { timeout: 1000, interval: 20 }).toBe(2);
      expect(Date.now() - started).toBeLessThan(1000);
      const [hit] = await other.search('can i order from toronto');
      expect(hit?.entry).toMatchObject({ id: 'console#a1', title: 'Do you ship to Canada?' });
      await store.deleteKnowledgeEntry('a1');
      await expect.poll(() => other.size, { timeout: 1000, interval: 20 }).toBe(1);
    } finally {
      stop();
    }
  });
});
