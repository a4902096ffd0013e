/**
 * How alike two visitor questions are, for merging near-duplicate proposals and grouping the
 * knowledge gaps (issue 14): the retrieval's analyzer (stems, stopwords, Chinese bigrams and
 * the synonym concepts) in its comparing mode (no Chinese function words, tokenizer.ts HanMode),
 * each term weighted by the square of how rare it is among the
 * knowledge's questions (its IDF), compared as a weighted Jaccard (shared weight / combined
 * weight). Rarity matters: "Do you ship to Canada?" and "Do you ship to Mexico?" share the common
 * "ship" and differ on the rare place (0.17), while "Can I get my order shipped to Canada?"
 * shares the place and the shipping concept (0.52). Squared IDF separated the pairs of the test
 * better than plain IDF or a cosine.
 */
import type { Analyzer } from '../analyzer.js';
import type { KnowledgeSnapshot } from '../knowledge-base.js';

/**
 * Two questions at least this alike are the same question in other words. Chosen on the pairs of
 * similarity.test.ts (rewordings 0.52–1, different questions sharing words 0–0.41). Conservative
 * on purpose: a missed merge leaves two proposals for the admin, a wrong one hides a question.
 * Rewordings through words the synonyms do not know ("Is PayPal accepted?" / "Can I pay with
 * PayPal?", 0.33) stay apart.
 */
export const NEAR_DUPLICATE = 0.5;

export type QuestionSimilarity = (a: string, b: string) => number;

export function createQuestionSimilarity(analyze: Analyzer, questions: Iterable<string>): QuestionSimilarity {
  const df = new Map<string, number>();
  let n = 0;
  for (const question of questions) {
    n++;
    for (const term of new Set(analyze(question))) df.set(term, (df.get(term) ?? 0) + 1);
  }
  // A term no question of the knowledge uses is as rare as can be.
  const weight = (term: string) => Math.log(1 + (n + 1) / ((df.get(term) ?? 0) + 0.5)) ** 2;
  const cache = new Map<string, Map<string, number>>();
  const terms = (text: string) => {
    let found = cache.get(text);
    if (!found) {
      found = new Map([...new Set(analyze(text))].map((t) => [t, weight(t)]));
      if (cache.size > 5_000) cache.clear();
      cache.set(text, found);
    }
    return found;
  };
  return (a, b) => {
    const ta = terms(a);
    const tb = terms(b);
    let shared = 0;
    let all = 0;
    for (const [term, w] of ta) {
      if (tb.has(term)) shared += w;
      all += w;
    }
    for (const [term, w] of tb) if (!ta.has(term)) all += w;
    return all === 0 ? (a.trim().toLowerCase() === b.trim().toLowerCase() ? 1 : 0) : shared / all;
  };
}

const bySnapshot = new WeakMap<KnowledgeSnapshot, QuestionSimilarity>();

/** The similarity for the knowledge as indexed now (its analyzer, its questions' rarity), built once per index. */
export function similarityFor(snapshot: KnowledgeSnapshot): QuestionSimilarity {
  let similarity = bySnapshot.get(snapshot);
  if (!similarity) {
    similarity = createQuestionSimilarity(snapshot.compare, questionsOf(snapshot));
    bySnapshot.set(snapshot, similarity);
  }
  return similarity;
}

function* questionsOf(snapshot: KnowledgeSnapshot): Iterable<string> {
  for (const entry of snapshot.entries) {
    yield entry.title;
    yield* entry.phrasings ?? [];
  }
}
