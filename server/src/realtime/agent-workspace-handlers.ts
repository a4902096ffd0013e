import { agentConversationRefSchema, agentInboxSchema, agentNoteSchema, agentSearchSchema } from '@support-chat/shared/schemas';
import { ChatError } from '../errors.js';
import { answerLocale } from '../routing/router.js';
import type { AgentNamespaceDeps } from './agent-namespace.js';
import { command, type HandlerContext } from './handler.js';
import type { AgentSocket } from './types.js';

/** How long an agent waits for an AI draft before being told to write it themselves. */
const DRAFT_TIMEOUT_MS = 20_000;

/** The agent's workspace: search, internal notes, AI drafts, canned replies. */
export function registerWorkspaceHandlers(
  socket: AgentSocket,
  { conversations, responder, store }: AgentNamespaceDeps,
  context: HandlerContext,
): void {
  const { agent } = socket.data;

  socket.on(
    'inbox:search',
    command(context, agentSearchSchema, async ({ query, status, from, to, limit }) => {
      const found = await store.searchConversations({ text: query || undefined, status, from, to, limit });
      return { conversations: await Promise.all(found.map((c) => conversations.toAgentView(c))) };
    }),
  );

  socket.on(
    'note:add',
    command(context, agentNoteSchema, async ({ conversationId, clientId, text }) => {
      const conversation = await conversations.getConversation(conversationId);
      const { message } = await conversations.append(conversation, {
        senderId: agent.id,
        author: 'agent',
        authorName: agent.name,
        kind: 'note',
        text,
        clientId,
      });
      return { message };
    }),
  );

  socket.on(
    'draft:suggest',
    command(context, agentConversationRefSchema, async ({ conversationId }) => {
      const conversation = await conversations.getConversation(conversationId);
      const turns = await conversations.recentTurns(conversationId, conversation.lastSeq + 1, 12);
      const lastVisitor = turns.findLastIndex((m) => m.author === 'visitor');
      if (lastVisitor < 0) throw new ChatError('invalid_state', 'The visitor has not asked anything yet.');
      const question = turns[lastVisitor]!;
      const answer = await responder.answer({
        conversationId,
        question: question.text,
        history: turns.slice(0, lastVisitor).map((m) => ({ author: m.author, text: m.text })),
        locale: answerLocale(question.text, conversation.locale),
        signal: AbortSignal.timeout(DRAFT_TIMEOUT_MS),
      });
      if (!answer.provenance.answered) {
        throw new ChatError('not_found', 'The knowledge base has nothing on this question: write the reply yourself.');
      }
      return { text: answer.text, sources: answer.sources };
    }),
  );

  socket.on(
    'canned:list',
    command(context, agentInboxSchema, async () => ({ replies: await store.listCannedReplies() })),
  );
}
