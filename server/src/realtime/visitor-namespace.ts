import { randomBytes } from 'node:crypto';
import type { VisitorHandshakeAuth } from '@support-chat/shared';
import { resolveLocale } from '@support-chat/shared';
import {
  visitorHandoffSchema,
  visitorResumeSchema,
  visitorSendSchema,
  visitorTypingSchema,
} from '@support-chat/shared/schemas';
import type { VisitorTokens } from '../auth/visitor-token.js';
import type { ConversationService } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import type { PresenceTracker } from '../routing/presence.js';
import type { ConversationRouter } from '../routing/router.js';
import { command } from './handler.js';
import type { RateLimits } from './rate-limits.js';
import { rooms } from './rooms.js';
import type { AgentNamespace, VisitorNamespace, VisitorSocket } from './types.js';

export interface VisitorNamespaceDeps {
  conversations: ConversationService;
  router: ConversationRouter;
  tokens: VisitorTokens;
  limits: RateLimits;
  agents: AgentNamespace;
  presence: PresenceTracker;
  logger: Logger;
}

/**
 * `/visitor`: the widget's socket. A visitor is whoever holds a signed token; a first-time visitor
 * gets a new id (persisted only when they first write). Handlers validate, call the domain, ack.
 */
export function attachVisitorNamespace(namespace: VisitorNamespace, deps: VisitorNamespaceDeps): void {
  const { conversations, router, tokens, limits, agents, presence, logger } = deps;

  namespace.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as VisitorHandshakeAuth;
    const known = typeof auth.token === 'string' ? tokens.verify(auth.token) : null;
    const visitorId = known ?? randomBytes(16).toString('base64url');
    socket.data.visitorId = visitorId;
    socket.data.token = known ? auth.token! : tokens.issue(visitorId);
    socket.data.locale = resolveLocale(socket.handshake.headers['accept-language']);
    next();
  });

  namespace.on('connection', (socket: VisitorSocket) => {
    const { visitorId } = socket.data;
    void socket.join(rooms.visitor(visitorId));
    const context = { logger, checkRate: () => limits.socketEvent(socket.id) };

    socket.on(
      'conversation:resume',
      command(context, visitorResumeSchema, async ({ afterSeq, conversationId, context: visitorContext }) => {
        if (visitorContext?.language) socket.data.locale = resolveLocale(visitorContext.language);
        if (visitorContext) {
          socket.data.context = { ...visitorContext, userAgent: visitorContext.userAgent ?? socket.handshake.headers['user-agent'] };
        }
        const resumed = await conversations.resumeVisitor(visitorId, { afterSeq, conversationId, context: socket.data.context });
        socket.data.conversationId = resumed.conversation?.id;
        return {
          token: socket.data.token,
          visitorId,
          conversation: resumed.conversation ? await conversations.toVisitorView(resumed.conversation) : null,
          messages: resumed.messages,
          availability: presence.availability(),
        };
      }),
    );

    socket.on(
      'message:send',
      command(context, visitorSendSchema, async ({ clientId, text }) => {
        await limits.visitorMessage(visitorId);
        const { message, conversation, created } = await conversations.postVisitorMessage(visitorId, {
          clientId,
          text,
          locale: socket.data.locale,
          context: socket.data.context,
        });
        socket.data.conversationId = conversation.id;
        if (created) void router.handleVisitorMessage(conversation, message);
        return { message, conversation: await conversations.toVisitorView(conversation) };
      }),
    );

    socket.on(
      'handoff:request',
      command(context, visitorHandoffSchema, async () => {
        const open = await conversations.openConversationFor(visitorId, {
          locale: socket.data.locale,
          context: socket.data.context,
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
  });
}
