import {
  agentConversationRefSchema,
  agentMoveSchema,
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
  { conversations, routing, audit }: AgentNamespaceDeps,
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
    command(context, agentTransferSchema, async ({ conversationId, agentId, handledBy }) => {
      const view = await conversations.toAgentView(await routing.transfer(agent, conversationId, agentId, handledBy));
      await audit.record(agent, 'conversation.transferred', { type: 'conversation', id: conversationId }, {
        toAgentId: agentId,
        toAgentName: view.assignedAgentName ?? null,
      });
      return { conversation: view };
    }),
  );

  socket.on(
    'conversation:handback',
    command(context, agentMoveSchema, async ({ conversationId, handledBy }) => {
      const returned = await routing.handBack(agent, conversationId, handledBy);
      const [view] = await Promise.all([
        conversations.toAgentView(returned),
        audit.record(agent, 'conversation.handed_back', { type: 'conversation', id: conversationId }),
      ]);
      return { conversation: view };
    }),
  );

  socket.on(
    'conversation:reopen',
    command(context, agentConversationRefSchema, async ({ conversationId }) => {
      const reopened = await routing.reopen(agent, conversationId);
      const [view] = await Promise.all([
        conversations.toAgentView(reopened),
        audit.record(agent, 'conversation.reopened', { type: 'conversation', id: conversationId }),
      ]);
      return { conversation: view };
    }),
  );

  socket.on(
    'conversation:read',
    command(context, agentReadSchema, async ({ conversationId, seq }) => {
      await conversations.markAgentRead(agent.id, conversationId, seq);
      return null;
    }),
  );
}
