#!/usr/bin/env node
/**
 * `npm run eval -- --kb FILE --queries FILE [--synonyms FILE] [--json]`: retrieval quality on a labelled set (the
 * format of ../shared/eval/*\/README.md), ours beside the plain BM25 baseline in the same run.
 * `npm run eval -- --knowledge DIR --queries FILE`: the same against a knowledge folder loaded exactly as
 * the server loads it (files, synonyms.txt, phrasings), gold named `FILE#HEADING` (knowledge/eval/gold.ts).
 * Both print the offline responder's answer rate and precision at every threshold, and the threshold
 * answering the most questions at ≥ 90% precision (--min-precision to change it).
 * With OPENAI_EMBEDDING_MODEL set, "ours" is the hybrid retriever the server would run.
 * `--learn FILE` (queries format): the same, before and after FILE's questions were accepted as
 * phrasings of their gold entries through the admin's code path, on a store in memory;
 * `--learn-split`: learn from one half of --queries (by a hash of each id) and score the other.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { openEmbeddingCache } from '../knowledge/embeddings.js';
import { evaluate, parseEvalKb, parseEvalQueries, type EvalQuery, type EvalReport } from '../knowledge/eval/evaluate.js';
import { createGoldResolver } from '../knowledge/eval/gold.js';
import type { Sweep } from '../knowledge/eval/sweep.js';
import { assertDisjoint, evaluateLearning, splitById, type LearningReport } from '../knowledge/eval/learn.js';
import { buildKnowledge, indexKnowledge, KnowledgeBase, type KnowledgeSnapshot } from '../knowledge/knowledge-base.js';
import { storeKnowledgeSources } from '../knowledge/learning/learn-phrasing.js';
import type { KnowledgeEntry } from '../knowledge/types.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { parseSynonyms } from '../knowledge/synonyms.js';
import { chooseEmbedder } from '../responders.js';
import type { CliIO } from './kb.js';
import { createProgress } from './progress.js';

const USAGE = [
  'Usage: npm run eval -- --kb kb.jsonl --queries queries.jsonl [--synonyms synonyms.txt] [--min-precision 0.9] [--json]',
  '       npm run eval -- --knowledge DIR --queries queries.jsonl [--min-precision 0.9] [--json]',
  '       … [--learn learned.jsonl | --learn-split]',
  '  --knowledge: a knowledge folder as the server loads it; gold names entries "FILE#HEADING", e.g. "en/returns.md#How do I return an item?"',
  '  "gold": [] marks a question the knowledge cannot answer: left out of recall, any answer to it is wrong.',
  '  --learn: score before and after the questions of that file (same format) were accepted as phrasings of their gold entries.',
  '  --learn-split: learn from half of --queries, chosen by a hash of each id, and score the other half.',
  '  The offline responder is measured at OFFLINE_ANSWER_MIN_CONFIDENCE(_ZH) from the environment, and swept over 0–1.',
].join('\n');

export async function runEval(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kb: { type: 'string' },
      queries: { type: 'string' },
      synonyms: { type: 'string' },
      knowledge: { type: 'string' },
      learn: { type: 'string' },
      'learn-split': { type: 'boolean', default: false },
      'min-precision': { type: 'string', default: '0.9' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const minPrecision = Number(values['min-precision']);
  if (
    values.help ||
    !values.queries ||
    Boolean(values.kb) === Boolean(values.knowledge) ||
    (values.knowledge && values.synonyms) ||
    (values.learn && values['learn-split']) ||
    !(minPrecision > 0 && minPrecision <= 1)
  ) {
    io.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const config = loadConfig(io.env);
  const embedder = chooseEmbedder(config);
  const cache = embedder ? await openEmbeddingCache(config.dataDir, embedder.model) : undefined;
  const bar = createProgress(io.stderr, 'embedding', { minTotal: 1 });
  const onProgress = (d: number, t: number) => bar.update(d, t);
  const learning = Boolean(values.learn) || values['learn-split'];
  // Learning needs a store the knowledge base reads its learned phrasings from, as the server's does.
  const store = learning ? SqliteStore.open(':memory:', { writer: 'loop' }) : null;
  try {
    const sources = store ? storeKnowledgeSources(store) : {};
    let knowledge: KnowledgeBase | null = null;
    let snapshot: KnowledgeSnapshot;
    let fixedEntries: KnowledgeEntry[] | null = null;
    if (!values.knowledge) {
      fixedEntries = parseEvalKb(await readFile(values.kb!, 'utf8'), values.kb);
    }
    const synonyms = values.synonyms ? parseSynonyms(await readFile(values.synonyms, 'utf8'), values.synonyms) : undefined;
    for (const warning of synonyms?.warnings ?? []) io.stderr.write(`warning: ${warning}\n`);
    const build = { embedder, cache, onProgress, synonyms: synonyms?.groups, ...sources };
    if (store) {
      // The server's own loader and index build (knowledge-base.ts), so files, synonyms.txt and
      // phrasings count exactly as they do for visitors; rebuilt by learnPhrasings.
      knowledge = fixedEntries ? await KnowledgeBase.fromEntries(fixedEntries, build) : await KnowledgeBase.open({ dir: values.knowledge!, ...build });
      snapshot = knowledge.snapshot;
    } else {
      snapshot = fixedEntries ? await indexKnowledge(fixedEntries, [], build) : await buildKnowledge(values.knowledge!, build);
    }
    bar.done();
    for (const warning of snapshot.warnings) io.stderr.write(`warning: ${warning}\n`);
    const readQueries = async (file: string): Promise<EvalQuery[]> => {
      const parsed = parseEvalQueries(await readFile(file, 'utf8'), file);
      if (!values.knowledge) return parsed;
      const gold = createGoldResolver(snapshot.entries);
      return parsed.map((q, i) => {
        try {
          return { ...q, gold: q.gold.flatMap((name) => gold.resolve(name)) };
        } catch (error) {
          throw new Error(`${file}:${i + 1}: ${(error as Error).message}`);
        }
      });
    };
    const queries = await readQueries(values.queries);
    const name = embedder ? `BM25F + ${embedder.model}` : 'BM25F';
    if (store && knowledge) {
      const { learn, score } = values['learn-split'] ? splitById(queries) : { learn: await readQueries(values.learn!), score: queries };
      assertDisjoint(learn, score);
      const report = await evaluateLearning({ store, knowledge, learn, score, thresholds: config.answerThresholds, minPrecision });
      io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatLearning(report, name, config.answerThresholds));
      return 0;
    }
    const report = await evaluate({
      entries: snapshot.entries,
      queries,
      retriever: snapshot.retriever,
      thresholds: config.answerThresholds,
      minPrecision,
    });
    io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatReport(report, name) + formatSweeps(report.sweep, config.answerThresholds));
    return 0;
  } finally {
    await store?.close();
  }
}

/** Before and after learning, beside plain BM25, on the same scored questions. */
export function formatLearning(report: LearningReport, name: string, configured: { en: number; zh: number }): string {
  const { before, after, learned } = report;
  const metrics = ['recall@1', 'recall@3', 'recall@5', 'mrr@10', 'p50_ms', 'p99_ms'] as const;
  const row = (label: string, values: string[]) => `${label.padEnd(26)}${values.map((v) => v.padStart(10)).join('')}`;
  const cells = (r: EvalReport | EvalReport['baseline']) => metrics.map((m) => r[m].toFixed(3));
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);
  const out = [
    `learned ${learned.questions} questions (${learned.phrasings} new phrasings); scored ${after.n} other questions${after.unanswerable ? ` (${after.unanswerable} unanswerable)` : ''}`,
    row('', [...metrics]),
    row('baseline (plain BM25)', cells(after.baseline)),
    row(`ours (${name})`, cells(before)),
    row('ours, after learning', cells(after)),
    row('gain from learning', metrics.slice(0, 4).map((m) => `${after[m] >= before[m] ? '+' : ''}${((after[m] - before[m]) * 100).toFixed(1)}pt`)),
    `offline responder at the current thresholds: answered ${pct(before.offline.coverage)} at ${pct(before.offline.precision)} precision before, ${pct(after.offline.coverage)} at ${pct(after.offline.precision)} after`,
  ];
  for (const lang of ['en', 'zh'] as const) {
    const b = before.sweep[lang];
    const a = after.sweep[lang];
    if (!b && !a) continue;
    const best = (s: Sweep | undefined) => (s?.best ? `${pct(s.best.answerRate)} (threshold ${s.best.threshold.toFixed(2)})` : 'none');
    out.push(`answer rate at ≥${pct(minOf(a ?? b!))} precision, ${lang} (${SETTING[lang]}, now ${configured[lang]}): ${best(b)} before, ${best(a)} after`);
  }
  return `${out.join('\n')}\n`;
}

const minOf = (sweep: Sweep) => sweep.minPrecision;

const SETTING = { en: 'OFFLINE_ANSWER_MIN_CONFIDENCE', zh: 'OFFLINE_ANSWER_MIN_CONFIDENCE_ZH' } as const;

/** The precision / answer-rate curve every 0.05, the configured threshold and the best one marked. */
export function formatSweeps(sweeps: EvalReport['sweep'], configured: { en: number; zh: number }): string {
  const out: string[] = [];
  for (const lang of ['en', 'zh'] as const) {
    const sweep: Sweep | undefined = sweeps[lang];
    if (!sweep) continue;
    const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
    // Unanswerable questions: how many of them each threshold rightly declines.
    const declined = (point: Sweep['curve'][number]) => (sweep.unanswerable ? `${point.declined}/${sweep.unanswerable}`.padStart(10) : '');
    out.push(
      `offline responder, ${lang} answers (${SETTING[lang]}), ${sweep.n} queries${sweep.unanswerable ? `, ${sweep.unanswerable} the knowledge cannot answer` : ''}:`,
      `${'threshold'.padStart(10)}${'answered'.padStart(10)}${'precision'.padStart(11)}${sweep.unanswerable ? 'declined'.padStart(10) : ''}`,
    );
    const marks = (t: number) =>
      [Math.abs(t - configured[lang]) < 1e-9 ? 'current' : '', sweep.best && Math.abs(t - sweep.best.threshold) < 1e-9 ? `best at ≥${pct(sweep.minPrecision)}` : '']
        .filter(Boolean)
        .join(', ');
    for (const point of sweep.curve) {
      const step = Math.round(point.threshold * 100);
      if (step % 5 !== 0 && !marks(point.threshold)) continue;
      out.push(`${point.threshold.toFixed(2).padStart(10)}${pct(point.answerRate).padStart(10)}${pct(point.precision).padStart(11)}${declined(point)}  ${marks(point.threshold)}`.trimEnd());
    }
    out.push(
      sweep.best
        ? `→ ${SETTING[lang]}=${sweep.best.threshold.toFixed(2)} answers ${pct(sweep.best.answerRate)} at ${pct(sweep.best.precision)} precision`
        : `→ no threshold reaches ${pct(sweep.minPrecision)} precision`,
      '',
    );
  }
  return out.join('\n');
}

export function formatReport(report: EvalReport, name: string): string {
  const metrics = ['recall@1', 'recall@3', 'recall@5', 'mrr@10', 'p50_ms', 'p99_ms'] as const;
  const row = (label: string, values: string[]) => `${label.padEnd(22)}${values.map((v) => v.padStart(10)).join('')}`;
  const cells = (r: EvalReport | EvalReport['baseline']) =>
    metrics.map((m) => (m.endsWith('_ms') ? r[m].toFixed(3) : r[m].toFixed(3)));
  const precision = report.offline.precision === null ? '-' : report.offline.precision.toFixed(3);
  return [
    `${report.n} queries${report.unanswerable ? ` (${report.unanswerable} the knowledge cannot answer: left out of recall)` : ''}`,
    row('', [...metrics]),
    row(`ours (${name})`, cells(report)),
    row('baseline (plain BM25)', cells(report.baseline)),
    row('gain', metrics.slice(0, 4).map((m) => `${report[m] >= report.baseline[m] ? '+' : ''}${((report[m] - report.baseline[m]) * 100).toFixed(1)}pt`)),
    `offline responder: coverage ${report.offline.coverage.toFixed(3)}, precision ${precision}${report.offline.declined === null ? '' : `, declined ${report.offline.declined.toFixed(3)} of the unanswerable`}`,
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
