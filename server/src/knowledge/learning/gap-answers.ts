/**
 * Which of the unanswered questions the knowledge answers now. A gap stays in the record of what
 * the AI could not answer when it was asked, but once an entry was written for it, a proposal
 * accepted or its wording learned as a phrasing, it is no longer work to do: the console listed
 * it beside the open gaps as if nothing had happened (a support team's probe).
 *
 * "Answers" is the offline responder's own decision (`offlineCandidates` at the visitors'
 * thresholds), by the words alone: no model call per gap. It is asked only where that responder
 * is the one answering visitors (app.ts): then a gap was a question under the threshold when
 * asked, and over it now means the knowledge changed. A model's gap may have had a confident
 * match it judged insufficient; marking it would hide a real gap (a review).
 */
import type { KnowledgeGapGroup } from '@support-chat/shared';
import { looksChinese } from '@support-chat/shared';
import { offlineAnswerHit, offlineCandidates } from '../../ai/offline-responder.js';
import type { KnowledgeLang, Retriever } from '../types.js';

/** At most this long on the event loop at a time; chats go on between slices. */
const SLICE_MS = 10;

export type AnswerThreshold = (lang: KnowledgeLang) => number;

/**
 * The groups with `answeredBy` set where the knowledge answers the leading wording now, the open
 * ones first (most asked first within each, as given).
 */
export async function markAnsweredGaps(
  groups: readonly KnowledgeGapGroup[],
  retriever: Retriever,
  threshold: AnswerThreshold,
): Promise<KnowledgeGapGroup[]> {
  const marked: KnowledgeGapGroup[] = [];
  let sliceEnds = performance.now() + SLICE_MS;
  for (const group of groups) {
    const lang: KnowledgeLang = looksChinese(group.question) ? 'zh' : 'en';
    const answer = offlineAnswerHit(await offlineCandidates(retriever, group.question, { lang, lexicalOnly: true }, threshold), threshold);
    marked.push(answer ? { ...group, answeredBy: { entryId: answer.hit.entry.id, title: answer.hit.entry.title } } : group);
    if (performance.now() >= sliceEnds) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceEnds = performance.now() + SLICE_MS;
    }
  }
  return [...marked.filter((g) => !g.answeredBy), ...marked.filter((g) => g.answeredBy)];
}
