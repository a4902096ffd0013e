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
  /** Before anything is stored: a rating with a transcript is refused whole or kept whole. */
  const mayEmail = async () => {
    if (!emails) throw new ChatError('unavailable', 'This server does not send email: no transcript can be sent.');
    await limits.visitorMessage(visitorId);
    return emails;
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
      const mailer = email ? await mayEmail() : null;
      const rated = await conversations.rate(visitorId, rating);
      await mailer?.requestTranscript(visitorId, rated.id, email);
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
      await (await mayEmail()).requestTranscript(visitorId, conversationId, email);
      return null;
    }),
  );
}
