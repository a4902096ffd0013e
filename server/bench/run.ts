#!/usr/bin/env node
/**
 * `npm run bench -- retrieval [--entries N] [--queries N]`: search latency on a generated
 * knowledge base (deterministic: the same seed gives the same entries and queries), ours beside
 * the plain BM25 baseline in the same process and run. Absolute times depend on the machine;
 * the ratio to the baseline is the number to compare across runs. Never part of `npm test`.
 */
import { parseArgs } from 'node:util';
import { createKnowledgeIndex } from '../src/knowledge/bm25-index.js';
import { createDenseIndex } from '../src/knowledge/dense.js';
import { createPlainBm25 } from '../src/knowledge/eval/baseline.js';
import { percentile } from '../src/knowledge/eval/evaluate.js';
import type { KnowledgeEntry, SyncRetriever } from '../src/knowledge/types.js';
import { generateKnowledge, generateQueries, seeded } from './synthetic.js';

function time(retriever: SyncRetriever, queries: { text: string; lang: 'en' | 'zh' }[]): number[] {
  for (const q of queries.slice(0, 200)) retriever.search(q.text, { limit: 5, lang: q.lang }); // warm-up (JIT)
  return queries.map((q) => {
    const started = performance.now();
    retriever.search(q.text, { limit: 5, lang: q.lang });
    return performance.now() - started;
  });
}

const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function retrievalBench(entryCount: number, queryCount: number): Promise<void> {
  const entries: KnowledgeEntry[] = generateKnowledge(entryCount);
  const queries = generateQueries(entries, queryCount);
  let started = performance.now();
  const ours = createKnowledgeIndex(entries);
  const buildOurs = performance.now() - started;
  started = performance.now();
  const baseline = createPlainBm25(entries);
  const buildBaseline = performance.now() - started;

  // Interleaved rounds, so a noisy neighbour slows both alike.
  const oursTimes: number[] = [];
  const baseTimes: number[] = [];
  for (let round = 0; round < 3; round++) {
    oursTimes.push(...time(ours, queries));
    baseTimes.push(...time(baseline, queries));
  }
  const o = { p50: percentile(oursTimes, 50), p99: percentile(oursTimes, 99) };
  const b = { p50: percentile(baseTimes, 50), p99: percentile(baseTimes, 99) };
  const lines = [
    `retrieval over ${entries.length} generated entries (${entries.filter((e) => e.lang === 'zh').length} zh), ${oursTimes.length} searches each`,
    `  ours (BM25F)       p50 ${fmt(o.p50)}  p99 ${fmt(o.p99)}  build ${Math.round(buildOurs)} ms`,
    `  baseline (BM25)    p50 ${fmt(b.p50)}  p99 ${fmt(b.p99)}  build ${Math.round(buildBaseline)} ms`,
    `  ratio ours/baseline  p50 ${(o.p50 / b.p50).toFixed(2)}  p99 ${(o.p99 / b.p99).toFixed(2)}`,
    `  goal p99 < 5 ms: ${o.p99 < 5 ? 'met' : 'NOT met'}`,
  ];

  // The dense half of hybrid search, with vectors of a common embedding size (1536).
  const random = seeded(7);
  const dims = 1536;
  const vector = () => Float32Array.from({ length: dims }, () => random() - 0.5);
  const dense = createDenseIndex(Array.from({ length: entries.length }, vector));
  const denseTimes = Array.from({ length: 300 }, () => {
    const q = vector();
    const t = performance.now();
    dense.search(q, 20);
    return performance.now() - t;
  });
  lines.push(`  dense (${dims}-d, brute force) p50 ${fmt(percentile(denseTimes, 50))}  p99 ${fmt(percentile(denseTimes, 99))} (plus the query's embedding call)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { entries: { type: 'string', default: '10000' }, queries: { type: 'string', default: '2000' } },
});
const which = positionals[0] ?? 'retrieval';
if (which !== 'retrieval') {
  process.stderr.write('Usage: npm run bench -- retrieval [--entries N] [--queries N]\n');
  process.exit(2);
}
await retrievalBench(Number(values.entries), Number(values.queries));
