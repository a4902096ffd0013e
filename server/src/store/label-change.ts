import { LABEL_LIMITS } from '@support-chat/shared';
import { ChatError } from '../errors.js';
import type { LabelChange } from './types.js';

/**
 * A conversation's labels after `change`: removals first, then additions, without repeats,
 * sorted (by code unit, the same in both stores). Both stores run it inside the transaction that
 * writes the result, so two agents labelling at once cannot lose each other's label or pass the
 * bound together. Throws `invalid_payload` past `LABEL_LIMITS.perConversation`.
 */
export function applyLabelChange(before: readonly string[], { add, remove }: LabelChange): { labels: string[]; added: string[]; removed: string[] } {
  const labels = [...new Set([...before.filter((l) => !remove.includes(l)), ...add])].sort();
  if (labels.length > LABEL_LIMITS.perConversation && labels.length > before.length) {
    throw new ChatError('invalid_payload', `labels: a conversation has at most ${LABEL_LIMITS.perConversation} labels; remove one first.`);
  }
  return { labels, added: labels.filter((l) => !before.includes(l)), removed: before.filter((l) => !labels.includes(l)) };
}
