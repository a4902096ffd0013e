import { describe, expect, it } from 'vitest';
import { createKnowledgeIndex } from './bm25-index.js';
import { createDenseIndex, createDenseIndexAsync, createExactDenseIndex, createHybridRetriever, normalise, quantise } from './dense.js';
import type { Embedder } from './embeddings.js';
import { createInt8Scanner, simdAvailable } from './int8-scan.js';
import type { KnowledgeEntry } from './types.js';
import { seeded } from '../../bench/synthetic.js';

const random = seeded(11);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
/** Dense vectors with a few topics (clusters), so near neighbours are close, as with real models. */
const topics = Array.from({ length: 8 }, () => Float32Array.from({ length: 200 }, gaussian));
const denseVector = () => {
  const topic = topics[Math.floor(random() * topics.length)]!;
  return Float32Array.from(topic, (v) => v + 1.5 * gaussian());
};
/** Sparse counts over hashed words, like the fake endpoint's bag-of-words vectors: many ties. */
const bagOfWords = () => {
  const vector = new Float32Array(200);
  for (let w = 0; w < 6; w++) vector[Math.floor(random() ** 2 * 200)]! += 1;
  return vector;
};

// More entries than the fast index re-ranks exactly (limit + 256), so both of its stages are at work.
const COUNT = 3_000;

describe.each([
  ['dense, clustered', denseVector],
  ['sparse bag-of-words', bagOfWords],
])('fast dense search (%s vectors)', (_, vector) => {
  const vectors = Array.from({ length: COUNT }, vector);
  const queries = Array.from({ length: 100 }, vector);
  const exact = createExactDenseIndex(vectors);

  /**
   * The same cosines, and the same entries in the same order except which of those tied with the
   * last one make the cut (the int8 scores of equal cosines need not be equal, and the int8 stage
   * may keep a different few of a large tie).
   */
  const expectSameRanking = (a: { doc: number; cosine: number }[], b: { doc: number; cosine: number }[]) => {
    expect(a.map((h) => h.cosine)).toEqual(b.map((h) => h.cosine));
    const last = b.at(-1)!.cosine;
    expect(a.filter((h) => h.cosine !== last)).toEqual(b.filter((h) => h.cosine !== last));
  };

  it.each([
    ['the SIMD kernel', true],
    ['the scalar fallback', false],
  ])('returns the exact top 20 (cosines bit for bit) with %s', (_, simd) => {
    if (simd && !simdAvailable()) return; // nothing to compare on a runtime without it
    const fast = createDenseIndex(vectors, { simd });
    for (const query of queries) expectSameRanking(fast.search(query, 20), exact.search(query, 20));
    expect(fast.search(queries[0]!, 1)).toEqual(exact.search(queries[0]!, 1));
    for (const query of queries.slice(0, 10)) expectSameRanking(fast.search(query, 400), exact.search(query, 400));
  });

  it('builds the same index in slices, letting timers run in between', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    try {
      const sliced = await createDenseIndexAsync(vectors, {}, { sliceMs: 0 });
      expect(ticks).toBeGreaterThan(0);
      const blocking = createDenseIndex(vectors);
      for (const query of queries.slice(0, 10)) expect(sliced.search(query, 20)).toEqual(blocking.search(query, 20));
    } finally {
      clearInterval(ticker);
    }
  });

  it('gives the same fused ranking as exact search in hybrid retrieval', async () => {
    const entries: KnowledgeEntry[] = vectors.map((_, i) => ({
      id: `e${i}`,
      title: `entry ${i} topic ${i % 7}`,
      body: `words ${i % 13} and ${i % 29}`,
      lang: 'en',
      tags: [],
      document: 'Help',
    }));
    const lexical = createKnowledgeIndex(entries);
    let next = 0;
    const embedder: Embedder = { model: 'stub', embed: async (texts) => texts.map(() => queries[next++ % queries.length]!) };
    const hybrid = (dense: ReturnType<typeof createDenseIndex>) => createHybridRetriever({ entries, lexical, dense, embedder });
    const fast = hybrid(createDenseIndex(vectors));
    const slow = hybrid(createExactDenseIndex(vectors));
    for (let q = 0; q < 20; q++) {
      const text = `topic ${q % 7} words ${q}`;
      const a = await fast.search(text, { limit: 10 });
      next--; // the same query vector for the exact one
      const b = await slow.search(text, { limit: 10 });
      expect(a.map((h) => [h.entry.id, h.score, h.confidence])).toEqual(b.map((h) => [h.entry.id, h.score, h.confidence]));
    }
    // By the words alone: the lexical ranking, and no call to the embeddings provider.
    const calls = next;
    const words = await fast.search('topic 3 words 5', { limit: 4, lexicalOnly: true });
    expect(next).toBe(calls);
    expect(words).toEqual(lexical.search('topic 3 words 5', { limit: 4 }));
  });
});

describe('int8 quantisation', () => {
  it('decodes every element within half a step, the largest exactly to ±127', () => {
    for (let n = 0; n < 50; n++) {
      const vector = normalise(Float32Array.from({ length: 1536 }, gaussian));
      const { codes, scale } = quantise(vector);
      const max = Math.max(...Array.from(vector, Math.abs));
      expect(scale).toBeCloseTo(max / 127, 12);
      expect(Math.max(...Array.from(codes, Math.abs))).toBe(127);
      vector.forEach((v, i) => expect(Math.abs(v - codes[i]! * scale)).toBeLessThanOrEqual(scale / 2 + 1e-9));
    }
  });

  it('keeps a quantised dot product within its bound of the cosine', () => {
    for (let n = 0; n < 50; n++) {
      const a = normalise(Float32Array.from({ length: 1536 }, gaussian));
      const b = normalise(Float32Array.from(a, (v) => v + 0.03 * gaussian()));
      const qa = quantise(a);
      const qb = quantise(b);
      let cosine = 0;
      let approx = 0;
      for (let i = 0; i < a.length; i++) {
        cosine += a[i]! * b[i]!;
        approx += qa.codes[i]! * qb.codes[i]!;
      }
      approx *= qa.scale * qb.scale;
      // The worst case (every rounding error aligned), √d·(s_a + s_b)/2 + d·s_a·s_b/4, ...
      const bound = (Math.sqrt(1536) * (qa.scale + qb.scale)) / 2 + (1536 * qa.scale * qb.scale) / 4;
      expect(Math.abs(cosine - approx)).toBeLessThanOrEqual(bound);
      // ... and what independent errors give in practice: far tighter.
      expect(Math.abs(cosine - approx)).toBeLessThan(2e-3);
    }
  });

  it('maps a zero vector to zero codes and scale', () => {
    const { codes, scale } = quantise(new Float32Array(8));
    expect(scale).toBe(0);
    expect(Array.from(codes)).toEqual(new Array(8).fill(0));
  });

  it('scans with the SIMD kernel to the same integers as the scalar loop, padding included', () => {
    const dims = 37; // not a multiple of 16
    const scanners = [createInt8Scanner(50, dims, { simd: false }), ...(simdAvailable() ? [createInt8Scanner(50, dims, { simd: true })] : [])];
    for (const scanner of scanners) {
      const r = seeded(5);
      for (let i = 0; i < dims; i++) scanner.query[i] = Math.round(r() * 254 - 127);
      for (let row = 0; row < 50; row++) for (let i = 0; i < dims; i++) scanner.rows[row * scanner.stride + i] = Math.round(r() * 254 - 127);
      scanner.scan();
    }
    const expected = Array.from({ length: 50 }, (_, row) => {
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += scanners[0]!.rows[row * scanners[0]!.stride + i]! * scanners[0]!.query[i]!;
      return dot;
    });
    for (const scanner of scanners) expect(Array.from(scanner.dots)).toEqual(expected);
    expect(simdAvailable()).toBe(true); // Node 20 has WebAssembly SIMD: the fast path is the one in use
  });
});
