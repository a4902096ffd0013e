import {
  visitorLeaveMessageSchema,
  visitorRateConversationSchema,
  visitorReadSchema,
  visitorTranscriptSchema,
} from '@support-chat/shared/schemas';
import { ChatError } from '../errors.js';
import { command, type HandlerContext } from './handler.js';
import type { VisitorSocket } from './types.js';
import type { VisitorNamespaceDeps } from './visitor-namespace.js';

/**
 * The visitor's side of hand-off (issue 4): read receipts, rating a closed conversation, leaving a
 * message (which the team hears of by email), asking for the transcript by email (issue 13).
 */
export function registerVisitorRoutingHandlers(
  socket: VisitorSocket,
  { conversations, limits, emails }: VisitorNamespaceDeps,
  context: HandlerContext,
): void {
  const { visitorId } = socket.data;
  const requestTranscript = async (conversationId: string, email: string | undefined) => {
    if (!emails) throw new ChatError('unavailable', 'This server does not send email.');
    await limits.visitorMessage(visitorId);
    await emails.requestTranscript(visitorId, conversationId, email);
  };

  socket.on(
    'conversation:read',
    command(context, visitorReadSchema, async ({ seq }) => {
      await conversations.markVisitorRead(visitorId, seq);
      return null;
    }),
  );

  socket.on(
    'conversation:rate',
    command(context, visitorRateConversationSchema, async ({ email, ...rating }) => {
      const rated = await conversations.rate(visitorId, rating);
      if (email) await requestTranscript(rated.id, email);
      return { conversation: await conversations.toVisitorView(rated) };
    }),
  );

  socket.on(
    'offline:leave',
    command(context, visitorLeaveMessageSchema, async ({ clientId, email, name, text }) => {
      await limits.visitorMessage(visitorId);
      const { message, conversation } = await conversations.leaveMessage(visitorId, {
        clientId,
        email,
        name: name || undefined,
        text,
        locale: socket.data.locale,
        context: socket.data.context,
        origin: socket.id,
        admit: () => limits.newConversation(visitorId, socket.data.address),
      });
      socket.data.conversationId = conversation.id;
      await emails?.messageLeft(conversation, message);
      return { message, conversation: await conversations.toVisitorView(conversation) };
    }),
  );

  socket.on(
    'conversation:transcript',
    command(context, visitorTranscriptSchema, async ({ conversationId, email }) => {
      await requestTranscript(conversationId, email);
      return null;
    }),
  );
}
