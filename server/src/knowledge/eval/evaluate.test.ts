import { describe, expect, it } from 'vitest';
import { createKnowledgeIndex } from '../bm25-index.js';
import { plainTokens } from './baseline.js';
import { evaluate, parseEvalKb, parseEvalQueries, percentile, rankMetrics } from './evaluate.js';

describe('rank metrics', () => {
  it('computes recall@k and MRR@10 from the best-ranked gold id', () => {
    const ranked = [
      ['a', 'b', 'c'], // rank 1
      ['x', 'y', 'b'], // rank 3
      ['x', 'y', 'z', 'w', 'b'], // rank 5
      ['x'], // not found
    ];
    const gold = [['a'], ['b'], ['b', 'q'], ['a']];
    expect(rankMetrics(ranked, gold)).toEqual({
      'recall@1': 0.25,
      'recall@3': 0.5,
      'recall@5': 0.75,
      'mrr@10': Math.round(((1 + 1 / 3 + 1 / 5) / 4) * 1000) / 1000,
    });
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([3, 1, 2], 100)).toBe(3);
    expect(percentile([], 50)).toBe(0);
  });

  it('tokenizes the baseline like a stock analyzer: words, and one token per Han character', () => {
    expect(plainTokens("Can't log-in 退款多久")).toEqual(['can', 't', 'log', 'in', '退', '款', '多', '久']);
  });
});

describe('evaluate', () => {
  const kb = [
    { id: 'k1', lang: 'en', question: 'How do I return an item?', answer: 'From your orders page.' },
    { id: 'k2', lang: 'en', question: 'How long does shipping take?', answer: 'Three days.' },
    { id: 'k3', lang: 'zh', question: '退款多久到账？', answer: '' },
  ];
  const queries = [
    { query: 'returning items', gold: ['k1'] },
    { query: 'how long does shipping take', gold: ['k2'] },
    { query: '退款几天到账', gold: ['k3'] },
    { query: 'shipping to Mars', gold: ['k1'] },
  ];
  const entries = parseEvalKb(kb.map((r) => JSON.stringify(r)).join('\n'));
  const parsed = parseEvalQueries(queries.map((r) => JSON.stringify(r)).join('\n'));

  it('reads the eval format, detecting a missing lang', () => {
    expect(entries[2]).toMatchObject({ id: 'k3', title: '退款多久到账？', body: '', lang: 'zh' });
    expect(parsed[2]).toMatchObject({ lang: 'zh', gold: ['k3'] });
    expect(() => parseEvalQueries('{"query":"x"}')).toThrow(/gold/);
  });

  it('reports ours, the baseline and the offline responder on the same queries', async () => {
    const report = await evaluate({ entries, queries: parsed, retriever: createKnowledgeIndex(entries) });
    expect(report.n).toBe(4);
    expect(report['recall@1']).toBe(0.75); // 'shipping to Mars' finds only k2, which is not gold
    expect(report['recall@5']).toBe(0.75);
    expect(report.baseline['recall@1']).toBe(0.5); // no stemming: 'returning items' matches nothing
    // A tiny knowledge base makes any match look certain: 'shipping to Mars' is answered wrongly.
    expect(report.offline).toEqual({ coverage: 1, precision: 0.75, declined: null });
    expect(report.p99_ms).toBeGreaterThanOrEqual(report.p50_ms);
    expect(Object.keys(report)).toEqual(['n', 'unanswerable', 'recall@1', 'recall@3', 'recall@5', 'mrr@10', 'p50_ms', 'p99_ms', 'offline', 'sweep', 'baseline']);
  });

  it('sweeps the threshold per language of the answering entry, agreeing with the responder at its settings', async () => {
    const retriever = createKnowledgeIndex(entries);
    const thresholds = { en: 0.4, zh: 0.55 };
    const report = await evaluate({ entries, queries: parsed, retriever, thresholds });
    expect(report.sweep.en?.n).toBe(3);
    expect(report.sweep.zh?.n).toBe(1);
    const at = (lang: 'en' | 'zh') => report.sweep[lang]!.curve[Math.round(thresholds[lang] * 100)]!;
    expect((at('en').answered + at('zh').answered) / 4).toBe(report.offline.coverage);
    const right = at('en').right + at('zh').right;
    expect(right / (at('en').answered + at('zh').answered)).toBeCloseTo(report.offline.precision!, 3);
    // A strict setting answers less: the responder really is run at the thresholds given.
    const strict = await evaluate({ entries, queries: parsed, retriever, thresholds: { en: 1, zh: 1 } });
    expect(strict.offline.coverage).toBeLessThan(report.offline.coverage);
  });

  it('takes questions the knowledge cannot answer ("gold": []): recall ignores them, any answer to one is wrong', async () => {
    const withUnanswerable = parseEvalQueries(
      [...queries, { query: 'how long does shipping to the moon take', gold: [] }, { query: 'zzz qqq', gold: [] }].map((r) => JSON.stringify(r)).join('\n'),
    );
    expect(withUnanswerable.at(-1)!.gold).toEqual([]);
    const retriever = createKnowledgeIndex(entries);
    const report = await evaluate({ entries, queries: withUnanswerable, retriever });
    const plain = await evaluate({ entries, queries: parsed, retriever });
    expect(report.n).toBe(6);
    expect(report.unanswerable).toBe(2);
    // Recall is over the 4 answerable questions, as before.
    expect(report['recall@1']).toBe(plain['recall@1']);
    expect(report.baseline['recall@1']).toBe(plain.baseline['recall@1']);
    // The moon question shares "how long does shipping take" with k2: answered, and wrong; the
    // other matches nothing: declined, which is right.
    const at0 = report.sweep.en!.curve[0]!;
    const plainAt0 = plain.sweep.en!.curve[0]!;
    expect(at0.answered).toBe(plainAt0.answered + 1);
    expect(at0.right).toBe(plainAt0.right);
    expect(at0.declined).toBe(1);
    expect(report.offline.declined).toBe(0.5);
    expect(report.offline.precision!).toBeLessThan(plain.offline.precision!);
    expect(plain.offline.declined).toBeNull();
  });
});
