import { Router, type Request, type Response } from 'express';
import { serialize as serializeCookie } from 'cookie';
import { HTTP_ROUTES, SESSION_COOKIE } from '@support-chat/shared';
import { loginSchema } from '@support-chat/shared/schemas';
import type { AuditLog } from '../audit/audit-log.js';
import { authenticate } from '../auth/agents.js';
import { hashToken, sessionTokenFrom, toProfile, type AgentSessions } from '../auth/sessions.js';
import { ChatError } from '../errors.js';
import type { RateLimits } from '../realtime/rate-limits.js';
import { rooms } from '../realtime/rooms.js';
import type { AgentNamespace } from '../realtime/types.js';
import type { Store } from '../store/types.js';
import { sendData } from './respond.js';

function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number): void {
  res.setHeader(
    'Set-Cookie',
    serializeCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/',
      maxAge: Math.floor(maxAgeMs / 1000),
    }),
  );
}

/** Console login: a session cookie (httpOnly, SameSite=Lax); repeated failures are slowed per email and address. */
export function authRoutes({
  store,
  sessions,
  limits,
  agents,
  audit,
}: {
  store: Store;
  sessions: AgentSessions;
  limits: RateLimits;
  agents: AgentNamespace;
  audit: AuditLog;
}): Router {
  const router = Router();

  router.post(HTTP_ROUTES.login, async (req, res) => {
    const { email, password } = loginSchema.parse(req.body ?? {});
    const throttleKey = `${email}|${req.ip}`;
    if (!(await limits.loginAllowed(throttleKey))) {
      throw new ChatError('rate_limited', 'Too many failed attempts. Wait 15 minutes and try again.');
    }
    const agent = await authenticate(store, email, password);
    if (!agent) {
      await limits.loginFailure(throttleKey);
      throw new ChatError('unauthorized', 'The email or password is not correct.');
    }
    await limits.loginSucceeded(throttleKey);
    const token = await sessions.create(agent.id);
    await audit.record(agent, 'agent.logged_in', { type: 'agent', id: agent.id });
    setSessionCookie(req, res, token, sessions.ttlMs);
    sendData(res, { agent: toProfile(agent) });
  });

  router.post(HTTP_ROUTES.logout, async (req, res) => {
    const token = sessionTokenFrom(req.headers.cookie);
    if (token) {
      const agent = await sessions.resolve(token);
      await sessions.destroy(token);
      if (agent) await audit.record(agent, 'agent.logged_out', { type: 'agent', id: agent.id });
      agents.in(rooms.session(hashToken(token))).disconnectSockets(true);
    }
    setSessionCookie(req, res, '', 0);
    sendData(res, null);
  });

  router.get(HTTP_ROUTES.me, async (req, res) => {
    const agent = await sessions.resolve(sessionTokenFrom(req.headers.cookie));
    if (!agent) throw new ChatError('unauthorized', 'Not logged in.');
    sendData(res, { agent: toProfile(agent) });
  });

  return router;
}
