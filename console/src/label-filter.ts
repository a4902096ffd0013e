import type { AgentConversation } from '@support-chat/shared';
import type { SearchState } from './console-state.js';

/**
 * Keeps an inbox filtered by a label live (issue 13): a conversation that gets the label joins
 * the list (when only the label filters it, so it surely belongs), one that loses it leaves.
 * `results` already holds `changed`'s new version where it was listed.
 */
export function labelFilterUpdated(
  search: Pick<SearchState, 'label' | 'query' | 'from' | 'to'>,
  results: readonly AgentConversation[],
  changed: AgentConversation,
): readonly AgentConversation[] {
  const label = search.label;
  if (!label) return results;
  const listed = results.some((r) => r.id === changed.id);
  const carries = changed.labels.includes(label);
  if (listed && !carries) return results.filter((r) => r.id !== changed.id);
  const onlyLabel = !search.query && search.from === undefined && search.to === undefined;
  if (!listed && carries && onlyLabel) return [changed, ...results];
  return results;
}
