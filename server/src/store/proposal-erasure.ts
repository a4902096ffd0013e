/**
 * What erasing a visitor (GDPR, issue 11) does to knowledge proposals (issue 14): each example
 * from one of their conversations is dropped, with its question, answer and conversation id. Both
 * stores apply this rule in the erasure's transaction.
 * - A proposal left with no example is deleted, whatever its status (an accepted one lives on as
 *   the entry or phrasing it made; the audit log keeps the decision).
 * - A proposal whose headline question is a dropped example's (the visitor's own words: a
 *   phrasing, or an entry written by the plain extract) takes its question, and for an entry
 *   its answer, from the oldest example left, so nothing of the erased conversation stays.
 *   (A model-written headline is a generalised question without personal details by design.)
 * - Its count loses the dropped conversations.
 */
import type { KnowledgeProposal } from '@support-chat/shared';

/** `undefined`: untouched; `null`: delete it; otherwise the proposal to write back. */
export function forgetConversations(proposal: KnowledgeProposal, erased: ReadonlySet<string>): KnowledgeProposal | null | undefined {
  const kept = proposal.examples.filter((e) => !erased.has(e.conversationId));
  if (kept.length === proposal.examples.length) return undefined;
  if (kept.length === 0) return null;
  const dropped = proposal.examples.filter((e) => erased.has(e.conversationId));
  const headlineErased = dropped.some((e) => e.question === proposal.question);
  const heir = kept[0]!;
  return {
    ...proposal,
    examples: kept,
    count: Math.max(kept.length, proposal.count - dropped.length),
    ...(headlineErased ? { question: heir.question, ...(proposal.kind === 'entry' ? { answer: heir.answer } : {}) } : {}),
  };
}
