import {
  agentConversationRefSchema,
  agentMoveSchema,
  agentHistorySchema,
  agentInboxFollowSchema,
  agentInboxListSchema,
  agentSendSchema,
  agentTypingSchema,
} from '@support-chat/shared/schemas';
import type { AgentNamespaceDeps } from './agent-namespace.js';
import { command, type HandlerContext } from './handler.js';
import { rooms } from './rooms.js';
import type { AgentSocket } from './types.js';

/** The agent's core moves on conversations: list, follow, open (watch), claim, reply, type, close. */
export function registerConversationHandlers(
  socket: AgentSocket,
  { conversations, routing, visitors, audit }: AgentNamespaceDeps,
  context: HandlerContext,
): void {
  const { agent } = socket.data;

  socket.on(
    'inbox:list',
    command(context, agentInboxListSchema, (page) => conversations.listInbox(agent.id, page)),
  );

  // Joined per socket: a console showing only its agent's own conversations and the queue does
  // not parse the rest of the team's rows every second (issue 9).
  socket.on(
    'inbox:follow',
    command(context, agentInboxFollowSchema, async ({ team }) => {
      await (team ? socket.join(rooms.teamRows) : socket.leave(rooms.teamRows));
      return null;
    }),
  );

  socket.on(
    'conversation:watch',
    command(context, agentHistorySchema, async ({ conversationId, afterSeq }) => {
      const conversation = await conversations.getConversation(conversationId);
      await socket.join(rooms.watching(conversationId));
      const messages = await conversations.history(conversationId, afterSeq);
      return { conversation: await conversations.toAgentView(conversation), messages };
    }),
  );

  socket.on(
    'conversation:unwatch',
    command(context, agentConversationRefSchema, async ({ conversationId }) => {
      await socket.leave(rooms.watching(conversationId));
      return null;
    }),
  );

  socket.on(
    'conversation:claim',
    command(context, agentConversationRefSchema, async ({ conversationId }) => {
      const conversation = await conversations.claim(conversationId, agent);
      // The entry is written while the view is built: it costs the ack no extra wait.
      const [view] = await Promise.all([
        conversations.toAgentView(conversation),
        audit.record(agent, 'conversation.claimed', { type: 'conversation', id: conversationId }),
      ]);
      return { conversation: view };
    }),
  );

  socket.on(
    'conversation:close',
    command(context, agentMoveSchema, async ({ conversationId, handledBy }) => {
      const closed = await routing.close(agent, conversationId, handledBy);
      const [view] = await Promise.all([
        conversations.toAgentView(closed),
        audit.record(agent, 'conversation.closed', { type: 'conversation', id: conversationId }),
      ]);
      return { conversation: view };
    }),
  );

  socket.on(
    'message:send',
    command(context, agentSendSchema, async (payload) => ({
      message: await conversations.postAgentMessage(agent, payload, socket.id),
    })),
  );

  socket.on(
    'typing:set',
    command(context, agentTypingSchema, async ({ conversationId, typing }) => {
      const conversation = await conversations.getConversation(conversationId);
      if (conversation.assignedAgentId === agent.id) {
        visitors
          .to(rooms.visitor(conversation.visitorId))
          .emit('typing:changed', { conversationId, author: 'agent', name: agent.name, typing });
      }
      return null;
    }),
  );
}
