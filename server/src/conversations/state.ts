import type { ConversationStatus } from '@support-chat/shared';

/**
 * Who may move a conversation where. `bot → queued → assigned → closed` is the main path; an agent
 * may also take over straight from the AI, and put a conversation back in the queue or hand it
 * back to the AI. A closed conversation stays closed: the visitor's next message starts a new one.
 * The one exception is explicit: an agent reopens it (`ConversationService.reopen`, closed → assigned).
 */
const TRANSITIONS: Record<ConversationStatus, readonly ConversationStatus[]> = {
  bot: ['queued', 'assigned', 'closed'],
  queued: ['assigned', 'bot', 'closed'],
  assigned: ['queued', 'bot', 'assigned', 'closed'],
  closed: [],
};

export function canTransition(from: ConversationStatus, to: ConversationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a conversation may be in for a move to `to` to be allowed. */
export function statusesAllowing(to: ConversationStatus): ConversationStatus[] {
  return (Object.keys(TRANSITIONS) as ConversationStatus[]).filter((from) => canTransition(from, to));
}

export function isOpen(status: ConversationStatus): boolean {
  return status !== 'closed';
}
