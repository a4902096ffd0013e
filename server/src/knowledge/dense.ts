/**
 * Dense retrieval: one vector per entry from an embeddings model, compared with the query's
 * vector by cosine similarity, and fused with the lexical ranking. Paraphrases that share no word
 * with the entry ("send back something I purchased" / "How do I return an item?") meet here.
 *
 * Fusion is reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): each list adds
 * 1 / (k + rank) per entry. It needs no calibration between BM25 scores and cosines, which live
 * on unrelated scales and shift with every model.
 */
import type { Embedder } from './embeddings.js';
import type { KnowledgeEntry, RetrievalHit, SearchOptions, SyncRetriever, Retriever } from './types.js';

/** The RRF constant from the paper; larger flattens the head of each list. */
const RRF_K = 60;
/** Candidates taken from each list before fusing. */
const FUSION_DEPTH = 20;

export interface DenseIndex {
  readonly dimensions: number;
  /** Entry positions and cosines, best first. */
  search(query: Float32Array, limit: number): { doc: number; cosine: number }[];
}

/** Brute force over a packed matrix: 10,000 × 1,536 floats is about 15 M multiply-adds, a few ms. */
export function createDenseIndex(vectors: readonly Float32Array[]): DenseIndex {
  const dimensions = vectors[0]?.length ?? 0;
  const matrix = new Float32Array(vectors.length * dimensions);
  vectors.forEach((vector, i) => {
    if (vector.length !== dimensions) throw new Error(`embedding ${i} has ${vector.length} dimensions, expected ${dimensions}`);
    matrix.set(normalise(vector), i * dimensions);
  });
  return {
    dimensions,
    search(query, limit) {
      if (query.length !== dimensions || limit <= 0) return [];
      const q = normalise(query);
      const top: { doc: number; cosine: number }[] = [];
      for (let doc = 0; doc < vectors.length; doc++) {
        let dot = 0;
        const base = doc * dimensions;
        for (let j = 0; j < dimensions; j++) dot += matrix[base + j]! * q[j]!;
        if (top.length === limit && dot <= top[limit - 1]!.cosine) continue;
        let i = Math.min(top.length, limit - 1);
        while (i > 0 && top[i - 1]!.cosine < dot) {
          top[i] = top[i - 1]!;
          i--;
        }
        top[i] = { doc, cosine: dot };
      }
      return top;
    },
  };
}

export function normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (!norm || Math.abs(norm - 1) < 1e-6) return vector;
  return vector.map((v) => v / norm);
}

export interface HybridRetrieverOptions {
  entries: readonly KnowledgeEntry[];
  lexical: SyncRetriever;
  dense: DenseIndex;
  embedder: Embedder;
  /** Told when embedding the query fails; the search then answers from the lexical list alone. */
  onQueryError?: (error: unknown) => void;
}

/**
 * Lexical and dense lists fused by RRF. A hit keeps the lexical `confidence` when the lexical list
 * has it (the responders' thresholds are calibrated on it); an entry only the vectors found has
 * none, so it is offered as a suggestion or a passage but never answered verbatim offline.
 */
export function createHybridRetriever({ entries, lexical, dense, embedder, onQueryError }: HybridRetrieverOptions): Retriever {
  const position = new Map(entries.map((entry, i) => [entry, i]));
  return {
    size: entries.length,
    async search(query: string, options: SearchOptions = {}): Promise<RetrievalHit[]> {
      const limit = options.limit ?? 5;
      const lexicalHits = lexical.search(query, { ...options, limit: Math.max(limit, FUSION_DEPTH) });
      let vector: Float32Array | undefined;
      try {
        [vector] = await embedder.embed([query], options.signal);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        onQueryError?.(error);
        return lexicalHits.slice(0, limit);
      }
      if (!vector || !query.trim()) return lexicalHits.slice(0, limit);
      const denseHits = dense.search(vector, FUSION_DEPTH);
      return fuse(lexicalHits, denseHits, entries, position).slice(0, limit);
    },
  };
}

function fuse(
  lexicalHits: RetrievalHit[],
  denseHits: { doc: number; cosine: number }[],
  entries: readonly KnowledgeEntry[],
  position: Map<KnowledgeEntry, number>,
): RetrievalHit[] {
  const fused = new Map<number, { score: number; hit: RetrievalHit }>();
  lexicalHits.forEach((hit, rank) => {
    const doc = position.get(hit.entry)!;
    fused.set(doc, { score: 1 / (RRF_K + rank + 1), hit });
  });
  denseHits.forEach(({ doc }, rank) => {
    const seen = fused.get(doc);
    const add = 1 / (RRF_K + rank + 1);
    if (seen) seen.score += add;
    else fused.set(doc, { score: add, hit: { entry: entries[doc]!, score: 0 } });
  });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score)
    .map(({ score, hit }) => ({ ...hit, score }));
}
