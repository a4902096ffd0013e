/**
 * Admin: `GET /api/admin/reports/knowledge?from&to&tz` — the knowledge report (issue 14): AI
 * answers per entry, entries never used, the most thumbed-down, gaps by week, and the share of
 * answers visitors accepted. Same range query as the main report.
 */
import { HTTP_ROUTES } from '@support-chat/shared';
import { Router } from 'express';
import type { AgentSessions } from '../auth/sessions.js';
import type { Clock } from '../conversations/service.js';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { buildKnowledgeReport } from '../reports/knowledge-report.js';
import type { Store } from '../store/types.js';
import { reportRange } from './admin-routes.js';
import { requireAdmin } from './require-agent.js';
import { sendData } from './respond.js';

export function knowledgeReportRoutes({
  store,
  knowledge,
  sessions,
  clock,
}: {
  store: Pick<Store, 'knowledgeAnswerOutcomes' | 'knowledgeGapCounts'>;
  knowledge: Pick<KnowledgeBase, 'entries'>;
  sessions: AgentSessions;
  clock: Clock;
}): Router {
  const router = Router();
  router.get(HTTP_ROUTES.adminKnowledgeReport, requireAdmin(sessions), async (req, res) => {
    const report = await buildKnowledgeReport(store, knowledge.entries, reportRange(req.query, clock.now()));
    sendData(res, { report });
  });
  return router;
}
