import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { HTTP_ROUTES, isTimeZone, type CannedReply, type RoutingSettings } from '@support-chat/shared';
import {
  agentCreateSchema,
  agentUpdateSchema,
  cannedReplySchema,
  routingSettingsSchema,
} from '@support-chat/shared/schemas';
import type { AuditLog } from '../audit/audit-log.js';
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
import type { Welcome } from '../settings/welcome.js';
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
export function reportRange(query: unknown, now: number) {
  const { from, to, tz } = reportQuerySchema.parse(query);
  const toDay = to ?? dayKey(now, tz);
  const fromDay = from ?? dayKey(now - 29 * DAY_MS, tz);
  if (fromDay > toDay) throw new ChatError('invalid_payload', 'from must not be after to');
  if (Date.parse(toDay) - Date.parse(fromDay) > 366 * DAY_MS) {
    throw new ChatError('invalid_payload', 'A report covers at most 366 days.');
  }
  return { fromDay, toDay, timeZone: tz };
}

/** The settings an admin's save changed (names only: hand-off keywords may be long lists). */
function changedSettings(before: RoutingSettings, after: RoutingSettings): string[] {
  // Absent, null and empty say the same (no label rules, always open): a form that sends `[]`
  // for settings saved before they existed changed nothing.
  const said = (value: unknown) => JSON.stringify(value === undefined || (Array.isArray(value) && value.length === 0) ? null : value);
  return (Object.keys(after) as (keyof RoutingSettings)[]).filter((key) => said(before[key]) !== said(after[key]));
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
  audit,
  welcome,
}: {
  store: Store;
  sessions: AgentSessions;
  presence: Presence;
  agents: AgentNamespace;
  routing: Pick<TeamRouting, 'settingsChanged' | 'agentDeactivated' | 'teamChanged'> & {
    /** An agent's name, role or capacity changed: their consoles and every team list hear it. */
    agentChanged(agent: AgentRecord): void;
  };
  clock: Clock;
  guard: Pick<SessionGuard, 'endAgent'>;
  audit: AuditLog;
  welcome: Pick<Welcome, 'get' | 'save'>;
}): Router {
  const router = Router();
  const admin = requireAdmin(sessions);
  const anyAgent = requireAgent(sessions);
  /** The admin who asked (`requireAdmin` put them there). */
  const actor = (res: { locals: Record<string, unknown> }) => res.locals.agent as AgentRecord;

  router.get(HTTP_ROUTES.adminAgents, admin, async (_req, res) => {
    const [team, connected] = await Promise.all([store.listAgents(), presence.connected()]);
    sendData(res, { agents: team.map((a) => ({ ...toProfile(a), status: connected.get(a.id)?.status ?? 'offline' })) });
  });

  router.post(HTTP_ROUTES.adminAgents, admin, async (req, res) => {
    const agent = await createAgent(store, agentCreateSchema.parse(req.body ?? {}));
    routing.teamChanged();
    await audit.record(actor(res), 'agent.created', { type: 'agent', id: agent.id }, { name: agent.name, email: agent.email, role: agent.role, capacity: agent.capacity });
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
    if (patch.name !== undefined || patch.role !== undefined || patch.capacity !== undefined) routing.agentChanged(agent);
    const { password, ...shown } = patch;
    await audit.record(actor(res), 'agent.updated', { type: 'agent', id: agent.id }, {
      ...shown,
      changed: Object.keys(patch).filter((key) => patch[key as keyof typeof patch] !== undefined),
      ...(password ? { password: 'changed' } : {}),
    });
    sendData(res, { agent: toProfile(agent) });
  });

  router.post(`${HTTP_ROUTES.adminAgents}/:id/deactivate`, admin, async (req, res) => {
    const agent = await deactivateAgent(store, String(req.params.id), clock.now());
    guard.endAgent({ agentId: agent.id, reason: 'deactivated' });
    const requeued = await routing.agentDeactivated(agent.id);
    await audit.record(actor(res), 'agent.deactivated', { type: 'agent', id: agent.id }, { name: agent.name, requeued });
    sendData(res, { agent: toProfile(agent), requeued });
  });

  router.post(`${HTTP_ROUTES.adminAgents}/:id/reactivate`, admin, async (req, res) => {
    const agent = await reactivateAgent(store, String(req.params.id));
    routing.teamChanged();
    await audit.record(actor(res), 'agent.reactivated', { type: 'agent', id: agent.id }, { name: agent.name });
    sendData(res, { agent: toProfile(agent) });
  });

  router.get(HTTP_ROUTES.adminCannedReplies, anyAgent, async (_req, res) => {
    sendData(res, { replies: await store.listCannedReplies() });
  });

  const saveCanned = async (admin: AgentRecord, id: string, body: unknown, created: boolean): Promise<CannedReply> => {
    const { shortcut, text } = cannedReplySchema.parse(body ?? {});
    const reply: CannedReply = { id, shortcut, text, updatedAt: clock.now() };
    await store.saveCannedReply(reply);
    agents.to(rooms.agents).emit('canned:changed');
    await audit.record(admin, created ? 'canned_reply.created' : 'canned_reply.updated', { type: 'canned_reply', id }, { shortcut });
    return reply;
  };

  router.post(HTTP_ROUTES.adminCannedReplies, admin, async (req, res) => {
    sendData(res, { reply: await saveCanned(actor(res), randomUUID(), req.body, true) }, 201);
  });

  router.put(`${HTTP_ROUTES.adminCannedReplies}/:id`, admin, async (req, res) => {
    const id = String(req.params.id);
    if (!(await store.listCannedReplies()).some((r) => r.id === id)) throw new ChatError('not_found', 'No such canned reply.');
    sendData(res, { reply: await saveCanned(actor(res), id, req.body, false) });
  });

  router.delete(`${HTTP_ROUTES.adminCannedReplies}/:id`, admin, async (req, res) => {
    const id = String(req.params.id);
    const reply = (await store.listCannedReplies()).find((r) => r.id === id);
    if (!reply || !(await store.deleteCannedReply(id))) throw new ChatError('not_found', 'No such canned reply.');
    agents.to(rooms.agents).emit('canned:changed');
    await audit.record(actor(res), 'canned_reply.deleted', { type: 'canned_reply', id }, { shortcut: reply.shortcut });
    sendData(res, null);
  });

  router.get(HTTP_ROUTES.adminRouting, admin, async (_req, res) => {
    sendData(res, { settings: await store.getRoutingSettings() });
  });

  router.put(HTTP_ROUTES.adminRouting, admin, async (req, res) => {
    const parsed = routingSettingsSchema.parse(req.body ?? {});
    const before = await store.getRoutingSettings();
    // The knowledge access switch is set on the Knowledge page (issue 14): a routing form that
    // does not send it keeps it.
    const keep = parsed.agentsManageKnowledge ?? before.agentsManageKnowledge;
    const settings = keep === undefined ? parsed : { ...parsed, agentsManageKnowledge: keep };
    await store.saveRoutingSettings(settings);
    routing.settingsChanged();
    const changed = changedSettings(before, settings);
    const scalars = { assignment: settings.assignment, defaultCapacity: settings.defaultCapacity, disconnectGraceSeconds: settings.disconnectGraceSeconds };
    await audit.record(actor(res), 'settings.routing_changed', { type: 'setting', id: 'routing' }, {
      changed,
      ...Object.fromEntries(Object.entries(scalars).filter(([key]) => changed.includes(key))),
    });
    sendData(res, { settings });
  });

  router.get(HTTP_ROUTES.adminWelcome, admin, async (_req, res) => {
    sendData(res, { settings: await welcome.get() });
  });

  router.put(HTTP_ROUTES.adminWelcome, admin, async (req, res) => {
    const before = await welcome.get();
    const settings = await welcome.save(req.body ?? {});
    const changed = (['en', 'zh-CN'] as const).filter((locale) => JSON.stringify(before[locale]) !== JSON.stringify(settings[locale]));
    await audit.record(actor(res), 'settings.welcome_changed', { type: 'setting', id: 'welcome' }, { changed });
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
