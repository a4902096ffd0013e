import { agentConversationRefSchema, agentInboxSchema, agentNoteSchema, agentSearchSchema } from '@support-chat/shared/schemas';
import type { AgentNamespaceDeps } from './agent-namespace.js';
import { command, type HandlerContext } from './handler.js';
import type { AgentSocket } from './types.js';

/** How long an agent waits for an AI draft before being told to write it themselves. */
const DRAFT_TIMEOUT_MS = 20_000;

/** The agent's workspace: search, internal notes, AI drafts, canned replies. */
export function registerWorkspaceHandlers(
  socket: AgentSocket,
  { conversations, router, store }: AgentNamespaceDeps,
  context: HandlerContext,
): void {
  const { agent } = socket.data;

  socket.on(
    'inbox:search',
    command(context, agentSearchSchema, async ({ query, status, from, to, label, limit }) => {
      const found = await conversations.search({ text: query, status, from, to, limit, ...(label ? { label } : {}) });
      return { conversations: await Promise.all(found.map((c) => conversations.toAgentView(c))) };
    }),
  );

  socket.on(
    'note:add',
    command(context, agentNoteSchema, async (payload) => ({ message: await conversations.addAgentNote(agent, payload) })),
  );

  socket.on(
    'draft:suggest',
    command(context, agentConversationRefSchema, async ({ conversationId }) =>
      router.draftReply(conversationId, AbortSignal.timeout(DRAFT_TIMEOUT_MS)),
    ),
  );

  socket.on(
    'canned:list',
    command(context, agentInboxSchema, async () => ({ replies: await store.listCannedReplies() })),
  );
}
