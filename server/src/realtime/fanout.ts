import type { DomainEventBus } from '../conversations/events.js';
import { forVisitor, type ConversationService } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import { rooms } from './rooms.js';
import type { AgentNamespace, VisitorNamespace } from './types.js';

/**
 * Turns domain events into socket events: visitors hear about their own conversation (never
 * internal notes), agents watching a conversation hear everything in it, and every agent's inbox
 * hears about every change.
 */
export function connectFanout({
  bus,
  conversations,
  store,
  visitors,
  agents,
  logger,
}: {
  bus: DomainEventBus;
  conversations: ConversationService;
  store: Store;
  visitors: VisitorNamespace;
  agents: AgentNamespace;
  logger: Logger;
}): () => void {
  const report = (error: unknown) => logger.error({ err: error }, 'fan-out failed');

  /** Places and estimated waits moved: every queued visitor (and the inbox) hears theirs. */
  const resendQueue = async (except?: string) => {
    // Read in queue order, each place is its index: no per-conversation position query.
    const queue = await store.listConversations({ statuses: ['queued'], order: 'queue', limit: 500 });
    for (const [index, other] of queue.entries()) {
      if (other.id === except) continue;
      const known = { queuePosition: index + 1 };
      visitors.to(rooms.visitor(other.visitorId)).emit('conversation:updated', await conversations.toVisitorView(other, known));
      agents.to(rooms.agents).emit('conversation:updated', await conversations.toAgentView(other, known));
    }
  };

  const offs = [
    bus.on('messageCreated', (message, conversation) => {
      if (message.kind !== 'note') visitors.to(rooms.visitor(conversation.visitorId)).emit('message:created', forVisitor(message));
      agents.to(rooms.watching(conversation.id)).emit('message:created', message);
      conversations
        .toAgentView(conversation, { lastMessage: message })
        .then((view) => agents.to(rooms.agents).emit('conversation:updated', view))
        .catch(report);
    }),
    bus.on('messageUpdated', (message) => {
      agents.to(rooms.watching(message.conversationId)).emit('message:updated', message);
    }),
    bus.on('conversationChanged', (conversation) => {
      void (async () => {
        visitors
          .to(rooms.visitor(conversation.visitorId))
          .emit('conversation:updated', await conversations.toVisitorView(conversation));
        agents.to(rooms.agents).emit('conversation:updated', await conversations.toAgentView(conversation));
        // Everyone behind this conversation in the queue moved up (or down): tell them.
        await resendQueue(conversation.id);
      })().catch(report);
    }),
    bus.on('readStateChanged', (conversation) => {
      conversations
        .toAgentView(conversation)
        .then((view) => agents.to(rooms.agents).emit('conversation:updated', view))
        .catch(report);
    }),
    bus.on('availabilityChanged', (availability) => {
      visitors.emit('availability:changed', availability);
      // Agents online changed: so did every estimated wait.
      resendQueue().catch(report);
    }),
    bus.on('presenceChanged', (presence) => {
      agents.to(rooms.agents).emit('presence:changed', presence);
    }),
    bus.on('aiToken', ({ visitorId, conversationId, streamId, delta }) => {
      const event = { conversationId, streamId, delta };
      visitors.to(rooms.visitor(visitorId)).emit('ai:token', event);
      agents.to(rooms.watching(conversationId)).emit('ai:token', event);
    }),
    bus.on('aiStreamAborted', ({ visitorId, conversationId, streamId }) => {
      visitors.to(rooms.visitor(visitorId)).emit('ai:stream-aborted', { conversationId, streamId });
      agents.to(rooms.watching(conversationId)).emit('ai:stream-aborted', { conversationId, streamId });
    }),
  ];
  return () => offs.forEach((off) => off());
}
