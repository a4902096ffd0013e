import {
  agentConversationRefSchema,
  agentInboxSchema,
  agentLabelSchema,
  agentVisitorHistorySchema,
} from '@support-chat/shared/schemas';
import type { AgentNamespaceDeps } from './agent-namespace.js';
import { command, type HandlerContext } from './handler.js';
import type { AgentSocket } from './types.js';

/**
 * Labels and the visitor's history (issue 13). Any signed-in agent may open any conversation
 * (`conversation:watch`), so any agent may label it and read its visitor's other conversations:
 * the same rule, no new one.
 */
export function registerLabelHandlers(socket: AgentSocket, { conversations, labels }: AgentNamespaceDeps, context: HandlerContext): void {
  const { agent } = socket.data;

  socket.on(
    'conversation:label',
    command(context, agentLabelSchema, async ({ conversationId, add, remove }) => {
      const conversation = await labels.change(agent, conversationId, { add, remove }, 'agent');
      return { conversation: await conversations.toAgentView(conversation) };
    }),
  );

  socket.on(
    'labels:list',
    command(context, agentInboxSchema, async () => ({ labels: await labels.inUse() })),
  );

  socket.on(
    'conversation:history',
    command(context, agentVisitorHistorySchema, async ({ conversationId, cursor, limit }) =>
      labels.history(await conversations.getConversation(conversationId), { cursor, limit }),
    ),
  );

  // Read-only: no room is joined, so nothing of that conversation streams to this socket.
  socket.on(
    'conversation:transcript',
    command(context, agentConversationRefSchema, async ({ conversationId }) => {
      const conversation = await conversations.getConversation(conversationId);
      const messages = await conversations.history(conversationId);
      return { conversation: await conversations.toAgentView(conversation), messages };
    }),
  );
}
