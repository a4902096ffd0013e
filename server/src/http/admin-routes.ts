import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { HTTP_ROUTES, isTimeZone, type CannedReply } from '@support-chat/shared';
import {
  agentCreateSchema,
  agentUpdateSchema,
  cannedReplySchema,
  routingSettingsSchema,
} from '@support-chat/shared/schemas';
import { createAgent, deactivateAgent, reactivateAgent, updateAgent } from '../auth/agents.js';
import { hashToken, sessionTokenFrom, toProfile, type AgentSessions } from '../auth/sessions.js';
import type { Clock } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import { rooms } from '../realtime/rooms.js';
import type { SessionGuard } from '../realtime/session-guard.js';
import type { AgentNamespace } from '../realtime/types.js';
import { buildReport, rangeBounds } from '../reports/report.js';
import { dayKey, isDay } from '../time/zoned.js';
import type { Presence } from '../coordination/types.js';
import type { TeamRouting } from '../routing/team-routing.js';
import type { AgentRecord, Store } from '../store/types.js';
import { setSessionCookie } from './auth-routes.js';
import { requireAdmin, requireAgent } from './require-agent.js';
import { sendData } from './respond.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const reportQuerySchema = z.object({
  from: z.string().refine(isDay, 'must be a date YYYY-MM-DD').optional(),
  to: z.string().refine(isDay, 'must be a date YYYY-MM-DD').optional(),
  tz: z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')
    .default('UTC'),
});

/** The last 30 days up to today in `timeZone`, unless the query says otherwise. */
function reportRange(query: unknown, now: number) {
  const { from, to, tz } = reportQuerySchema.parse(query);
  const toDay = to ?? dayKey(now, tz);
  const fromDay = from ?? dayKey(now - 29 * DAY_MS, tz);
  if (fromDay > toDay) throw new ChatError('invalid_payload', 'from must not be after to');
  if (Date.parse(toDay) - Date.parse(fromDay) > 366 * DAY_MS) {
    throw new ChatError('invalid_payload', 'A report covers at most 366 days.');
  }
  return { fromDay, toDay, timeZone: tz };
}

/** The admin side of the console: the team, canned replies, reports, knowledge gaps. */
export function adminRoutes({
  store,
  sessions,
  presence,
  agents,
  routing,
  clock,
  guard,
}: {
  store: Store;
  sessions: AgentSessions;
  presence: Presence;
  agents: AgentNamespace;
  routing: Pick<TeamRouting, 'settingsChanged' | 'agentDeactivated'>;
  clock: Clock;
  guard: Pick<SessionGuard, 'endAgent'>;
}): Router {
  const router = Router();
  const admin = requireAdmin(sessions);
  const anyAgent = requireAgent(sessions);

  router.get(HTTP_ROUTES.adminAgents, admin, async (_req, res) => {
    const [team, connected] = await Promise.all([store.listAgents(), presence.connected()]);
    sendData(res, { agents: team.map((a) => ({ ...toProfile(a), status: connected.get(a.id)?.status ?? 'offline' })) });
  });

  router.post(HTTP_ROUTES.adminAgents, admin, async (req, res) => {
    const agent = await createAgent(store, agentCreateSchema.parse(req.body ?? {}));
    sendData(res, { agent: toProfile(agent) }, 201);
  });

  // A new password signs the agent out everywhere (issue 11). An admin who changed their own goes
  // on in this console with a fresh session; their other sessions end like anyone's.
  router.patch(`${HTTP_ROUTES.adminAgents}/:id`, admin, async (req, res) => {
    const patch = agentUpdateSchema.parse(req.body ?? {});
    const agent = await updateAgent(store, String(req.params.id), patch);
    if (patch.password) {
      const self = agent.id === (res.locals.agent as AgentRecord).id;
      const token = self ? await sessions.create(agent) : null;
      const fresh = token ? await sessions.resolveSession(token) : null;
      const current = sessionTokenFrom(req.headers.cookie);
      const keep = fresh && current ? { from: hashToken(current), to: fresh.tokenHash, expiresAt: fresh.expiresAt } : undefined;
      guard.endAgent({ agentId: agent.id, reason: 'password_changed', keep });
      if (token) setSessionCookie(req, res, token, sessions.ttlMs);
    }
    sendData(res, { agent: toProfile(agent) });
  });

  router.post(`${HTTP_ROUTES.adminAgents}/:id/deactivate`, admin, async (req, res) => {
    const agent = await deactivateAgent(store, String(req.params.id), clock.now());
    guard.endAgent({ agentId: agent.id, reason: 'deactivated' });
    const requeued = await routing.agentDeactivated(agent.id);
    sendData(res, { agent: toProfile(agent), requeued });
  });

  router.post(`${HTTP_ROUTES.adminAgents}/:id/reactivate`, admin, async (req, res) => {
    sendData(res, { agent: toProfile(await reactivateAgent(store, String(req.params.id))) });
  });

  router.get(HTTP_ROUTES.adminCannedReplies, anyAgent, async (_req, res) => {
    sendData(res, { replies: await store.listCannedReplies() });
  });

  const saveCanned = async (id: string, body: unknown): Promise<CannedReply> => {
    const { shortcut, text } = cannedReplySchema.parse(body ?? {});
    const reply: CannedReply = { id, shortcut, text, updatedAt: clock.now() };
    await store.saveCannedReply(reply);
    agents.to(rooms.agents).emit('canned:changed');
    return reply;
  };

  router.post(HTTP_ROUTES.adminCannedReplies, admin, async (req, res) => {
    sendData(res, { reply: await saveCanned(randomUUID(), req.body) }, 201);
  });

  router.put(`${HTTP_ROUTES.adminCannedReplies}/:id`, admin, async (req, res) => {
    const id = String(req.params.id);
    if (!(await store.listCannedReplies()).some((r) => r.id === id)) throw new ChatError('not_found', 'No such canned reply.');
    sendData(res, { reply: await saveCanned(id, req.body) });
  });

  router.delete(`${HTTP_ROUTES.adminCannedReplies}/:id`, admin, async (req, res) => {
    if (!(await store.deleteCannedReply(String(req.params.id)))) throw new ChatError('not_found', 'No such canned reply.');
    agents.to(rooms.agents).emit('canned:changed');
    sendData(res, null);
  });

  router.get(HTTP_ROUTES.adminRouting, admin, async (_req, res) => {
    sendData(res, { settings: await store.getRoutingSettings() });
  });

  router.put(HTTP_ROUTES.adminRouting, admin, async (req, res) => {
    const settings = routingSettingsSchema.parse(req.body ?? {});
    await store.saveRoutingSettings(settings);
    routing.settingsChanged();
    sendData(res, { settings });
  });

  router.get(HTTP_ROUTES.adminReports, admin, async (req, res) => {
    const now = clock.now();
    sendData(res, { report: await buildReport(store, reportRange(req.query, now), now) });
  });

  router.get(`${HTTP_ROUTES.adminKnowledge}/gaps`, admin, async (req, res) => {
    const { from, to } = rangeBounds(reportRange(req.query, clock.now()));
    sendData(res, { gaps: await store.knowledgeGaps(from, to, 100) });
  });

  return router;
}
