/**
 * A BM25F index over knowledge entries (Robertson & Zaragoza, "The Probabilistic Relevance
 * Framework: BM25 and Beyond", 2009, §3.4): each entry has three fields — the question/heading,
 * the context it lives in (article title and tags) and the answer — whose term frequencies are
 * length-normalised per field, weighted, summed, and only then saturated. A question word in the
 * title is therefore worth more than the same word in a long answer, without the answer's many
 * repeats drowning it.
 *
 * An entry may have alternate phrasings (issue 14): each is another question field. A term's
 * question frequency is its best among the entry's questions (the title and each phrasing, each
 * length-normalised like a title), not their sum: a phrasing counts exactly like the title, and
 * ten phrasings that repeat a word do not make the entry ten times about it. It stays one posting
 * per entry and term, so phrasings cost a search nothing (a posting per phrasing, scored as
 * separate questions and the best kept, was 8× slower at 10,000 entries with 4 phrasings each).
 *
 * Everything that does not depend on the query is computed once at build time: each term's
 * posting list holds the entries that contain it with their saturated weight, so a search only
 * walks the lists of the query's own terms (no scan of all entries) and keeps the best few.
 */
import { analyzeWithSynonyms as defaultAnalyze } from './analyzer.js';
import { runInSlices, runToEnd, type Steps } from './slices.js';
import { termWeight as defaultTermWeight } from './tokenizer.js';
import type { KnowledgeEntry, RetrievalHit, SearchOptions, SyncRetriever } from './types.js';

export interface KnowledgeIndexOptions {
  /**
   * Term-frequency saturation: 1.6, the middle of a plateau, rather than the textbook 1.2. On the
   * dev sets recall@3 is flat or better from 1.2 to 2.0: StackFAQ 0.883, 0.888, 0.894 and AFQMC
   * 0.619–0.628 (with multi-character Chinese terms at half weight, see termWeight).
   */
  k1?: number;
  /**
   * Field weights. The question states what an entry is about; an answer also mentions related
   * matters (a refund answer talks about returns, what was bought, last week's order), so a word
   * in the answer is worth less: question 3, context 1, answer 0.5. (They scale term frequencies
   * before saturation, so they also interact with k1.) On the StackFAQ dev set, halving the
   * answer's weight against the earlier 3 : 1 : 1 took recall@3 from 0.855 to 0.877; AFQMC has
   * no answers and is unchanged.
   */
  titleWeight?: number;
  contextWeight?: number;
  bodyWeight?: number;
  /** Length normalisation per field (0: none, 1: full). Titles are short and similar in length. */
  titleB?: number;
  contextB?: number;
  bodyB?: number;
  /** Score multiplier for entries in the visitor's language (why a boost: see `search`). */
  langBoost?: number;
  /** How much an entry loses for topics the query does not mention (0: nothing; see COVERAGE_PENALTY). */
  coveragePenalty?: number;
  /** Text → terms; the default handles English and Chinese with the built-in synonyms (analyzer.ts). */
  analyze?: (text: string) => string[];
  /** What a match on a term is worth (1: a word or character); the default is the tokenizer's. */
  termWeight?: (term: string) => number;
}

export interface KnowledgeIndex extends SyncRetriever {
  readonly entries: readonly KnowledgeEntry[];
}

interface Postings {
  docs: Uint32Array;
  weights: Float32Array;
  idf: number;
  /** termWeight(term): multiplies the IDF in the score, not in the confidence's similarity. */
  termWeight: number;
}

interface Field {
  text: (entry: KnowledgeEntry) => string;
  weight: number;
  b: number;
}

const DEFAULT_LIMIT = 5;

/**
 * A hit's `confidence` blends two signals, half each:
 * - similarity: IDF-weighted cosine between the query's terms and the entry's title (question).
 *   Query terms no title contains count with the highest IDF, so a question about something the
 *   knowledge never asks cannot look covered.
 * - margin: how far the hit's score is ahead of the best other hit ((s1 - s2) / s1; 0 for every
 *   hit but the first). A clear winner is likelier right than one of several near-ties. It only
 *   counts in full once the similarity reaches MARGIN_FULL_AT: a lone weak hit is trivially "far
 *   ahead" of nothing (one shared word with one answer, nothing else matching).
 * Chosen on the StackFAQ / AFQMC dev sets (English / Chinese) by how well it separates right top
 * hits from wrong ones and from hits for questions the knowledge cannot answer (leave-one-out:
 * the gold entry removed). AUC right-vs-wrong: similarity 0.83 / 0.57, margin 0.82 / 0.74, this
 * blend 0.87 / 0.65; the share of the query an entry matches, the obvious alternative, 0.68 /
 * 0.51. A geometric mean scored about the same but sinks an exact title match whenever another
 * entry ties on score, which the sum does not.
 */
const SIMILARITY_SHARE = 0.5;
const MARGIN_FULL_AT = 1 / 3;

/** Index of the question/heading in the field list. */
const TITLE = 0;

/** One question of an entry (its title, or one phrasing), as the confidence and coverage see it. */
interface Question {
  terms: Set<string>;
  norm: number;
  topics: string[];
}

/**
 * Topic coverage. BM25 rewards what an entry shares with the question and ignores what the entry
 * says that the question does not. For FAQ questions that matters: entries differ by the topics
 * they combine (a card, a refund, a limit), and "can I raise my Huabei limit" is not answered by
 * "can I raise my Jiebei limit when Huabei is overdue", however many words they share. So each
 * entry's score is multiplied by 1 - COVERAGE_PENALTY × (share of its topics the question does
 * not mention). Its topics are the words of its question (two or more characters, and synonym
 * concepts) that recur in at least one other entry's question: words no other entry uses are
 * incidental detail ("the train ticket I bought"), not what distinguishes one entry from the next.
 * Only the best RERANK_POOL entries by BM25 are re-scored.
 *
 * On the dev sets, against BM25F with synonyms alone: recall@3 0.553 → 0.581 (AFQMC) and
 * 0.877 → 0.883 (StackFAQ); 0.5 sits in a plateau (0.3–0.7 all gain on both), and a stronger
 * penalty starts to hurt StackFAQ, whose titles are long and whose rephrasings leave out more.
 */
const COVERAGE_PENALTY = 0.5;
const TOPIC_MIN_ENTRIES = 2;
const RERANK_POOL = 50;

/** Synonym concepts, and words of two characters or more: a single Han character is too vague to be a topic. */
function isTopicUnit(term: string): boolean {
  return term.startsWith('≈') || Array.from(term).length >= 2;
}

/** Builds the index in one go, blocking until done: for tests, the CLI, the eval and small sets. */
export function createKnowledgeIndex(entries: readonly KnowledgeEntry[], options: KnowledgeIndexOptions = {}): KnowledgeIndex {
  return runToEnd(buildIndex(entries, options));
}

/**
 * Builds the index in slices of at most `sliceMs` of work, letting the event loop run between
 * them: the server re-indexes while it chats, and 10,000 entries take about 1.6 s of CPU, which
 * in one piece would stall every socket for as long (see `npm run bench -- reindex`).
 */
export function createKnowledgeIndexAsync(
  entries: readonly KnowledgeEntry[],
  options: KnowledgeIndexOptions = {},
  { sliceMs }: { sliceMs?: number } = {},
): Promise<KnowledgeIndex> {
  return runInSlices(buildIndex(entries, options), sliceMs);
}

/** The build, one step per entry in its long loops: a `yield` is a place where it may pause. */
function* buildIndex(
  entries: readonly KnowledgeEntry[],
  {
    k1 = 1.6,
    titleWeight = 3,
    contextWeight = 1,
    bodyWeight = 0.5,
    titleB = 0.5,
    contextB = 0.5,
    bodyB = 0.75,
    langBoost = 1.25,
    coveragePenalty = COVERAGE_PENALTY,
    analyze = defaultAnalyze,
    termWeight = defaultTermWeight,
  }: KnowledgeIndexOptions,
): Steps<KnowledgeIndex> {
  // The title comes first: its terms also feed the confidence and the topics (TITLE below).
  const fields: Field[] = [
    { text: (e) => e.title, weight: titleWeight, b: titleB },
    { text: (e) => [e.document, ...e.tags].join('\n'), weight: contextWeight, b: contextB },
    { text: (e) => e.body, weight: bodyWeight, b: bodyB },
  ];
  // Each field of each entry is analysed once, here; the postings and the title sets share it.
  const termCounts: Map<string, number>[][] = [];
  const phrasingCounts: Map<string, number>[][] = [];
  for (const entry of entries) {
    termCounts.push(fields.map((field) => countTerms(analyze(field.text(entry)))));
    phrasingCounts.push((entry.phrasings ?? []).map((p) => countTerms(analyze(p))).filter((c) => c.size > 0));
    yield;
  }
  const postings = yield* buildPostings(termCounts, phrasingCounts, entries.map((entry) => entry.lang), fields, k1, termWeight);
  // Per entry, the terms of each of its questions: the title first, then the phrasings.
  const questionTerms = termCounts.map((perField, doc) => [
    new Set(perField[TITLE]!.keys()),
    ...phrasingCounts[doc]!.map((counts) => new Set(counts.keys())),
  ]);
  // An entry counts once per term however many of its questions hold it.
  const titleDf = new Map<string, number>();
  for (const questions of questionTerms) {
    const seen = questions.length === 1 ? questions[0]! : new Set(questions.flatMap((terms) => [...terms]));
    for (const term of seen) titleDf.set(term, (titleDf.get(term) ?? 0) + 1);
  }
  yield;
  // Title IDF, not the whole entry's: a word many answers mention but no question asks about
  // ("parcel") still distinguishes questions.
  const idfOf = (term: string) => idf(entries.length, titleDf.get(term) ?? 0);
  const questions: Question[][] = [];
  for (const perEntry of questionTerms) {
    questions.push(
      perEntry.map((terms) => ({
        terms,
        norm: squaredNorm(terms, idfOf),
        topics: [...terms].filter((term) => isTopicUnit(term) && (titleDf.get(term) ?? 0) >= TOPIC_MIN_ENTRIES),
      })),
    );
    if (questions.length % 256 === 0) yield;
  }
  const n = entries.length;
  // Each entry's language as a small number, so the visitor-language boost below compares two
  // integers in a typed array instead of reading a string from every touched entry object (that
  // read was most of a search's time on queries touching thousands of entries).
  const langCodes = new Map<string, number>();
  const langOf = new Uint8Array(n);
  entries.forEach((entry, doc) => {
    let code = langCodes.get(entry.lang);
    if (code === undefined) langCodes.set(entry.lang, (code = langCodes.size));
    langOf[doc] = code;
  });
  // Reused across searches: search is synchronous, so no two calls can share them at once.
  const scores = new Float64Array(n);
  const touched = new Uint32Array(n);
  let poolDocs = new Uint32Array(RERANK_POOL + 1);
  let poolScores = new Float64Array(RERANK_POOL + 1);

  function search(query: string, { limit = DEFAULT_LIMIT, lang }: SearchOptions = {}): RetrievalHit[] {
    const queryTerms = countTerms(analyze(query));
    let touchedCount = 0;
    for (const [term, count] of queryTerms) {
      const list = postings.get(term);
      if (!list) continue;
      const queryWeight = count * list.termWeight * list.idf;
      // A zero-weight term must not touch entries: `touched` relies on a touched score being > 0.
      if (queryWeight === 0) continue;
      const { docs, weights } = list;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        if (scores[doc] === 0) touched[touchedCount++] = doc;
        scores[doc]! += queryWeight * weights[i]!;
      }
    }
    // The visitor's language is boosted, not filtered: many help centers have some entries in one
    // language only (a spec sheet in English), and a Chinese visitor asking about one should still
    // find it. Questions in a language mostly match entries in that language anyway; the boost
    // decides near-ties, e.g. a product name that appears in both the English and Chinese article.
    const boosted = lang === undefined ? -1 : (langCodes.get(lang) ?? -1);
    const poolSize = Math.max(limit + 1, RERANK_POOL);
    if (poolDocs.length < poolSize) {
      poolDocs = new Uint32Array(poolSize);
      poolScores = new Float64Array(poolSize);
    }
    // The best `poolSize` touched entries, best first, by insertion into a short sorted list (no
    // sort of every candidate); among equal scores the first touched stays first.
    let pooled = 0;
    for (let t = 0; t < touchedCount; t++) {
      const doc = touched[t]!;
      const score = langOf[doc] === boosted ? scores[doc]! * langBoost : scores[doc]!;
      scores[doc] = 0;
      if (pooled === poolSize && score <= poolScores[poolSize - 1]!) continue;
      let i = pooled === poolSize ? poolSize - 1 : pooled++;
      while (i > 0 && poolScores[i - 1]! < score) {
        poolScores[i] = poolScores[i - 1]!;
        poolDocs[i] = poolDocs[i - 1]!;
        i--;
      }
      poolScores[i] = score;
      poolDocs[i] = doc;
    }
    const pool: { doc: number; score: number }[] = [];
    for (let i = 0; i < pooled; i++) pool.push({ doc: poolDocs[i]!, score: poolScores[i]! });
    // Of an entry's questions, the one that covers the query best.
    for (const hit of pool) {
      let uncovered = 1;
      for (const question of questions[hit.doc]!) uncovered = Math.min(uncovered, uncoveredShare(question.topics, queryTerms));
      hit.score *= 1 - coveragePenalty * uncovered;
    }
    pool.sort((a, b) => b.score - a.score);
    // One more hit than asked: the runner-up's score is part of the last hit's confidence.
    const top = pool.slice(0, Math.max(limit, 1) + 1);

    const queryNorm = squaredNorm(queryTerms.keys(), idfOf);
    return top.slice(0, limit).map(({ doc, score }, rank) => {
      const rival = rank === 0 ? (top[1]?.score ?? 0) : top[0]!.score;
      // The question most like the query: a visitor asking in the words of a phrasing is as sure a
      // match as one asking in the title's.
      let similarity = 0;
      for (const question of questions[doc]!) {
        let shared = 0;
        for (const term of queryTerms.keys()) if (question.terms.has(term)) shared += idfOf(term) ** 2;
        if (queryNorm && question.norm) similarity = Math.max(similarity, shared / Math.sqrt(queryNorm * question.norm));
      }
      const margin = Math.max(0, (score - rival) / score) * Math.min(1, similarity / MARGIN_FULL_AT);
      return { entry: entries[doc]!, score, confidence: SIMILARITY_SHARE * similarity + (1 - SIMILARITY_SHARE) * margin };
    });
  }

  return { search, size: n, entries };
}

/**
 * `termCounts[entry][field]`: each field's terms with their counts; `phrasingCounts[entry]`: its
 * phrasings' terms; `langs[entry]`: its language.
 * A field's length is normalised against the average of entries in the same language: Chinese
 * text yields about three terms per character (the character, a bigram, often a word) where
 * English yields one per word, so against one shared average every Chinese entry would look long
 * and lose to an English one that says the same (`iPhone 15 保护壳有哪些尺寸？` against `iPhone 15
 * case: which sizes?`), more than the visitor-language boost makes up for. A phrasing is
 * normalised like a title, against the titles' average (phrasings leave that average alone, so an
 * entry without phrasings scores exactly as it would in a knowledge base that has none).
 */
function* buildPostings(
  termCounts: readonly Map<string, number>[][],
  phrasingCounts: readonly Map<string, number>[][],
  langs: readonly string[],
  fields: Field[],
  k1: number,
  termWeight: (term: string) => number,
): Steps<Map<string, Postings>> {
  const n = termCounts.length;
  const lengths = termCounts.map((perField) => perField.map(sumCounts));
  const avgLengthByLang = new Map<string, number[]>();
  for (const lang of new Set(langs)) {
    const docs = lengths.filter((_, doc) => langs[doc] === lang);
    avgLengthByLang.set(lang, fields.map((_, f) => docs.reduce((sum, l) => sum + l[f]!, 0) / docs.length || 1));
  }
  yield;

  const lists = new Map<string, { docs: number[]; weights: number[] }>();
  for (let doc = 0; doc < n; doc++) {
    const avg = avgLengthByLang.get(langs[doc]!)!;
    // A field's term frequency, weighted and length-normalised.
    const fieldTf = (f: number, length: number, tf: number) => {
      const { weight, b } = fields[f]!;
      return (weight * tf) / (1 - b + (b * length) / avg[f]!);
    };
    const pseudoTf = new Map<string, number>();
    termCounts[doc]!.forEach((counts, f) => {
      for (const [term, tf] of counts) pseudoTf.set(term, (pseudoTf.get(term) ?? 0) + fieldTf(f, lengths[doc]![f]!, tf));
    });
    const phrasings = phrasingCounts[doc]!;
    if (phrasings.length > 0) {
      // The question field's frequency of each term: its best over the title and the phrasings.
      const question = new Map<string, number>();
      for (const [term, tf] of termCounts[doc]![TITLE]!) question.set(term, fieldTf(TITLE, lengths[doc]![TITLE]!, tf));
      for (const counts of phrasings) {
        const length = sumCounts(counts);
        for (const [term, tf] of counts) {
          const best = question.get(term) ?? 0;
          const here = fieldTf(TITLE, length, tf);
          if (here <= best) continue;
          question.set(term, here);
          pseudoTf.set(term, (pseudoTf.get(term) ?? 0) + here - best);
        }
      }
    }
    for (const [term, tf] of pseudoTf) {
      let list = lists.get(term);
      if (!list) lists.set(term, (list = { docs: [], weights: [] }));
      list.docs.push(doc);
      list.weights.push(((k1 + 1) * tf) / (k1 + tf));
    }
    yield;
  }

  const postings = new Map<string, Postings>();
  let built = 0;
  for (const [term, { docs, weights }] of lists) {
    postings.set(term, {
      docs: Uint32Array.from(docs),
      weights: Float32Array.from(weights),
      idf: idf(n, docs.length),
      termWeight: termWeight(term),
    });
    if (++built % 256 === 0) yield;
  }
  return postings;
}

/** The share of an entry's topics that the query does not contain (0 when it has none). */
function uncoveredShare(topics: readonly string[], queryTerms: Map<string, number>): number {
  if (topics.length === 0) return 0;
  let missing = 0;
  for (const topic of topics) if (!queryTerms.has(topic)) missing++;
  return missing / topics.length;
}

function squaredNorm(terms: Iterable<string>, idfOf: (term: string) => number): number {
  let sum = 0;
  for (const term of terms) sum += idfOf(term) ** 2;
  return sum;
}

/** BM25's IDF with the +1 inside the log (Lucene's form): never negative, even for common terms. */
function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function countTerms(terms: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

function sumCounts(counts: Map<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}
