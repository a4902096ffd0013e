/**
 * The yardstick `npm run eval` measures our retriever against, in the same run: textbook BM25
 * (k1 = 1.2, b = 0.75, Robertson's IDF with +1 as in Lucene) over one field, question and answer
 * together, with the analysis a search engine gives out of the box for mixed text (Lucene's
 * StandardAnalyzer, stopwords aside): lowercased runs of letters and digits, and every Chinese
 * character a token of its own. No stemming, no stopwords, no field weights, no bigrams.
 */
import type { KnowledgeEntry, RetrievalHit, SearchOptions, SyncRetriever } from '../types.js';

const TOKEN = /\p{Script=Han}|[\p{L}\p{N}]+/gu;

export function plainTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

export function createPlainBm25(entries: readonly KnowledgeEntry[], { k1 = 1.2, b = 0.75 } = {}): SyncRetriever {
  const docs = entries.map((e) => {
    const counts = new Map<string, number>();
    const tokens = plainTokens(`${e.title}\n${e.body}`);
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    return { counts, length: tokens.length };
  });
  const avg = docs.reduce((s, d) => s + d.length, 0) / (docs.length || 1) || 1;
  const postings = new Map<string, { doc: number; tf: number }[]>();
  docs.forEach(({ counts }, doc) => {
    for (const [term, tf] of counts) {
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push({ doc, tf });
    }
  });
  const n = entries.length;
  const idf = new Map([...postings].map(([term, list]) => [term, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5))]));
  // Scratch buffers as in our index, so the latency comparison measures scoring, not allocation.
  const scores = new Float64Array(n);
  const touched: number[] = [];
  return {
    size: n,
    search(query: string, { limit = 5 }: SearchOptions = {}): RetrievalHit[] {
      for (const term of plainTokens(query)) {
        const list = postings.get(term);
        if (!list) continue;
        const weight = idf.get(term)!;
        for (const { doc, tf } of list) {
          if (scores[doc] === 0) touched.push(doc);
          scores[doc]! += (weight * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * docs[doc]!.length) / avg));
        }
      }
      const top: number[] = [];
      for (const doc of touched) {
        if (top.length === limit && scores[doc]! <= scores[top[limit - 1]!]!) continue;
        let i = Math.min(top.length, limit - 1);
        while (i > 0 && scores[top[i - 1]!]! < scores[doc]!) {
          top[i] = top[i - 1]!;
          i--;
        }
        if (limit > 0) top[i] = doc;
      }
      const hits = top.map((doc) => ({ entry: entries[doc]!, score: scores[doc]! }));
      for (const doc of touched) scores[doc] = 0;
      touched.length = 0;
      return hits;
    },
  };
}
