import { describe, expect, it } from 'vitest';
import { createKnowledgeIndex } from './bm25-index.js';
import { createDenseIndex, createHybridRetriever } from './dense.js';
import type { Embedder } from './embeddings.js';
import type { KnowledgeEntry } from './types.js';

const entry = (id: string, title: string, body: string): KnowledgeEntry => ({ id, title, body, lang: 'en', tags: [], document: 'Help' });

describe('hybrid retrieval', () => {
  const entries = [
    entry('return', 'How do I return an item?', 'Start a return from your orders page.'),
    entry('bought', 'The price dropped after I bought it', 'We refund the difference within 14 days.'),
    entry('other', 'Do you ship abroad?', 'Yes, to 30 countries.'),
  ];
  // Hand-made vectors: the query means "return", which shares no word with its title.
  const vectors = { return: [1, 0, 0], bought: [0, 1, 0], other: [0, 0, 1] } as const;
  const embedder: Embedder = {
    model: 'stub',
    embed: async (texts) => texts.map(() => Float32Array.from([0.9, 0.1, 0])),
  };
  const lexical = createKnowledgeIndex(entries);
  const dense = createDenseIndex(entries.map((e) => Float32Array.from(vectors[e.id as keyof typeof vectors])));

  it('finds by meaning what no word matches, fused by reciprocal rank', async () => {
    const query = 'send back something I bought';
    expect(lexical.search(query).map((h) => h.entry.id)).toEqual(['bought']);
    const hybrid = createHybridRetriever({ entries, lexical, dense, embedder });
    const hits = await hybrid.search(query, { limit: 3 });
    expect(hits.map((h) => h.entry.id).slice(0, 2).sort()).toEqual(['bought', 'return']);
    // RRF: the entry both lists rank is ahead; the dense-only one has no lexical confidence.
    expect(hits[0]!.entry.id).toBe('bought');
    expect(hits.find((h) => h.entry.id === 'return')!.confidence).toBeUndefined();
    expect(hits[0]!.confidence).toBe(lexical.search(query)[0]!.confidence);
  });

  it('ranks by cosine, best first, and ignores vectors of another size', () => {
    expect(dense.search(Float32Array.from([0.2, 0.9, 0.1]), 2).map((h) => h.doc)).toEqual([1, 0]);
    expect(dense.search(Float32Array.from([1, 0]), 2)).toEqual([]);
  });
});
