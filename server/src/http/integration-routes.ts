import { Router } from 'express';
import { HTTP_ROUTES } from '@support-chat/shared';
import { apiTokenCreateSchema, webhookCreateSchema, webhookDeliveriesQuerySchema, webhookUpdateSchema } from '@support-chat/shared/schemas';
import type { AuditLog } from '../audit/audit-log.js';
import type { AgentSessions } from '../auth/sessions.js';
import type { ApiTokens } from '../integrations/api-tokens.js';
import type { Webhooks } from '../integrations/webhooks.js';
import type { AgentRecord, Store } from '../store/types.js';
import { requireAdmin } from './require-agent.js';
import { sendData } from './respond.js';

/**
 * Admin (issue 13): webhooks (`/api/admin/webhooks`, their deliveries, a test event, retry now)
 * and API tokens (`/api/admin/api-tokens`). Secrets and tokens are answered once, at creation.
 */
export function integrationRoutes({
  sessions,
  audit,
  webhooks,
  tokens,
  store,
}: {
  sessions: AgentSessions;
  audit: AuditLog;
  webhooks: Webhooks;
  tokens: ApiTokens;
  store: Store;
}): Router {
  const router = Router();
  const admin = requireAdmin(sessions);
  const actor = (res: { locals: Record<string, unknown> }) => res.locals.agent as AgentRecord;
  const hooks = HTTP_ROUTES.adminWebhooks;

  router.get(hooks, admin, async (_req, res) => {
    sendData(res, { webhooks: await webhooks.list() });
  });

  router.post(hooks, admin, async (req, res) => {
    const created = await webhooks.create(actor(res), webhookCreateSchema.parse(req.body ?? {}));
    const { webhook } = created;
    await audit.record(actor(res), 'webhook.created', { type: 'webhook', id: webhook.id }, { url: webhook.url, events: webhook.events });
    sendData(res, created, 201);
  });

  router.patch(`${hooks}/:id`, admin, async (req, res) => {
    const patch = webhookUpdateSchema.parse(req.body ?? {});
    const webhook = await webhooks.update(String(req.params.id), patch);
    await audit.record(actor(res), 'webhook.updated', { type: 'webhook', id: webhook.id }, { url: webhook.url, changed: Object.keys(patch) });
    sendData(res, { webhook });
  });

  router.delete(`${hooks}/:id`, admin, async (req, res) => {
    const id = String(req.params.id);
    const hook = await store.getWebhook(id);
    await webhooks.delete(id);
    await audit.record(actor(res), 'webhook.deleted', { type: 'webhook', id }, { url: hook?.url ?? null });
    sendData(res, null);
  });

  router.post(`${hooks}/:id/test`, admin, async (req, res) => {
    sendData(res, { delivery: await webhooks.test(String(req.params.id)) }, 201);
  });

  router.get(`${hooks}/:id/deliveries`, admin, async (req, res) => {
    sendData(res, { deliveries: await webhooks.deliveries(String(req.params.id), webhookDeliveriesQuerySchema.parse(req.query)) });
  });

  router.post(`${HTTP_ROUTES.adminWebhookDeliveries}/:id/retry`, admin, async (req, res) => {
    sendData(res, { delivery: await webhooks.retryNow(String(req.params.id)) });
  });

  router.get(HTTP_ROUTES.adminApiTokens, admin, async (_req, res) => {
    sendData(res, { tokens: await store.listApiTokens() });
  });

  router.post(HTTP_ROUTES.adminApiTokens, admin, async (req, res) => {
    const created = await tokens.create(actor(res), apiTokenCreateSchema.parse(req.body ?? {}));
    await audit.record(actor(res), 'api_token.created', { type: 'api_token', id: created.token.id }, { name: created.token.name, scope: created.token.scope });
    sendData(res, created, 201);
  });

  router.delete(`${HTTP_ROUTES.adminApiTokens}/:id`, admin, async (req, res) => {
    const token = await tokens.revoke(String(req.params.id));
    await audit.record(actor(res), 'api_token.revoked', { type: 'api_token', id: token.id }, { name: token.name });
    sendData(res, { token });
  });

  return router;
}
