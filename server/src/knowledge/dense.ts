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
import { createInt8Scanner } from './int8-scan.js';
import { runInSlices, runToEnd, type Steps } from './slices.js';
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

/**
 * Exact search: every entry's cosine, by brute force over one packed matrix. At 10,000 × 1,536 that
 * is 15 M multiply-adds and 61 MB read per query (≈13 ms here), too slow for the 5 ms goal; it stays
 * as the reference that tests and the bench hold the fast index against.
 */
export function createExactDenseIndex(vectors: readonly Float32Array[]): DenseIndex {
  const { dimensions, matrix } = runToEnd(packNormalised(vectors));
  return {
    dimensions,
    search(query, limit) {
      if (query.length !== dimensions || limit <= 0) return [];
      const q = normalise(query);
      const top: { doc: number; cosine: number }[] = [];
      for (let doc = 0; doc < vectors.length; doc++) {
        const dot = dotAt(matrix, doc * dimensions, q, dimensions);
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

/**
 * Entries re-ranked exactly after the int8 scan, beyond the `limit` asked for. The int8 cosine is
 * typically off by ~1e-3 or less, so an entry of the true top 20 would need hundreds of others
 * within that distance of it to be missed (on the bench's 10,000 × 1,536 sets the top 10 is always
 * found; the tests check the top 20 at smaller sizes). A knowledge base of up to limit + 256
 * entries is searched exactly.
 */
const RERANK_MARGIN = 256;

/**
 * The index search uses: two stages, with the same answers as `createExactDenseIndex`.
 * 1. Every entry's int8 vector (scalar quantisation of the whole vector with one scale per vector,
 *    so nothing depends on how a model orders or weighs its dimensions) against the int8 query, by
 *    a SIMD kernel (int8-scan.ts): a quarter of the bytes of float32, 16 elements per step.
 * 2. The best `limit + RERANK_MARGIN` of those re-scored with the float32 vectors, by the very
 *    loop the exact search uses, so the cosines match it bit for bit, and ties go to the earlier
 *    entry as there. (Of a tie larger than the margin at the cut, the int8 stage may keep other
 *    members than exact search would: equally good answers.)
 * Memory: the int8 copy adds a quarter to the float matrix (15 MB at 10,000 × 1,536).
 */
export function createDenseIndex(vectors: readonly Float32Array[], options: { simd?: boolean } = {}): DenseIndex {
  return runToEnd(buildDenseIndex(vectors, options));
}

/** `createDenseIndex` in slices of about `sliceMs`, the event loop running between (as re-indexing does). */
export function createDenseIndexAsync(
  vectors: readonly Float32Array[],
  options: { simd?: boolean } = {},
  { sliceMs }: { sliceMs?: number } = {},
): Promise<DenseIndex> {
  return runInSlices(buildDenseIndex(vectors, options), sliceMs);
}

/** The build, pausable after each vector (normalising and quantising 10,000 take about 0.5 s). */
function* buildDenseIndex(vectors: readonly Float32Array[], { simd }: { simd?: boolean }): Steps<DenseIndex> {
  const { dimensions, matrix } = yield* packNormalised(vectors);
  const count = vectors.length;
  const scanner = createInt8Scanner(count, dimensions, simd === undefined ? {} : { simd });
  const scales = new Float32Array(count);
  for (let doc = 0; doc < count; doc++) {
    scales[doc] = quantiseInto(matrix.subarray(doc * dimensions, (doc + 1) * dimensions), scanner.rows, doc * scanner.stride);
    yield;
  }
  // Buffers reused by every search, so that a search leaves little garbage behind (collector
  // pauses show in the p99).
  const unitQuery = new Float32Array(dimensions);
  let docs = new Int32Array(0);
  let scores = new Float64Array(0);
  return {
    dimensions,
    search(query, limit) {
      if (query.length !== dimensions || limit <= 0) return [];
      const q = normalise(query, unitQuery);
      // The query's scale is the same for every entry, so it is left out of the approximate score.
      quantiseInto(q, scanner.query, 0);
      scanner.scan();
      const k = Math.min(count, limit + RERANK_MARGIN);
      if (docs.length < k) [docs, scores] = [new Int32Array(k), new Float64Array(k)];
      topApproximate(scanner.dots, scales, k, docs, scores);
      // The best `limit` candidates by exact cosine, best first, ties to the earlier entry.
      const top: { doc: number; cosine: number }[] = [];
      for (let c = 0; c < k; c++) {
        const doc = docs[c]!;
        const cosine = dotAt(matrix, doc * dimensions, q, dimensions);
        const last = top[limit - 1];
        if (last && (cosine < last.cosine || (cosine === last.cosine && doc > last.doc))) continue;
        let i = Math.min(top.length, limit - 1);
        while (i > 0 && (top[i - 1]!.cosine < cosine || (top[i - 1]!.cosine === cosine && top[i - 1]!.doc > doc))) {
          top[i] = top[i - 1]!;
          i--;
        }
        top[i] = { doc, cosine };
      }
      return top;
    },
  };
}

/** One contiguous matrix of unit vectors, so a dot product is the cosine. */
function* packNormalised(vectors: readonly Float32Array[]): Steps<{ dimensions: number; matrix: Float32Array }> {
  const dimensions = vectors[0]?.length ?? 0;
  const matrix = new Float32Array(vectors.length * dimensions);
  for (const [i, vector] of vectors.entries()) {
    if (vector.length !== dimensions) throw new Error(`embedding ${i} has ${vector.length} dimensions, expected ${dimensions}`);
    matrix.set(normalise(vector), i * dimensions);
    yield;
  }
  return { dimensions, matrix };
}

/**
 * The float dot product both searches share (same order of additions, so the same result). Four
 * running sums rather than one, so that each addition need not wait for the one before.
 */
function dotAt(matrix: Float32Array, base: number, q: Float32Array, dimensions: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dimensions; j += 4) {
    s0 += matrix[base + j]! * q[j]!;
    s1 += matrix[base + j + 1]! * q[j + 1]!;
    s2 += matrix[base + j + 2]! * q[j + 2]!;
    s3 += matrix[base + j + 3]! * q[j + 3]!;
  }
  for (; j < dimensions; j++) s0 += matrix[base + j]! * q[j]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * Scalar int8 quantisation: `codes[i] = round(v[i] / scale)` with `scale = max |v[i]| / 127`, so
 * the largest element maps to ±127 and each element is off by at most scale / 2 once decoded. For
 * unit vectors, the error of a quantised dot product is then at most
 * √d · (scale_a + scale_b) / 2 + d · scale_a · scale_b / 4 (Cauchy–Schwarz), and in practice far
 * less (~1e-3 at 1,536 dimensions): the rounding errors are independent and mostly cancel.
 * Writes the codes at `offset` and returns the scale (0 for a zero vector: all codes 0).
 */
export function quantiseInto(vector: Float32Array, out: Int8Array | Int16Array, offset: number): number {
  let max = 0;
  for (const v of vector) max = Math.max(max, Math.abs(v));
  if (!max) {
    out.fill(0, offset, offset + vector.length);
    return 0;
  }
  const scale = max / 127;
  for (let i = 0; i < vector.length; i++) out[offset + i] = Math.round(vector[i]! / scale);
  return scale;
}

/** `quantiseInto` into a fresh array (tests, tools). */
export function quantise(vector: Float32Array): { codes: Int8Array; scale: number } {
  const codes = new Int8Array(vector.length);
  return { codes, scale: quantiseInto(vector, codes, 0) };
}

/**
 * The `k` entries with the highest `dots[i] * scales[i]`, into `docs[0..k)` in no particular order
 * (`scores` is scratch space): a size-k min-heap, whose root is the score to beat, so most entries
 * cost one comparison (sorting all 10,000 would cost more than the scan).
 */
function topApproximate(dots: Int32Array, scales: Float32Array, k: number, docs: Int32Array, scores: Float64Array): void {
  let size = 0;
  const siftDown = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const child = left + 1 < size && scores[left + 1]! < scores[left]! ? left + 1 : left;
      if (scores[child]! >= scores[i]!) return;
      const [score, doc] = [scores[i]!, docs[i]!];
      scores[i] = scores[child]!;
      docs[i] = docs[child]!;
      scores[child] = score;
      docs[child] = doc;
      i = child;
    }
  };
  for (let doc = 0; doc < dots.length; doc++) {
    const score = dots[doc]! * scales[doc]!;
    if (size < k) {
      // Sift up the new leaf.
      let i = size++;
      while (i > 0 && scores[(i - 1) >> 1]! > score) {
        scores[i] = scores[(i - 1) >> 1]!;
        docs[i] = docs[(i - 1) >> 1]!;
        i = (i - 1) >> 1;
      }
      scores[i] = score;
      docs[i] = doc;
    } else if (score > scores[0]!) {
      scores[0] = score;
      docs[0] = doc;
      siftDown(0);
    }
  }
}

/** The vector scaled to length 1, into `out` when given; the vector itself if it is already (or is zero). */
export function normalise(vector: Float32Array, out?: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (!norm || Math.abs(norm - 1) < 1e-6) return vector;
  const unit = out ?? new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) unit[i] = vector[i]! / norm;
  return unit;
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
      if (options.lexicalOnly) return lexical.search(query, options);
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
