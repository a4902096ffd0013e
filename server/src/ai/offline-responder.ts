/**
 * Answers from the knowledge base alone, with no model: when the retriever is confident about
 * one entry, its answer verbatim, with the entry as the source; otherwise the honest "not found"
 * with the closest questions as suggestions. Runs when no model is configured and whenever the
 * model fails (see fallback-responder.ts).
 */
import type { Source } from '@support-chat/shared';
import type { KnowledgeEntry, KnowledgeLang, RetrievalHit, Retriever, SearchOptions } from '../knowledge/types.js';
import { knowledgeLang, notFoundAnswer } from './not-found.js';
import { throwIfAborted } from './responder-error.js';
import type { Responder, ResponderAnswer, ResponderRequest } from './types.js';

/**
 * The retriever confidence (see knowledge/bm25-index.ts) above which the top entry is given as
 * the answer. Precision first: an offline answer is an entry's text word for word, with no model
 * to notice it answers a different question, while an unsure reply still offers the entry as a
 * suggestion one tap away. On the StackFAQ dev set, with the gold entry removed to play questions
 * the knowledge cannot answer, 0.4 answered 3% of those and 4% of questions whose top hit was
 * wrong, while answering 50% of those whose top hit was right.
 */
export const ANSWER_MIN_CONFIDENCE = 0.4;

/**
 * Chinese needs more: the confidence separates right from wrong top hits less well there (AUC
 * 0.63 on AFQMC against 0.84 on StackFAQ; single characters make unrelated questions look
 * alike). On the AFQMC dev set (with synonyms, topic coverage and half-weight multi-character
 * terms in the ranking), answers were right as labelled 60% of the time at 0.4, 86% at 0.5 and
 * 100% at 0.55 (coverage 9%, 3%, 2%).
 * Many of the "wrong" ones are unlabelled paraphrases, but a visitor cannot know that, and below
 * the threshold they still get the entry as a suggestion one tap away.
 */
export const ANSWER_MIN_CONFIDENCE_ZH = 0.55;

/** Hits fetched per question: the answer candidate plus enough for suggestions in either language. */
export const OFFLINE_CANDIDATES = 6;

/**
 * The answer thresholds per language of the entry that would answer. Operators set them with
 * OFFLINE_ANSWER_MIN_CONFIDENCE and OFFLINE_ANSWER_MIN_CONFIDENCE_ZH (config.ts); `npm run eval`
 * prints what each value costs in answer rate and precision.
 */
export interface AnswerThresholds {
  en: number;
  zh: number;
}

export const DEFAULT_ANSWER_THRESHOLDS: Readonly<AnswerThresholds> = { en: ANSWER_MIN_CONFIDENCE, zh: ANSWER_MIN_CONFIDENCE_ZH };

/**
 * An agent's AI draft (the `d` shortcut) is read before it goes, with its source's title beside
 * it: a wrong one costs a click to discard, none costs writing the reply. So it is offered from a
 * lower confidence than a visitor's answer: at 0.2 the top hit was right 87% of the time on the
 * StackFAQ dev set (72% of questions drafted, against 38% answered at 0.4) and 44% on AFQMC (57%
 * drafted, where 2% are answered at 0.55 and many of the "wrong" are unlabelled paraphrases). A
 * probe's agent was told the knowledge had nothing for 你好，请问我的退款什么时候到账？, whose
 * entry (退款多久到账？) was the top hit at 0.26.
 */
export const DRAFT_MIN_CONFIDENCE = 0.2;

/** The thresholds of drafts: DRAFT_MIN_CONFIDENCE, or the visitors' where an operator set those lower. */
export function draftThresholds(answer: Readonly<AnswerThresholds> = DEFAULT_ANSWER_THRESHOLDS): AnswerThresholds {
  return { en: Math.min(answer.en, DRAFT_MIN_CONFIDENCE), zh: Math.min(answer.zh, DRAFT_MIN_CONFIDENCE) };
}

export interface OfflineResponderOptions {
  retriever: Retriever;
  /** One threshold for every language (tests); overrides `thresholds`. */
  minConfidence?: number;
  /** Defaults to DEFAULT_ANSWER_THRESHOLDS. */
  thresholds?: AnswerThresholds;
}

/** Clauses of one message asked alone, at most: a pasted page is not searched line by line. */
const MAX_CLAUSES = 4;

/** A lead-in before a sentence's first comma: "Thanks, …", "Hi there, …" (words), "另外，…" (characters). */
const LEAD_IN = /^([^,，、،]{1,12})[,，、،]\s*(\S.*)$/su;
const LEAD_IN_MAX_WORDS = 2;
const LEAD_IN_MAX_HAN = 4;
const HAN = /\p{Script=Han}/u;

/**
 * Where a message splits into sentences: after ! ? 。！？؟…; ；and a line break, after a dot or a
 * colon followed by a space ("2.5 kg" and "10:30" stay whole), after a full-width colon, and at a
 * dash between spaces or a Chinese dash (——).
 */
const SENTENCE_END = /(?<=[!?！？؟。…；;\n])|(?<=[.:])(?=\s)|(?<=：)|\s[-–—]\s|——/;
const QUESTION_MARK = /[?？؟]$/;

/**
 * The parts of a visitor's message that may be its question, to be asked alone when the whole
 * message is not a confident match. A lead-in or a sentence before the question ("Hi, quick
 * question: how do I return an item?", "谢谢。另外，运费怎么算？") adds words no entry's
 * question has, which lowers the whole message's similarity under the threshold: with such
 * lead-ins put before the StackFAQ dev questions, the offline responder answered 105–107 of 358
 * instead of 136. Only what reads as the question: the sentences ending in a question mark, and
 * the last sentence, each also without a short lead-in before its first comma; never a statement
 * before the question ("I already reset my password: it still fails." asks only its last part),
 * nearest the end first (questions come last), and none of fewer than two letters or digits.
 */
export function questionClauses(text: string): string[] {
  const whole = text.trim();
  const sentences = whole
    .split(SENTENCE_END)
    .map((part) => part.trim())
    .filter(Boolean);
  const clauses = new Set<string>();
  for (const [i, sentence] of [...sentences.entries()].reverse()) {
    if (i !== sentences.length - 1 && !QUESTION_MARK.test(sentence)) continue;
    clauses.add(sentence);
    const lead = LEAD_IN.exec(sentence);
    if (lead && (HAN.test(lead[1]!) ? lead[1]!.trim().length <= LEAD_IN_MAX_HAN : lead[1]!.trim().split(/\s+/).length <= LEAD_IN_MAX_WORDS)) {
      clauses.add(lead[2]!);
    }
  }
  clauses.delete(whole);
  return [...clauses].filter((clause) => clause.replace(/[^\p{L}\p{N}]/gu, '').length >= 2).slice(0, MAX_CLAUSES);
}

/** A clause's top hit, and the clause. */
export interface ClauseHit {
  hit: RetrievalHit;
  text: string;
}

/** What the offline responder decides from: the whole message's hits, and the best of its clauses' top hits. */
export interface OfflineCandidates {
  /** The whole message's hits: its top hit is the answer when confident, the rest suggestions. */
  hits: RetrievalHit[];
  /** The clause (`questionClauses`) whose top hit is furthest above (or least below) its language's threshold; null when none was asked. */
  clause: ClauseHit | null;
}

/** How far a hit is over the threshold of its language (below: negative): how hits of two languages compare. */
const overThreshold = (hit: RetrievalHit | undefined, threshold: (lang: KnowledgeLang) => number) =>
  hit ? (hit.confidence ?? 0) - threshold(hit.entry.lang) : -Infinity;

/**
 * Searches the whole message and, when its top hit does not reach `threshold` (for the hit's
 * language; `clauses: 'always'` for the eval, which sweeps every threshold), each clause: a
 * message answered as a whole is answered as before. Clauses are searched by their words alone
 * (`lexicalOnly`): their answer is decided on the lexical confidence, and a model call per clause
 * would multiply the wait when the embeddings provider is down, as it is when this responder
 * stands in for the model.
 */
export async function offlineCandidates(
  retriever: Retriever,
  question: string,
  options: Pick<SearchOptions, 'lang' | 'signal' | 'lexicalOnly'>,
  threshold: (lang: KnowledgeLang) => number,
  clauses: 'when-unsure' | 'always' = 'when-unsure',
): Promise<OfflineCandidates> {
  const hits = await retriever.search(question, { ...options, limit: OFFLINE_CANDIDATES });
  let clause: ClauseHit | null = null;
  if (clauses === 'when-unsure' && overThreshold(hits[0], threshold) >= 0) return { hits, clause };
  for (const text of questionClauses(question)) {
    throwIfAborted(options.signal);
    const [hit] = await retriever.search(text, { ...options, limit: 1, lexicalOnly: true });
    if (hit && overThreshold(hit, threshold) > overThreshold(clause?.hit, threshold)) clause = { hit, text };
  }
  return { hits, clause };
}

/** The answer at these thresholds, or null (not found): the whole message's top hit first, then the clause's. */
export function offlineAnswerHit({ hits, clause }: OfflineCandidates, threshold: (lang: KnowledgeLang) => number): { hit: RetrievalHit; matched?: string } | null {
  if (overThreshold(hits[0], threshold) >= 0) return { hit: hits[0]! };
  if (clause && overThreshold(clause.hit, threshold) >= 0) return { hit: clause.hit, matched: clause.text };
  return null;
}

export function createOfflineResponder({ retriever, minConfidence, thresholds = DEFAULT_ANSWER_THRESHOLDS }: OfflineResponderOptions): Responder {
  const threshold = (lang: KnowledgeLang) => minConfidence ?? thresholds[lang];
  return {
    name: 'offline',
    usesHistory: false,
    async answer(request: ResponderRequest): Promise<ResponderAnswer> {
      const started = performance.now();
      throwIfAborted(request.signal);
      const candidates = await offlineCandidates(retriever, request.question, { lang: knowledgeLang(request.locale), signal: request.signal }, threshold);
      throwIfAborted(request.signal);
      const answer = offlineAnswerHit(candidates, threshold);
      if (!answer) {
        return notFoundAnswer(request.locale, candidates.hits, { responder: 'offline', latencyMs: performance.now() - started });
      }
      // No tokens: the answer is complete at once, so it reaches the visitor in one frame, the
      // stored message. Streaming it in pieces only cost frames (issue 9); a model streams.
      const { hit, matched } = answer;
      return {
        text: hit.entry.body,
        sources: [sourceOf(hit.entry)],
        provenance: {
          responder: 'offline',
          passageIds: [hit.entry.id],
          scores: [hit.score],
          answered: true,
          latencyMs: performance.now() - started,
          // Answered from a part of the message: the agent reading the transcript sees which.
          ...(matched ? { matched } : {}),
        },
      };
    },
  };
}

export function sourceOf(entry: KnowledgeEntry): Source {
  return { id: entry.id, title: entry.title, url: entry.url };
}
