/** Builders for console tests: a conversation or message with only the fields a test cares about. */
import type { AgentConversation, ChatMessage } from '@support-chat/shared';

export function conv(id: string, patch: Partial<AgentConversation> = {}): AgentConversation {
  return {
    id,
    visitorId: `visitor-${id}`,
    status: 'bot',
    lastSeq: 0,
    context: {},
    createdAt: 1_000,
    updatedAt: 1_000,
    labels: [],
    ...patch,
  };
}

export function msg(conversationId: string, seq: number, patch: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `${conversationId}-m${seq}`,
    conversationId,
    seq,
    author: 'visitor',
    kind: 'text',
    text: `message ${seq}`,
    createdAt: 1_000 + seq,
    ...patch,
  };
}
