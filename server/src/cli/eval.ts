#!/usr/bin/env node
/**
 * `npm run eval -- --kb FILE --queries FILE [--synonyms FILE] [--json]`: retrieval quality on a labelled set (the
 * format of ../shared/eval/*\/README.md), ours beside the plain BM25 baseline in the same run.
 * With OPENAI_EMBEDDING_MODEL set, "ours" is the hybrid retriever the server would run.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { openEmbeddingCache } from '../knowledge/embeddings.js';
import { evaluate, parseEvalKb, parseEvalQueries, type EvalReport } from '../knowledge/eval/evaluate.js';
import { indexKnowledge } from '../knowledge/knowledge-base.js';
import { parseSynonyms } from '../knowledge/synonyms.js';
import { chooseEmbedder } from '../responders.js';
import type { CliIO } from './kb.js';
import { createProgress } from './progress.js';

const USAGE = 'Usage: npm run eval -- --kb kb.jsonl --queries queries.jsonl [--synonyms synonyms.txt] [--json]';

export async function runEval(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kb: { type: 'string' },
      queries: { type: 'string' },
      synonyms: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.kb || !values.queries) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const entries = parseEvalKb(await readFile(values.kb, 'utf8'), values.kb);
  const queries = parseEvalQueries(await readFile(values.queries, 'utf8'), values.queries);
  const synonyms = values.synonyms ? parseSynonyms(await readFile(values.synonyms, 'utf8'), values.synonyms) : undefined;
  for (const warning of synonyms?.warnings ?? []) io.stderr.write(`warning: ${warning}\n`);
  const config = loadConfig(io.env);
  const embedder = chooseEmbedder(config);
  const bar = createProgress(io.stderr, 'embedding', { minTotal: 1 });
  const snapshot = await indexKnowledge(entries, [], {
    synonyms: synonyms?.groups,
    embedder,
    cache: embedder ? await openEmbeddingCache(config.dataDir, embedder.model) : undefined,
    onProgress: (d, t) => bar.update(d, t),
  });
  bar.done();
  const report = await evaluate({ entries, queries, retriever: snapshot.retriever });
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report, embedder ? `BM25F + ${embedder.model}` : 'BM25F'));
  return 0;
}

export function formatReport(report: EvalReport, name: string): string {
  const metrics = ['recall@1', 'recall@3', 'recall@5', 'mrr@10', 'p50_ms', 'p99_ms'] as const;
  const row = (label: string, values: string[]) => `${label.padEnd(22)}${values.map((v) => v.padStart(10)).join('')}`;
  const cells = (r: EvalReport | EvalReport['baseline']) =>
    metrics.map((m) => (m.endsWith('_ms') ? r[m].toFixed(3) : r[m].toFixed(3)));
  const precision = report.offline.precision === null ? '-' : report.offline.precision.toFixed(3);
  return [
    `${report.n} queries`,
    row('', [...metrics]),
    row(`ours (${name})`, cells(report)),
    row('baseline (plain BM25)', cells(report.baseline)),
    row('gain', metrics.slice(0, 4).map((m) => `${report[m] >= report.baseline[m] ? '+' : ''}${((report[m] - report.baseline[m]) * 100).toFixed(1)}pt`)),
    `offline responder: coverage ${report.offline.coverage.toFixed(3)}, precision ${precision}`,
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runEval(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`eval: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
