/**
 * The questions the AI could not answer, the same question in other words counted once
 * (issue 14), so the team writes the entries that matter most first. The store groups exact
 * repeats; this merges rewordings with the similarity the proposals use.
 */
import type { KnowledgeGap, KnowledgeGapGroup } from '@support-chat/shared';
import { NEAR_DUPLICATE, type QuestionSimilarity } from './similarity.js';

const VARIANTS_SHOWN = 5;

/**
 * Single-link: two wordings near each other are in one group, and so are their neighbours' (the
 * pairs are compared all against all, at most a few hundred gaps). Each group shows its most
 * asked wording (the latest on a tie), its total count and when it was last asked.
 */
export function groupGaps(gaps: readonly KnowledgeGap[], similarity: QuestionSimilarity): KnowledgeGapGroup[] {
  const ordered = [...gaps].sort((a, b) => b.count - a.count || b.lastAskedAt - a.lastAskedAt);
  const parent = ordered.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  for (let i = 0; i < ordered.length; i++) {
    for (let j = i + 1; j < ordered.length; j++) {
      if (root(i) !== root(j) && similarity(ordered[i]!.question, ordered[j]!.question) >= NEAR_DUPLICATE) parent[Math.max(root(i), root(j))] = Math.min(root(i), root(j));
    }
  }
  const groups = new Map<number, KnowledgeGapGroup>();
  ordered.forEach((gap, i) => {
    const group = groups.get(root(i));
    // The first of a group in `ordered` is its most asked wording: it leads.
    if (!group) {
      groups.set(root(i), { question: gap.question, count: gap.count, lastAskedAt: gap.lastAskedAt, conversationId: gap.conversationId, variants: [] });
      return;
    }
    group.count += gap.count;
    if (group.variants.length < VARIANTS_SHOWN) group.variants.push(gap.question);
    if (gap.lastAskedAt > group.lastAskedAt) {
      group.lastAskedAt = gap.lastAskedAt;
      group.conversationId = gap.conversationId;
    }
  });
  return [...groups.values()].sort((a, b) => b.count - a.count || b.lastAskedAt - a.lastAskedAt);
}
