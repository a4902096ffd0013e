/** What integrations see of conversations and messages (REST API and webhooks, issue 13). */
import type { ApiConversation, ApiMessage, ChatMessage } from '@support-chat/shared';
import type { ConversationRecord } from '../store/types.js';

export function toApiConversation(c: ConversationRecord): ApiConversation {
  return {
    id: c.id,
    visitorId: c.visitorId,
    status: c.status,
    assignedAgentId: c.assignedAgentId,
    locale: c.locale,
    context: c.context,
    lastSeq: c.lastSeq,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    queuedAt: c.queuedAt,
    closedAt: c.closedAt,
    handoffReason: c.handoffReason ?? null,
    rating: c.rating ?? null,
    labels: c.labels ?? [],
  };
}

/** Notes never leave the team; the AI's provenance neither (null for a note). */
export function toApiMessage(m: ChatMessage): ApiMessage | null {
  if (m.kind === 'note') return null;
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    author: m.author,
    kind: m.kind,
    ...(m.authorName ? { authorName: m.authorName } : {}),
    text: m.text,
    // A file's message is its name alone: integrations saw "kettle.png" and could not tell it was a file (a probe).
    ...(m.attachment ? { attachment: m.attachment } : {}),
    // An integration hearing its own posts in webhooks could answer itself for ever: it can tell them.
    ...(m.apiTokenId ? { apiTokenId: m.apiTokenId } : {}),
    createdAt: m.createdAt,
  };
}
