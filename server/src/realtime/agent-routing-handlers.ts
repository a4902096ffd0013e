import {
  agentConversationRefSchema,
  agentInboxSchema,
  agentPresenceSchema,
  agentReadSchema,
  agentTransferSchema,
} from '@support-chat/shared/schemas';
import type { AgentNamespaceDeps } from './agent-namespace.js';
import { command, type HandlerContext } from './handler.js';
import type { AgentSocket } from './types.js';

/** Routing moves of the console (issue 4): presence, the team, transfer, hand back, reopen, read. */
export function registerRoutingHandlers(
  socket: AgentSocket,
  { conversations, routing }: AgentNamespaceDeps,
  context: HandlerContext,
): void {
  const { agent } = socket.data;

  socket.on(
    'presence:set',
    command(context, agentPresenceSchema, async ({ status }) => ({ presence: await routing.setPresence(agent.id, status) })),
  );

  socket.on(
    'team:list',
    command(context, agentInboxSchema, async () => ({ agents: await routing.teamList() })),
  );

  socket.on(
    'conversation:transfer',
    command(context, agentTransferSchema, async ({ conversationId, agentId }) => ({
      conversation: await conversations.toAgentView(await routing.transfer(agent, conversationId, agentId)),
    })),
  );

  socket.on(
    'conversation:handback',
    command(context, agentConversationRefSchema, async ({ conversationId }) => ({
      conversation: await conversations.toAgentView(await routing.handBack(agent, conversationId)),
    })),
  );

  socket.on(
    'conversation:reopen',
    command(context, agentConversationRefSchema, async ({ conversationId }) => ({
      conversation: await conversations.toAgentView(await routing.reopen(agent, conversationId)),
    })),
  );

  socket.on(
    'conversation:read',
    command(context, agentReadSchema, async ({ conversationId, seq }) => {
      await conversations.markAgentRead(agent.id, conversationId, seq);
      return null;
    }),
  );
}
