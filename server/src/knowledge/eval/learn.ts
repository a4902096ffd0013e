/**
 * The eval's learning mode (`npm run eval -- --learn FILE` / `--learn-split`): labelled questions
 * are accepted as phrasings of their gold entries through `learnPhrasings`, the code path of an
 * admin accepting a proposal in the console, and other questions are scored before and after.
 *
 * The questions learned and the questions scored must be different ones: a question scored after
 * being learned is found by its own words, which says nothing about the next visitor. The split
 * mode cuts a labelled set in two by a hash of each question's id (deterministic, independent of
 * file order and of the questions' text), and `assertDisjoint` refuses any overlap either way.
 */
import { createHash } from 'node:crypto';
import type { AnswerThresholds } from '../../ai/offline-responder.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { learnPhrasings, type LearningStore, type PhrasingToLearn } from '../learning/learn-phrasing.js';
import { evaluate, type EvalQuery, type EvalReport } from './evaluate.js';

/** Bumping it reshuffles the halves: keep it fixed so figures stay comparable across runs. */
export const LEARN_SPLIT_SALT = 'learn-split-v1';

/**
 * Half A (learned) and half B (scored): a question is in A iff the first 32 bits of
 * sha1(salt + ":" + id) are below 2^31. Every question needs a unique id.
 */
export function splitById(queries: readonly EvalQuery[], salt = LEARN_SPLIT_SALT): { learn: EvalQuery[]; score: EvalQuery[] } {
  const learn: EvalQuery[] = [];
  const score: EvalQuery[] = [];
  const seen = new Set<string>();
  queries.forEach((q, i) => {
    if (q.id === undefined || q.id === '') throw new Error(`query ${i + 1} has no id: the split is by id`);
    if (seen.has(q.id)) throw new Error(`query id ${q.id} appears twice: the split is by id`);
    seen.add(q.id);
    const bucket = createHash('sha1').update(`${salt}:${q.id}`).digest().readUInt32BE(0);
    (bucket < 2 ** 31 ? learn : score).push(q);
  });
  return { learn, score };
}

const sameText = (text: string) => text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}]+/gu, ' ').trim();

/** Throws when a question is both learned and scored: by id (when both have one) or by its text. */
export function assertDisjoint(learned: readonly EvalQuery[], scored: readonly EvalQuery[]): void {
  const ids = new Set(learned.flatMap((q) => (q.id ? [q.id] : [])));
  const texts = new Set(learned.map((q) => sameText(q.query)));
  const overlap = scored.filter((q) => (q.id && ids.has(q.id)) || texts.has(sameText(q.query)));
  if (overlap.length > 0) {
    throw new Error(
      `${overlap.length} question(s) are both learned and scored, e.g. ${JSON.stringify(overlap[0]!.id ?? overlap[0]!.query)}: learn from other questions than those scored`,
    );
  }
}

/**
 * Each answerable question as a phrasing of its first gold entry (an admin attaches a question to
 * one entry); questions without gold have nothing to be learned as.
 */
export function phrasingsFrom(queries: readonly EvalQuery[]): PhrasingToLearn[] {
  return queries.flatMap((q) => (q.gold.length > 0 ? [{ entryId: q.gold[0]!, phrasing: q.query }] : []));
}

export interface LearningReport {
  /** Questions in the learning set, and the phrasings they added (repeats and unanswerable ones add none). */
  learned: { questions: number; phrasings: number };
  /** The scored questions before learning; its `baseline` is plain BM25 on the same questions. */
  before: EvalReport;
  /** The same questions after learning. */
  after: EvalReport;
}

/**
 * Scores `score`, accepts `learn` as phrasings through `learnPhrasings` (the store and the
 * knowledge base must be wired with `storeKnowledgeSources(store)`, as in the server), and scores
 * `score` again on the rebuilt index.
 */
export async function evaluateLearning({
  store,
  knowledge,
  learn,
  score,
  thresholds,
  minPrecision,
}: {
  store: LearningStore;
  knowledge: KnowledgeBase;
  learn: readonly EvalQuery[];
  score: readonly EvalQuery[];
  thresholds?: AnswerThresholds;
  minPrecision?: number;
}): Promise<LearningReport> {
  assertDisjoint(learn, score);
  const run = () => evaluate({ entries: knowledge.entries, queries: score, retriever: knowledge.snapshot.retriever, thresholds, minPrecision });
  const before = await run();
  const { added } = await learnPhrasings({ store, knowledge }, phrasingsFrom(learn), { by: 'npm run eval -- --learn', reason: 'eval: labelled questions learned' });
  const after = await run();
  return { learned: { questions: learn.length, phrasings: added }, before, after };
}
