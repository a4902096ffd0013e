import { Router } from 'express';
import { HTTP_ROUTES } from '@support-chat/shared';
import type { AuditLog } from '../audit/audit-log.js';
import type { AgentSessions } from '../auth/sessions.js';
import { ChatError } from '../errors.js';
import type { KnowledgeBase, KnowledgeSnapshot } from '../knowledge/knowledge-base.js';
import type { AgentRecord } from '../store/types.js';
import { requireAdmin } from './require-agent.js';
import { sendData } from './respond.js';

function summary(snapshot: KnowledgeSnapshot) {
  const byLang: Record<string, number> = {};
  for (const entry of snapshot.entries) byLang[entry.lang] = (byLang[entry.lang] ?? 0) + 1;
  return {
    entries: snapshot.entries.length,
    byLang,
    warnings: snapshot.warnings,
    // Built-in groups plus the folder's synonyms.txt: an admin who edited that file sees it counted.
    synonymGroups: snapshot.synonymGroups,
    embedded: snapshot.embedded,
    builtAt: snapshot.builtAt,
    buildMs: Math.round(snapshot.buildMs),
  };
}

/**
 * Admin: `POST /api/admin/knowledge/reindex` re-reads the knowledge folder now (after an upload
 * the file watcher may not see, e.g. on a network share) and answers with what was loaded;
 * `GET /api/admin/knowledge/status` tells what is being served.
 */
export function knowledgeRoutes({ knowledge, sessions, audit }: { knowledge: KnowledgeBase; sessions: AgentSessions; audit: AuditLog }): Router {
  const router = Router();
  const admin = requireAdmin(sessions);

  router.post(`${HTTP_ROUTES.adminKnowledge}/reindex`, admin, async (_req, res) => {
    const target = { type: 'knowledge' as const, id: 'knowledge' };
    try {
      const loaded = summary(await knowledge.reload('admin request'));
      await audit.record(res.locals.agent as AgentRecord, 'knowledge.reindexed', target, { entries: loaded.entries, ok: true });
      sendData(res, loaded);
    } catch (error) {
      await audit.record(res.locals.agent as AgentRecord, 'knowledge.reindexed', target, { ok: false });
      throw new ChatError('unavailable', `Re-indexing failed; the previous knowledge is still served. ${(error as Error).message}`, {
        cause: error,
      });
    }
  });

  router.get(`${HTTP_ROUTES.adminKnowledge}/status`, admin, (_req, res) => {
    sendData(res, summary(knowledge.snapshot));
  });

  return router;
}
