import { Router } from 'express';
import { HTTP_ROUTES } from '@support-chat/shared';
import { auditQuerySchema, visitorIdSchema } from '@support-chat/shared/schemas';
import type { AuditLog } from '../audit/audit-log.js';
import type { AgentSessions } from '../auth/sessions.js';
import type { VisitorData } from '../privacy/visitor-data.js';
import type { AgentRecord } from '../store/types.js';
import { requireAdmin } from './require-agent.js';
import { sendData } from './respond.js';

/**
 * Admin (issue 11): the audit log, `GET /api/admin/audit?cursor=…&actor=…&action=…`, and one
 * visitor's data: `GET /api/admin/visitors/:visitorId/export` downloads it as JSON,
 * `DELETE /api/admin/visitors/:visitorId` erases it.
 */
export function privacyRoutes({ sessions, audit, visitorData }: { sessions: AgentSessions; audit: AuditLog; visitorData: VisitorData }): Router {
  const router = Router();
  const admin = requireAdmin(sessions);

  router.get(HTTP_ROUTES.adminAudit, admin, async (req, res) => {
    sendData(res, await audit.page(auditQuerySchema.parse(req.query)));
  });

  router.get(`${HTTP_ROUTES.adminVisitors}/:visitorId/export`, admin, async (req, res) => {
    const visitorId = visitorIdSchema.parse(req.params.visitorId);
    const exported = await visitorData.export(res.locals.agent as AgentRecord, visitorId);
    res.setHeader('Content-Disposition', `attachment; filename="visitor-${visitorId}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    res.type('application/json').send(JSON.stringify(exported, null, 2));
  });

  router.delete(`${HTTP_ROUTES.adminVisitors}/:visitorId`, admin, async (req, res) => {
    const visitorId = visitorIdSchema.parse(req.params.visitorId);
    sendData(res, { erased: await visitorData.erase(res.locals.agent as AgentRecord, visitorId) });
  });

  return router;
}
