import type { AuditLog } from '../audit/audit-log.js';
import { hashToken, sessionTokenFrom, type AgentSessions } from '../auth/sessions.js';
import { sameOrigin } from '../http/same-origin.js';
import type { ConversationService } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import type { ConversationRouter } from '../routing/router.js';
import type { TeamRouting } from '../routing/team-routing.js';
import { registerConversationHandlers } from './agent-conversation-handlers.js';
import { registerLabelHandlers } from './agent-label-handlers.js';
import type { ConversationLabels } from '../conversations/labels.js';
import { registerRoutingHandlers } from './agent-routing-handlers.js';
import { registerWorkspaceHandlers } from './agent-workspace-handlers.js';
import { refuseUnknownEvents } from './handler.js';
import type { RateLimits } from './rate-limits.js';
import { rooms } from './rooms.js';
import type { SessionGuard } from './session-guard.js';
import type { AgentNamespace, AgentSocket, VisitorNamespace } from './types.js';

export interface AgentNamespaceDeps {
  conversations: ConversationService;
  sessions: AgentSessions;
  limits: RateLimits;
  visitors: VisitorNamespace;
  routing: TeamRouting;
  /** Writes AI drafts for agents (agent-workspace-handlers.ts). */
  router: ConversationRouter;
  store: Store;
  logger: Logger;
  /** Ends sockets whose session ends (expiry, password change, deactivation). */
  guard: SessionGuard;
  /** Claims, transfers, hand-backs, reopens and closes are recorded (issue 11). */
  audit: AuditLog;
  /** Labels and the visitor's history (issue 13). */
  labels: ConversationLabels;
}

/** `/agent`: the console's socket, authenticated by the same httpOnly session cookie as the HTTP API. */
export function attachAgentNamespace(namespace: AgentNamespace, deps: AgentNamespaceDeps): void {
  const { sessions, limits, routing, logger, guard } = deps;

  namespace.use((socket, next) => {
    const { cookie, origin, host } = socket.handshake.headers;
    if (!sameOrigin(origin, host)) return next(new Error('forbidden'));
    sessions
      .resolveSession(sessionTokenFrom(cookie))
      .then((session) => {
        if (!session) return next(new Error('unauthorized'));
        const { agent } = session;
        socket.data.agent = { id: agent.id, name: agent.name, email: agent.email, role: agent.role, capacity: agent.capacity };
        socket.data.sessionHash = session.tokenHash;
        socket.data.sessionExpiresAt = session.expiresAt;
        next();
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'agent socket authentication failed');
        next(new Error('unavailable'));
      });
  });

  namespace.on('connection', (socket: AgentSocket) => {
    const { agent } = socket.data;
    void socket.join([rooms.agents, rooms.agent(agent.id), rooms.session(socket.data.sessionHash)]);
    guard.watch(socket);
    routing.agentConnected(agent, socket.id);
    socket.on('disconnect', () => routing.agentDisconnected(agent.id, socket.id));
    const context = { logger, checkRate: () => limits.agentEvent(agent.id) };

    registerConversationHandlers(socket, deps, context);
    registerWorkspaceHandlers(socket, deps, context);
    registerRoutingHandlers(socket, deps, context);
    registerLabelHandlers(socket, deps, context);
    refuseUnknownEvents(socket, context);
  });
}
