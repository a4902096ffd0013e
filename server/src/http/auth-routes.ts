import { Router, type Request, type Response } from 'express';
import { serialize as serializeCookie } from 'cookie';
import { HTTP_ROUTES, SESSION_COOKIE } from '@support-chat/shared';
import { agentPreferencesSchema, loginSchema } from '@support-chat/shared/schemas';
import type { AuditLog } from '../audit/audit-log.js';
import { authenticate } from '../auth/agents.js';
import type { KnownDevices } from '../auth/known-devices.js';
import { hashToken, sessionTokenFrom, toProfile, type AgentSessions } from '../auth/sessions.js';
import { ChatError } from '../errors.js';
import type { RateLimits } from '../realtime/rate-limits.js';
import { rooms } from '../realtime/rooms.js';
import type { AgentNamespace } from '../realtime/types.js';
import type { Store } from '../store/types.js';
import { loginThrottle } from './login-throttle.js';
import { sendData } from './respond.js';

export function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number): void {
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

/**
 * Console login: a session cookie (httpOnly, SameSite=Lax). Failures are slowed per account, per
 * address and per known device (login-throttle.ts).
 */
export function authRoutes({
  store,
  sessions,
  limits,
  agents,
  devices,
  audit,
}: {
  store: Store;
  sessions: AgentSessions;
  limits: RateLimits;
  agents: AgentNamespace;
  devices: KnownDevices;
  audit: AuditLog;
}): Router {
  const router = Router();
  const throttle = loginThrottle({ store, limits: limits.login, devices });

  router.post(HTTP_ROUTES.login, async (req, res) => {
    const { email, password } = loginSchema.parse(req.body ?? {});
    const attempt = await throttle.begin(req, email);
    const agent = await authenticate(store, email, password);
    if (!agent) {
      // Counted already (throttle.begin): a failure adds nothing.
      throw new ChatError('unauthorized', 'The email or password is not correct.');
    }
    const token = await sessions.create(agent);
    await audit.record(agent, 'agent.logged_in', { type: 'agent', id: agent.id });
    setSessionCookie(req, res, token, sessions.ttlMs);
    await attempt.succeeded(res, agent.id);
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

  // The agent's own choices, kept with the account so that every device they sign in on agrees.
  router.put(HTTP_ROUTES.mePreferences, async (req, res) => {
    const agent = await sessions.resolve(sessionTokenFrom(req.headers.cookie));
    if (!agent) throw new ChatError('unauthorized', 'Not logged in.');
    const { locale } = agentPreferencesSchema.parse(req.body ?? {});
    const updated = await store.updateAgent(agent.id, { locale });
    if (!updated) throw new ChatError('unauthorized', 'Not logged in.');
    sendData(res, { agent: toProfile(updated) });
  });

  return router;
}
