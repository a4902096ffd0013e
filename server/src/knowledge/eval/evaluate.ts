/**
 * Retrieval quality on a labelled set (format: ../shared/eval/*\/README.md): a knowledge base in
 * JSON Lines (`id`, `lang`, `question`, `answer`) and queries (`query`, `gold` ids). Reports
 * recall@1/3/5, MRR@10, search latency, and the offline responder's coverage (share of queries
 * it answers instead of offering a person) and precision (share of those answers that are a gold
 * entry), beside the plain BM25 baseline measured in the same run.
 */
import { z } from 'zod';
import { createOfflineResponder, DEFAULT_ANSWER_THRESHOLDS, offlineCandidates, type AnswerThresholds } from '../../ai/offline-responder.js';
import type { KnowledgeEntry, KnowledgeLang, Retriever } from '../types.js';
import { createPlainBm25 } from './baseline.js';
import { sweepThreshold, type ScoredAnswer, type Sweep } from './sweep.js';

const kbLineSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  lang: z.string().optional(),
  question: z.string(),
  answer: z.string().default(''),
  url: z.string().optional(),
  tags: z.array(z.string()).optional(),
  source: z.string().optional(),
});

const queryLineSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  lang: z.string().optional(),
  query: z.string(),
  // Empty: a question the knowledge cannot answer (see EvalQuery.gold).
  gold: z.array(z.union([z.string(), z.number()]).transform(String)),
});

export interface EvalQuery {
  id?: string;
  query: string;
  /**
   * The entries that answer it (any one counts). Empty: the knowledge cannot answer it, so it is
   * left out of recall, any answer to it counts as wrong in precision and declining it counts as
   * right; without some of these, precision only measures questions that have an answer.
   */
  gold: string[];
  lang?: KnowledgeLang;
}

const toLang = (lang: string | undefined, text: string): KnowledgeLang =>
  lang ? (/^zh/i.test(lang) ? 'zh' : 'en') : /\p{Script=Han}/u.test(text) ? 'zh' : 'en';

function jsonLines<T>(text: string, schema: z.ZodType<T>, file: string): T[] {
  return text.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    return [parsed.data];
  });
}

export function parseEvalKb(text: string, file = 'kb.jsonl'): KnowledgeEntry[] {
  return jsonLines(text, kbLineSchema, file).map((row) => ({
    id: row.id,
    title: row.question,
    body: row.answer,
    lang: toLang(row.lang, row.question),
    url: row.url,
    tags: row.tags ?? [],
    document: row.source ?? '',
  }));
}

export function parseEvalQueries(text: string, file = 'queries.jsonl'): EvalQuery[] {
  return jsonLines(text, queryLineSchema, file).map((row) => ({ ...row, lang: toLang(row.lang, row.query) }));
}

export interface RankMetrics {
  'recall@1': number;
  'recall@3': number;
  'recall@5': number;
  'mrr@10': number;
}

/**
 * `ranked[i]`: the ids returned for query i, best first. A query counts as found at its best-ranked
 * gold id; a query without gold (unanswerable) is left out.
 */
export function rankMetrics(ranked: readonly (readonly string[])[], gold: readonly (readonly string[])[]): RankMetrics {
  const n = gold.filter((g) => g.length > 0).length;
  let r1 = 0;
  let r3 = 0;
  let r5 = 0;
  let mrr = 0;
  ranked.forEach((ids, i) => {
    const rank = ids.findIndex((id) => gold[i]!.includes(id));
    if (rank < 0) return;
    if (rank < 1) r1++;
    if (rank < 3) r3++;
    if (rank < 5) r5++;
    if (rank < 10) mrr += 1 / (rank + 1);
  });
  const share = (x: number) => (n ? round(x / n) : 0);
  return { 'recall@1': share(r1), 'recall@3': share(r3), 'recall@5': share(r5), 'mrr@10': share(mrr) };
}

/** Nearest-rank percentile (p in 0–100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface RetrieverReport extends RankMetrics {
  p50_ms: number;
  p99_ms: number;
}

export interface EvalReport extends RetrieverReport {
  n: number;
  /** Of the n, questions the knowledge cannot answer (`"gold": []`); recall is over the others. */
  unanswerable: number;
  /**
   * The offline responder at the thresholds given (the server's settings): answered / n, right /
   * answered, and unanswerable questions declined / unanswerable (null when there are none).
   */
  offline: { coverage: number; precision: number | null; declined: number | null };
  /**
   * Its answer rate and precision at every threshold, per language of the entry that would answer
   * (each language has its own setting); a question with no hit at all counts in its own language.
   */
  sweep: Partial<Record<KnowledgeLang, Sweep>>;
  baseline: RetrieverReport;
}

async function measure(retriever: Retriever, queries: readonly EvalQuery[]): Promise<RetrieverReport> {
  // Warm-up: the first searches pay for JIT compilation, which no long-running server does.
  for (const q of queries.slice(0, 20)) await retriever.search(q.query, { limit: 10, lang: q.lang });
  const ranked: string[][] = [];
  const times: number[] = [];
  for (const q of queries) {
    const started = performance.now();
    const hits = await retriever.search(q.query, { limit: 10, lang: q.lang });
    times.push(performance.now() - started);
    ranked.push(hits.map((h) => h.entry.id));
  }
  return {
    ...rankMetrics(ranked, queries.map((q) => q.gold)),
    p50_ms: round(percentile(times, 50), 4),
    p99_ms: round(percentile(times, 99), 4),
  };
}

export async function evaluate({
  entries,
  queries,
  retriever,
  thresholds = DEFAULT_ANSWER_THRESHOLDS,
  minPrecision = 0.9,
}: {
  entries: readonly KnowledgeEntry[];
  queries: readonly EvalQuery[];
  retriever: Retriever;
  thresholds?: AnswerThresholds;
  /** The precision the sweep's best threshold must keep. */
  minPrecision?: number;
}): Promise<EvalReport> {
  const ours = await measure(retriever, queries);
  const baseline = await measure(createPlainBm25(entries), queries);

  // The responder's own decision input: its searches (same options), the confidences of its top
  // hit and of its clauses' best (searched at every threshold: none is too high to need them).
  const scored: Record<KnowledgeLang, ScoredAnswer[]> = { en: [], zh: [] };
  for (const q of queries) {
    const { hits, clause } = await offlineCandidates(retriever, q.query, { lang: q.lang }, (lang) => thresholds[lang], 'always');
    const top = hits[0];
    // No hit: never answered, at any threshold. A hit without a confidence counts as 0, as there.
    scored[top?.entry.lang ?? q.lang ?? 'en'].push({
      confidence: top ? (top.confidence ?? 0) : -1,
      right: q.gold.includes(top?.entry.id ?? ''),
      unanswerable: q.gold.length === 0,
      ...(clause ? { clause: { confidence: clause.hit.confidence ?? 0, right: q.gold.includes(clause.hit.entry.id) } } : {}),
    });
  }
  const sweep: EvalReport['sweep'] = {};
  for (const lang of ['en', 'zh'] as const) if (scored[lang].length > 0) sweep[lang] = sweepThreshold(scored[lang], { minPrecision });

  const offline = createOfflineResponder({ retriever, thresholds });
  let answered = 0;
  let right = 0;
  let declined = 0;
  for (const q of queries) {
    const answer = await offline.answer({
      conversationId: 'eval',
      question: q.query,
      history: [],
      locale: q.lang === 'zh' ? 'zh-CN' : 'en',
    });
    if (!answer.provenance.answered) {
      if (q.gold.length === 0) declined++;
      continue;
    }
    answered++;
    if (q.gold.includes(answer.sources[0]?.id ?? '')) right++;
  }
  const unanswerable = queries.filter((q) => q.gold.length === 0).length;
  return {
    n: queries.length,
    unanswerable,
    ...ours,
    offline: {
      coverage: round(queries.length ? answered / queries.length : 0),
      precision: answered ? round(right / answered) : null,
      declined: unanswerable ? round(declined / unanswerable) : null,
    },
    sweep,
    baseline,
  };
}
