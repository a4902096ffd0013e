/**
 * Which webhook event a chat row makes, and its data: one place for the bus listener
 * (webhooks.ts), which queues it as the row is stored, and the catch-up (webhook-catch-up.ts),
 * which queues it later when the listener never did. Both give it the row's id as the event's id,
 * so an event queued by both is one delivery per hook (the queue is unique by hook and event).
 */
import type { ChatMessage, WebhookEventType, WebhookPayload } from '@support-chat/shared';
import type { ConversationRecord } from '../store/types.js';
import { toApiConversation, toApiMessage } from './api-views.js';

export interface ChatEvent {
  type: WebhookEventType;
  /** The message's id, or the new conversation's. */
  id: string;
  /** Built only when a hook listens: this runs per message. */
  data: () => WebhookPayload['data'];
}

/**
 * A text message's `message.created`, or an assignment's, a close's or a hand-off's line (the
 * "waiting for a person" line with the reason it came to people; a requeue's has none); null for
 * the rest.
 */
export function messageEvent(message: ChatMessage, conversation: ConversationRecord): ChatEvent | null {
  const event = message.event;
  const id = message.id;
  if (message.kind === 'text') {
    // A text message always has its API view (only notes have none).
    return { type: 'message.created', id, data: () => ({ conversation: toApiConversation(conversation), message: toApiMessage(message)! }) };
  }
  if (event?.type === 'assigned') {
    return { type: 'conversation.assigned', id, data: () => ({ conversation: toApiConversation(conversation), agent: { id: conversation.assignedAgentId, name: event.agentName } }) };
  }
  if (event?.type === 'closed') return { type: 'conversation.closed', id, data: () => ({ conversation: toApiConversation(conversation) }) };
  if (event?.type === 'queued' && event.reason) {
    const reason = event.reason;
    return { type: 'conversation.handed_off', id, data: () => ({ conversation: toApiConversation(conversation), reason }) };
  }
  return null;
}

/**
 * A rating's id: the conversation's and when it was rated, so the listener and the catch-up give
 * it the same one (a changed rating, given later, is another event).
 */
export const ratedEventId = (conversationId: string, ratedAt: number) => `${conversationId}:rated:${ratedAt}`;

/** A rating's `conversation.rated` (the conversation carries it). */
export function ratedEvent(conversation: ConversationRecord): ChatEvent | null {
  if (!conversation.rating) return null;
  return { type: 'conversation.rated', id: ratedEventId(conversation.id, conversation.rating.ratedAt), data: () => ({ conversation: toApiConversation(conversation) }) };
}

export function conversationCreatedEvent(conversation: ConversationRecord): ChatEvent {
  return { type: 'conversation.created', id: conversation.id, data: () => ({ conversation: toApiConversation(conversation) }) };
}
