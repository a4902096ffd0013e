import {
  visitorLeaveMessageSchema,
  visitorRateConversationSchema,
  visitorReadSchema,
} from '@support-chat/shared/schemas';
import { command, type HandlerContext } from './handler.js';
import type { VisitorSocket } from './types.js';
import type { VisitorNamespaceDeps } from './visitor-namespace.js';

/** The visitor's side of hand-off (issue 4): read receipts, rating a closed conversation, leaving a message. */
export function registerVisitorRoutingHandlers(
  socket: VisitorSocket,
  { conversations, limits }: VisitorNamespaceDeps,
  context: HandlerContext,
): void {
  const { visitorId } = socket.data;

  socket.on(
    'conversation:read',
    command(context, visitorReadSchema, async ({ seq }) => {
      await conversations.markVisitorRead(visitorId, seq);
      return null;
    }),
  );

  socket.on(
    'conversation:rate',
    command(context, visitorRateConversationSchema, async (payload) => ({
      conversation: await conversations.toVisitorView(await conversations.rate(visitorId, payload)),
    })),
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
      return { message, conversation: await conversations.toVisitorView(conversation) };
    }),
  );
}
