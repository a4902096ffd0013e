/**
 * The honest answer when the knowledge does not answer the question, shared by every responder
 * so the visitor hears the same thing whether or not a model was involved: say so, offer the
 * closest questions we do have, and offer a person.
 */
import type { AnswerProvenance, Locale } from '@support-chat/shared';
import type { KnowledgeLang, RetrievalHit } from '../knowledge/types.js';
import type { ResponderAnswer } from './types.js';

/** Enough to spot the right one at a glance; more is a wall of buttons on a phone. */
const MAX_SUGGESTIONS = 3;

const TEXT: Record<Locale, { withSuggestions: string; alone: string }> = {
  en: {
    withSuggestions:
      "I couldn't find an answer to that in our help center. Is your question one of these? If not, I can connect you with a person.",
    alone: "I couldn't find an answer to that in our help center. I can connect you with a person who can help.",
  },
  'zh-CN': {
    withSuggestions: '抱歉，我在帮助中心没有找到这个问题的答案。您想问的是下面的问题吗？如果不是，我可以为您转接人工客服。',
    alone: '抱歉，我在帮助中心没有找到这个问题的答案。我可以为您转接人工客服。',
  },
};

export function knowledgeLang(locale: Locale): KnowledgeLang {
  return locale === 'zh-CN' ? 'zh' : 'en';
}

/**
 * The titles of the closest entries, best first, those in the visitor's language before the
 * others (a Chinese visitor can tap a Chinese question), without repeats.
 */
export function suggestionsFrom(hits: readonly RetrievalHit[], locale: Locale, max = MAX_SUGGESTIONS): string[] {
  const lang = knowledgeLang(locale);
  const ordered = [...hits.filter((h) => h.entry.lang === lang), ...hits.filter((h) => h.entry.lang !== lang)];
  return [...new Set(ordered.map((h) => h.entry.title))].slice(0, max);
}

export function notFoundAnswer(
  locale: Locale,
  hits: readonly RetrievalHit[],
  provenance: Omit<AnswerProvenance, 'answered' | 'passageIds' | 'scores'>,
): ResponderAnswer {
  const suggestions = suggestionsFrom(hits, locale);
  return {
    text: suggestions.length ? TEXT[locale].withSuggestions : TEXT[locale].alone,
    sources: [],
    suggestions,
    provenance: {
      ...provenance,
      passageIds: hits.map((h) => h.entry.id),
      scores: hits.map((h) => h.score),
      answered: false,
    },
  };
}
