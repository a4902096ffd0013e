import { randomBytes } from 'node:crypto';
import type { VisitorHandshakeAuth } from '@support-chat/shared';
import { resolveLocale } from '@support-chat/shared';
import type { VisitorTokens } from '../auth/visitor-token.js';
import type { ConversationService } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import type { ConversationRouter } from '../routing/router.js';
import type { TeamRouting } from '../routing/team-routing.js';
import { registerVisitorConversationHandlers } from './visitor-conversation-handlers.js';
import { registerVisitorFeedbackHandlers } from './visitor-feedback-handlers.js';
import { registerVisitorRoutingHandlers } from './visitor-routing-handlers.js';
import { inOrder, refuseUnknownEvents } from './handler.js';
import type { RateLimits } from './rate-limits.js';
import { rooms } from './rooms.js';
import type { AgentNamespace, VisitorNamespace, VisitorSocket } from './types.js';

export interface VisitorNamespaceDeps {
  conversations: ConversationService;
  router: ConversationRouter;
  tokens: VisitorTokens;
  limits: RateLimits;
  agents: AgentNamespace;
  routing: TeamRouting;
  logger: Logger;
}

/**
 * `/visitor`: the widget's socket. A visitor is whoever holds a signed token; a first-time visitor
 * gets a new id (persisted only when they first write). Handlers validate, call the domain, ack.
 */
export function attachVisitorNamespace(namespace: VisitorNamespace, deps: VisitorNamespaceDeps): void {
  const { tokens, limits, logger } = deps;

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
    const context = { logger, checkRate: () => limits.socketEvent(socket.id), sequence: inOrder() };

    registerVisitorConversationHandlers(socket, deps, context);
    registerVisitorFeedbackHandlers(socket, deps, context);
    registerVisitorRoutingHandlers(socket, deps, context);
    refuseUnknownEvents(socket, context);
  });
}
