import { forVisitor } from '../conversations/service.js';
import { resolveLocale } from '@support-chat/shared';
import {
  visitorHandoffSchema,
  visitorResumeSchema,
  visitorSendSchema,
  visitorTypingSchema,
} from '@support-chat/shared/schemas';
import { withLinkNotice } from '../settings/welcome.js';
import { ChatError } from '../errors.js';
import { command, type HandlerContext } from './handler.js';
import { rooms } from './rooms.js';
import type { VisitorSocket } from './types.js';
import type { VisitorNamespaceDeps } from './visitor-namespace.js';

/** The visitor's core moves: resume, send, ask for a person, type. */
export function registerVisitorConversationHandlers(
  socket: VisitorSocket,
  { conversations, router, agents, routing, welcome, limits, attachmentPolicy, emails }: VisitorNamespaceDeps,
  context: HandlerContext,
): void {
  const { visitorId } = socket.data;
  const admit = () => limits.newConversation(visitorId, socket.data.address);

  socket.on(
    'conversation:resume',
    command(context, visitorResumeSchema, async ({ afterSeq, conversationId, context: visitorContext }) => {
      if (visitorContext?.language) socket.data.locale = resolveLocale(visitorContext.language);
      if (visitorContext || socket.data.verified) {
        socket.data.context = {
          ...visitorContext,
          userAgent: visitorContext?.userAgent ?? socket.handshake.headers['user-agent'],
          // Absent, not undefined, when this session has no valid user token (it expired): the
          // claims a conversation got from a valid one stay, as the merge would otherwise erase them.
          ...(socket.data.verified ? { verified: socket.data.verified } : {}),
        };
      }
      const [resumed, availability, greeting] = await Promise.all([
        conversations.resumeVisitor(visitorId, { afterSeq, conversationId, context: socket.data.context }),
        routing.availability(),
        welcome.forVisitors(),
      ]);
      socket.data.conversationId = resumed.conversation?.id;
      return {
        token: socket.data.token,
        visitorId,
        conversation: resumed.conversation ? await conversations.toVisitorView(resumed.conversation) : null,
        messages: resumed.messages.map(forVisitor),
        availability,
        welcome: socket.data.linkNotFollowed ? withLinkNotice(greeting, socket.data.linkNotFollowed) : greeting,
        attachments: attachmentPolicy,
        emails: !!emails,
      };
    }),
  );

  socket.on(
    'message:send',
    command(context, visitorSendSchema, async ({ clientId, text }) => {
      await limits.visitorMessage(visitorId);
      const { message, conversation, created } = await conversations
        .postVisitorMessage(visitorId, {
          clientId,
          text,
          locale: socket.data.locale,
          context: socket.data.context,
          origin: socket.id,
          admit,
        })
        .catch(async (error: unknown) => {
          if (error instanceof ChatError && error.code === 'store_unavailable') await limits.refundVisitorMessage(visitorId);
          throw error;
        });
      // A resend of one already stored (its ack was lost) costs nothing more.
      if (!created) await limits.refundVisitorMessage(visitorId);
      socket.data.conversationId = conversation.id;
      if (created) void router.handleVisitorMessage(conversation, message, { justStored: true });
      return { message, conversation: await conversations.toVisitorView(conversation) };
    }),
  );

  socket.on(
    'handoff:request',
    command(context, visitorHandoffSchema, async () => {
      const open = await conversations.openConversationFor(visitorId, {
        locale: socket.data.locale,
        context: socket.data.context,
        admit,
      });
      socket.data.conversationId = open.id;
      const conversation = await conversations.requestHuman(open.id);
      return { conversation: await conversations.toVisitorView(conversation) };
    }),
  );

  socket.on(
    'typing:set',
    command(context, visitorTypingSchema, async ({ typing }) => {
      const conversationId = socket.data.conversationId;
      if (conversationId) {
        agents.to(rooms.watching(conversationId)).emit('typing:changed', { conversationId, author: 'visitor', typing });
      }
      return null;
    }),
  );
}
