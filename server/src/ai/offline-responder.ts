/**
 * Answers from the knowledge base alone, with no model: when the retriever is confident about
 * one entry, its answer verbatim, with the entry as the source; otherwise the honest "not found"
 * with the closest questions as suggestions. Runs when no model is configured and whenever the
 * model fails (see fallback-responder.ts).
 */
import type { Source } from '@support-chat/shared';
import type { KnowledgeEntry, Retriever } from '../knowledge/types.js';
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

export interface OfflineResponderOptions {
  retriever: Retriever;
  /** One threshold for every language (tests); overrides `thresholds`. */
  minConfidence?: number;
  /** Defaults to DEFAULT_ANSWER_THRESHOLDS. */
  thresholds?: AnswerThresholds;
}

export function createOfflineResponder({ retriever, minConfidence, thresholds = DEFAULT_ANSWER_THRESHOLDS }: OfflineResponderOptions): Responder {
  return {
    name: 'offline',
    usesHistory: false,
    async answer(request: ResponderRequest): Promise<ResponderAnswer> {
      const started = performance.now();
      throwIfAborted(request.signal);
      const hits = await retriever.search(request.question, {
        limit: OFFLINE_CANDIDATES,
        lang: knowledgeLang(request.locale),
        signal: request.signal,
      });
      throwIfAborted(request.signal);
      const top = hits[0];
      const threshold = minConfidence ?? thresholds[top?.entry.lang ?? 'en'];
      if (!top || (top.confidence ?? 0) < threshold) {
        return notFoundAnswer(request.locale, hits, { responder: 'offline', latencyMs: performance.now() - started });
      }
      // No tokens: the answer is complete at once, so it reaches the visitor in one frame, the
      // stored message. Streaming it in pieces only cost frames (issue 9); a model streams.
      const text = top.entry.body;
      return {
        text,
        sources: [sourceOf(top.entry)],
        provenance: {
          responder: 'offline',
          passageIds: [top.entry.id],
          scores: [top.score],
          answered: true,
          latencyMs: performance.now() - started,
        },
      };
    },
  };
}

export function sourceOf(entry: KnowledgeEntry): Source {
  return { id: entry.id, title: entry.title, url: entry.url };
}
